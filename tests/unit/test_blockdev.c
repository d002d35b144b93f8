/* tests/unit/test_blockdev.c - loader/blockdev.c: PCI addresses,
 * mountinfo lines, on-disk signatures, and the controller behind a disk in
 * fake sysfs trees (virtio-blk, AHCI and what is refused). */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crashcap/params.h"
#include "loader/blockdev.h"
#include "tests/unit/check.h"

static void test_pci(void)
{
	uint8_t b, d, f;

	CHECK_EQ(blockdev_parse_pci("00:04.0", &b, &d, &f), 0);
	CHECK_EQ(b, 0);
	CHECK_EQ(d, 4);
	CHECK_EQ(f, 0);
	CHECK_EQ(blockdev_parse_pci("0000:3a:1f.7", &b, &d, &f), 0);
	CHECK_EQ(b, 0x3a);
	CHECK_EQ(d, 0x1f);
	CHECK_EQ(f, 7);
	CHECK_EQ(blockdev_parse_pci("0001:00:04.0", &b, &d, &f), -1); /* domain 1 */
	CHECK_EQ(blockdev_parse_pci("00:20.0", &b, &d, &f), -1);      /* device > 31 */
	CHECK_EQ(blockdev_parse_pci("00:04.8", &b, &d, &f), -1);      /* function > 7 */
	CHECK_EQ(blockdev_parse_pci("100:04.0", &b, &d, &f), -1);     /* bus > 255 */
	CHECK_EQ(blockdev_parse_pci("00:04", &b, &d, &f), -1);
	CHECK_EQ(blockdev_parse_pci("00:04.0x", &b, &d, &f), -1);
	CHECK_EQ(blockdev_parse_pci("", &b, &d, &f), -1);
}

static void test_mountinfo(void)
{
	unsigned ma = 0, mi = 0;
	char mnt[64], src[64];

	CHECK_EQ(blockdev_mountinfo_line("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
					 &ma, &mi, mnt, sizeof(mnt), src, sizeof(src)), 0);
	CHECK_EQ(ma, 98);
	CHECK_EQ(mi, 0);
	CHECK_STR(mnt, "/mnt2");
	CHECK_STR(src, "/dev/root");
	/* No optional fields; btrfs with its anonymous device number. */
	CHECK_EQ(blockdev_mountinfo_line("29 1 0:26 / / rw,relatime - btrfs /dev/vda2 rw,space_cache=v2",
					 &ma, &mi, mnt, sizeof(mnt), src, sizeof(src)), 0);
	CHECK_EQ(ma, 0);
	CHECK_EQ(mi, 26);
	CHECK_STR(src, "/dev/vda2");
	CHECK_EQ(blockdev_mountinfo_line("garbage", &ma, &mi, mnt, sizeof(mnt), src, sizeof(src)), -1);
	CHECK_EQ(blockdev_mountinfo_line("36 35 98:0 / /x rw", &ma, &mi, mnt, sizeof(mnt), src, sizeof(src)), -1);
}

static void test_signatures(void)
{
	static uint8_t buf[BLOCKDEV_SIG_BYTES];

	CHECK(blockdev_signature(buf, sizeof(buf)) == NULL); /* zeros */
	buf[0x438] = 0x53;
	buf[0x439] = 0xef;
	CHECK_STR(blockdev_signature(buf, sizeof(buf)), "an ext2/3/4 filesystem");
	CHECK(blockdev_signature(buf, 0x439) == NULL); /* too short to tell */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "XFSB", 4);
	CHECK_STR(blockdev_signature(buf, sizeof(buf)), "an XFS filesystem");
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 0x10040, "_BHRfS_M", 8);
	CHECK_STR(blockdev_signature(buf, sizeof(buf)), "a btrfs filesystem");
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 4086, "SWAPSPACE2", 10);
	CHECK_STR(blockdev_signature(buf, sizeof(buf)), "a swap area");
	memset(buf, 0, sizeof(buf));
	buf[510] = 0x55;
	buf[511] = 0xaa;
	CHECK(blockdev_signature(buf, sizeof(buf)) == NULL); /* boot signature, no partition */
	buf[446 + 4] = 0x83;
	CHECK_STR(blockdev_signature(buf, sizeof(buf)), "an MBR partition table");
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "CRASHCAP", 8);
	CHECK(blockdev_signature(buf, sizeof(buf)) == NULL);
}

/* Fake sysfs -------------------------------------------------------------- */

static char tmp[256];

/* mkdir -p of tmp/rel's directory part (all of rel if dir). */
static void mkdirs(const char *rel, int dir)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", tmp, rel);
	if (!dir)
		*strrchr(p, '/') = '\0';
	for (char *c = p + strlen(tmp) + 1; (c = strchr(c, '/')); c++) {
		*c = '\0';
		mkdir(p, 0755);
		*c = '/';
	}
	mkdir(p, 0755);
}

static void put(const char *rel, const char *text)
{
	char p[PATH_MAX];
	mkdirs(rel, 0);
	snprintf(p, sizeof(p), "%s/%s", tmp, rel);
	FILE *f = fopen(p, "w");
	if (!f) { perror(p); exit(2); }
	fputs(text, f);
	fclose(f);
}

static void link_to(const char *rel, const char *target)
{
	char p[PATH_MAX];
	mkdirs(rel, 0);
	snprintf(p, sizeof(p), "%s/%s", tmp, rel);
	unlink(p);
	if (symlink(target, p)) { perror(p); exit(2); }
}

static int resolve(const char *rel, struct blockdev *b)
{
	char p[PATH_MAX], real[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", tmp, rel);
	if (!realpath(p, real)) { perror(p); exit(2); }
	memset(b, 0, sizeof(*b));
	b->path = "/dev/test";
	return blockdev_resolve_sysfs(real, b);
}

#define PCI_AHCI "devices/pci0000:00/0000:00:1f.2"
#define SCSI_DEV PCI_AHCI "/ata3/host2/target2:0:0/2:0:0:0"
#define SDB SCSI_DEV "/block/sdb"

/* The tree of a q35 guest with a disk on ICH9 AHCI port 2 (ata3), a
 * partition sdb1 at 1 MiB. */
static void ahci_tree(void)
{
	put(PCI_AHCI "/class", "0x010601\n");
	mkdirs("bus/pci/drivers/ahci", 1);
	link_to(PCI_AHCI "/driver", "../../../bus/pci/drivers/ahci");
	put(PCI_AHCI "/ata3/ata_port/ata3/port_no", "3\n");
	put(PCI_AHCI "/ata3/ata_port/ata3/nr_pmp_links", "0\n");
	put(SCSI_DEV "/type", "0\n");
	put(SDB "/size", "2097152\n");
	put(SDB "/dev", "8:16\n");
	put(SDB "/queue/logical_block_size", "512\n");
	link_to(SDB "/device", "../../../2:0:0:0");
	put(SDB "/sdb1/partition", "1\n");
	put(SDB "/sdb1/start", "2048\n");
	put(SDB "/sdb1/size", "1048576\n");
	put(SDB "/sdb1/dev", "8:17\n");
}

static void test_sysfs_ahci(void)
{
	struct blockdev b;

	ahci_tree();
	CHECK_EQ(resolve(SDB "/sdb1", &b), 0);
	CHECK_EQ(b.kind, CC_TARGET_AHCI);
	CHECK_EQ(b.bus, 0);
	CHECK_EQ(b.dev, 0x1f);
	CHECK_EQ(b.fn, 2);
	CHECK_EQ(b.unit, 2);         /* port_no counts from 1 */
	CHECK_EQ(b.is_partition, 1);
	CHECK_EQ(b.start512, 2048);
	CHECK_EQ(b.count512, 1048576);
	CHECK_EQ(b.sector_size, 512);
	CHECK_STR(b.name, "sdb1");
	CHECK_STR(b.disk, "sdb");
	CHECK_STR(b.controller, "AHCI 0000:00:1f.2 port 2 (ata3, driver ahci)");

	/* The whole disk; a 4Kn disk: the payload addresses 4096-byte sectors. */
	put(SDB "/queue/logical_block_size", "4096\n");
	CHECK_EQ(resolve(SDB, &b), 0);
	CHECK_EQ(b.is_partition, 0);
	CHECK_EQ(b.nparts, 1);
	CHECK_EQ(b.count512, 2097152);
	CHECK_EQ(b.sector_size, 4096);
	put(SDB "/queue/logical_block_size", "512\n");

	put(PCI_AHCI "/ata3/ata_port/ata3/port_no", "1\n");
	CHECK_EQ(resolve(SDB, &b), 0);
	CHECK_EQ(b.unit, 0);
	put(PCI_AHCI "/ata3/ata_port/ata3/port_no", "32\n");
	CHECK_EQ(resolve(SDB, &b), 0);
	CHECK_EQ(b.unit, 31);

	/* Refused: port_no 0 or missing, a port multiplier, not a disk, an HBA
	 * in IDE mode (class 01:01), a PCI domain other than 0. */
	put(PCI_AHCI "/ata3/ata_port/ata3/port_no", "0\n");
	CHECK_EQ(resolve(SDB, &b), -1);
	put(PCI_AHCI "/ata3/ata_port/ata3/port_no", "3\n");
	put(PCI_AHCI "/ata3/ata_port/ata3/nr_pmp_links", "5\n");
	CHECK_EQ(resolve(SDB, &b), -1);
	put(PCI_AHCI "/ata3/ata_port/ata3/nr_pmp_links", "0\n");
	put(SCSI_DEV "/type", "5\n");
	CHECK_EQ(resolve(SDB, &b), -1);
	put(SCSI_DEV "/type", "0\n");
	put(PCI_AHCI "/class", "0x01018a\n");
	CHECK_EQ(resolve(SDB, &b), -1);
	put(PCI_AHCI "/class", "0x010601\n");
	CHECK_EQ(resolve(SDB, &b), 0);

	/* A disk behind a port multiplier's second link: SCSI channel 1. */
	put(PCI_AHCI "/ata3/host2/target2:1:0/2:1:0:0/type", "0\n");
	put(PCI_AHCI "/ata3/host2/target2:1:0/2:1:0:0/block/sdc/size", "1000\n");
	link_to(PCI_AHCI "/ata3/host2/target2:1:0/2:1:0:0/block/sdc/device", "../../../2:1:0:0");
	CHECK_EQ(resolve(PCI_AHCI "/ata3/host2/target2:1:0/2:1:0:0/block/sdc", &b), -1);

	/* PCI domain 1. */
	put("devices/pci0001:00/0001:00:1f.2/class", "0x010601\n");
	put("devices/pci0001:00/0001:00:1f.2/ata7/ata_port/ata7/port_no", "1\n");
	put("devices/pci0001:00/0001:00:1f.2/ata7/host6/target6:0:0/6:0:0:0/block/sdd/size", "1000\n");
	link_to("devices/pci0001:00/0001:00:1f.2/ata7/host6/target6:0:0/6:0:0:0/block/sdd/device", "../../../6:0:0:0");
	CHECK_EQ(resolve("devices/pci0001:00/0001:00:1f.2/ata7/host6/target6:0:0/6:0:0:0/block/sdd", &b), -1);
}

static void test_sysfs_virtio(void)
{
	struct blockdev b;
	const char *vdb = "devices/pci0000:00/0000:00:04.0/virtio1/block/vdb";

	mkdirs("bus/pci", 1);
	mkdirs("bus/virtio/drivers/virtio_blk", 1);
	link_to("devices/pci0000:00/0000:00:04.0/subsystem", "../../../bus/pci");
	link_to("devices/pci0000:00/0000:00:04.0/virtio1/driver", "../../../../bus/virtio/drivers/virtio_blk");
	put("devices/pci0000:00/0000:00:04.0/virtio1/block/vdb/size", "4096\n");
	put("devices/pci0000:00/0000:00:04.0/virtio1/block/vdb/queue/logical_block_size", "4096\n");
	link_to("devices/pci0000:00/0000:00:04.0/virtio1/block/vdb/device", "../../../virtio1");
	CHECK_EQ(resolve(vdb, &b), 0);
	CHECK_EQ(b.kind, CC_TARGET_VIRTIO_BLK);
	CHECK_EQ(b.dev, 4);
	CHECK_EQ(b.unit, 0);
	CHECK_EQ(b.sector_size, 512); /* virtio-blk sectors are 512 bytes whatever the block size */
	CHECK_EQ(b.logical_block_size, 4096);
}

static void test_nvme_id(void)
{
	struct cc_disk_id id;

	CHECK_EQ(blockdev_nvme_id(CC_ID_NGUID, "00010203-0405-0607-0809-0a0b0c0d0eFF\n", &id), 0);
	CHECK_EQ(id.kind, CC_ID_NGUID);
	CHECK_EQ(id.len, 16);
	CHECK_EQ(id.bytes[0], 0x00);
	CHECK_EQ(id.bytes[1], 0x01);
	CHECK_EQ(id.bytes[15], 0xff);
	CHECK_EQ(id.bytes[16], 0);
	CHECK_EQ(blockdev_nvme_id(CC_ID_EUI64, "00 c0 ff ee 00 00 00 02", &id), 0);
	CHECK_EQ(id.kind, CC_ID_EUI64);
	CHECK_EQ(id.len, 8);
	CHECK_EQ(id.bytes[1], 0xc0);
	CHECK_EQ(id.bytes[7], 0x02);
	CHECK_EQ(blockdev_nvme_id(CC_ID_SERIAL, "CCNVME0001          \n", &id), 0);
	CHECK_EQ(id.kind, CC_ID_SERIAL);
	CHECK_EQ(id.len, 10);
	CHECK(!memcmp(id.bytes, "CCNVME0001\0", 11));
	CHECK_EQ(blockdev_nvme_id(CC_ID_SERIAL, "A\tB", &id), 0);  /* as the payload shows it */
	CHECK(!memcmp(id.bytes, "A?B", 3));

	CHECK_EQ(blockdev_nvme_id(CC_ID_NGUID, "00000000-0000-0000-0000-000000000000", &id), -1); /* zero: none */
	CHECK_EQ(blockdev_nvme_id(CC_ID_NGUID, "00010203-0405-0607-0809-0a0b0c0d0e", &id), -1);
	CHECK_EQ(blockdev_nvme_id(CC_ID_NGUID, "00010203-0405-0607-0809-0a0b0c0d0e0f10", &id), -1);
	CHECK_EQ(blockdev_nvme_id(CC_ID_EUI64, "00 c0 ff ee 00 00 00 0g", &id), -1);
	CHECK_EQ(blockdev_nvme_id(CC_ID_EUI64, "00 c0 ff ee 00 00 00 0", &id), -1);
	CHECK_EQ(blockdev_nvme_id(CC_ID_SERIAL, "      \n", &id), -1);
	CHECK_EQ(blockdev_nvme_id(CC_ID_SERIAL, "ABCDEFGHIJKLMNOPQRSTU", &id), -1); /* SN is 20 bytes */
	CHECK_EQ(blockdev_nvme_id(CC_ID_NONE, "x", &id), -1);
}

#define PCI_NVME "devices/pci0000:00/0000:00:05.0"
#define NVME0 PCI_NVME "/nvme/nvme0"
#define N0N2 NVME0 "/nvme0n2"

/* A q35 guest's NVMe controller at 00:05.0 without multipath: namespace 2
 * (nvme0n2, partition nvme0n2p1 at 1 MiB, 4 KiB blocks); and the same
 * controller in a subsystem, as native multipath shows it. */
static void nvme_tree(void)
{
	put(PCI_NVME "/class", "0x010802\n");
	mkdirs("bus/pci/drivers/nvme", 1);
	link_to(PCI_NVME "/driver", "../../../bus/pci/drivers/nvme");
	link_to(NVME0 "/device", "../../../0000:00:05.0");
	put(NVME0 "/transport", "pcie\n");
	put(NVME0 "/serial", "CCNVME0001          \n");
	put(N0N2 "/size", "2097152\n");
	put(N0N2 "/dev", "259:1\n");
	put(N0N2 "/nsid", "2\n");
	put(N0N2 "/queue/logical_block_size", "4096\n");
	link_to(N0N2 "/device", "../../nvme0");
	put(N0N2 "/nvme0n2p1/partition", "1\n");
	put(N0N2 "/nvme0n2p1/start", "2048\n");
	put(N0N2 "/nvme0n2p1/size", "1048576\n");
	put(N0N2 "/nvme0n2p1/dev", "259:2\n");
}

static void test_sysfs_nvme(void)
{
	struct blockdev b;

	nvme_tree();
	CHECK_EQ(resolve(N0N2 "/nvme0n2p1", &b), 0);
	CHECK_EQ(b.kind, CC_TARGET_NVME);
	CHECK_EQ(b.bus, 0);
	CHECK_EQ(b.dev, 5);
	CHECK_EQ(b.fn, 0);
	CHECK_EQ(b.unit, 2);            /* the NSID */
	CHECK_EQ(b.is_partition, 1);
	CHECK_EQ(b.start512, 2048);
	CHECK_EQ(b.sector_size, 4096);  /* NVMe addresses the namespace's blocks */
	CHECK_EQ(b.id.kind, CC_ID_SERIAL); /* no NGUID, no EUI64 */
	CHECK_EQ(b.id.len, 10);
	CHECK(!memcmp(b.id.bytes, "CCNVME0001", 10));
	CHECK_STR(b.disk, "nvme0n2");
	CHECK_STR(b.controller, "NVMe 0000:00:05.0 namespace 2 (nvme0, driver nvme; serial CCNVME0001)");

	/* EUI64 beats the serial, NGUID beats both. */
	put(N0N2 "/eui", "00 c0 ff ee 00 00 00 02\n");
	CHECK_EQ(resolve(N0N2, &b), 0);
	CHECK_EQ(b.id.kind, CC_ID_EUI64);
	CHECK_EQ(b.id.bytes[7], 2);
	put(N0N2 "/nguid", "00010203-0405-0607-0809-0a0b0c0d0e0f\n");
	CHECK_EQ(resolve(N0N2, &b), 0);
	CHECK_EQ(b.id.kind, CC_ID_NGUID);
	CHECK_EQ(b.id.bytes[15], 0x0f);
	CHECK_STR(b.controller, "NVMe 0000:00:05.0 namespace 2 (nvme0, driver nvme; NGUID 000102030405060708090a0b0c0d0e0f)");

	/* Native multipath: the disk hangs off the subsystem, which links its
	 * one controller. */
	const char *head = "devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n2";
	link_to("devices/virtual/nvme-subsystem/nvme-subsys0/nvme0", "../../../../" NVME0);
	put("devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n2/size", "2097152\n");
	put("devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n2/nsid", "2\n");
	link_to("devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n2/device", "../../nvme-subsys0");
	CHECK_EQ(resolve(head, &b), 0);
	CHECK_EQ(b.kind, CC_TARGET_NVME);
	CHECK_EQ(b.dev, 5);
	CHECK_EQ(b.unit, 2);
	CHECK_EQ(b.id.kind, CC_ID_SERIAL);

	/* Refused: two controllers in the subsystem, NVMe over fabrics, no
	 * nsid, no identity at all, a controller that is not class 01:08:02. */
	link_to("devices/virtual/nvme-subsystem/nvme-subsys0/nvme1", "../../../../" NVME0);
	CHECK_EQ(resolve(head, &b), -1);
	put(NVME0 "/transport", "tcp\n");
	CHECK_EQ(resolve(N0N2, &b), -1);
	put(NVME0 "/transport", "pcie\n");
	put(N0N2 "/nsid", "0\n");
	CHECK_EQ(resolve(N0N2, &b), -1);
	put(N0N2 "/nsid", "2\n");
	put(N0N2 "/nguid", "00000000-0000-0000-0000-000000000000\n");
	put(N0N2 "/eui", "zz\n");
	put(NVME0 "/serial", "   \n");
	CHECK_EQ(resolve(N0N2, &b), -1);
	put(NVME0 "/serial", "CCNVME0001\n");
	CHECK_EQ(resolve(N0N2, &b), 0);
	put(PCI_NVME "/class", "0x010601\n");
	CHECK_EQ(resolve(N0N2, &b), -1);
	put(PCI_NVME "/class", "0x010802\n");
	CHECK_EQ(resolve(N0N2, &b), 0);
}

static void test_sysfs(void)
{
	snprintf(tmp, sizeof(tmp), "%s/cc-blockdev.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp)) { perror(tmp); exit(2); }
	test_sysfs_ahci();
	test_sysfs_virtio();
	test_sysfs_nvme();
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd)) fprintf(stderr, "could not remove %s\n", tmp);
}

int main(void)
{
	test_pci();
	test_mountinfo();
	test_signatures();
	test_nvme_id();
	test_sysfs();
	CHECK_DONE();
}
