/* loader/blockdev.c - see blockdev.h. */
#include <dirent.h>
#include <errno.h>
#include <err.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "crashcap/params.h"
#include "loader/blockdev.h"
#include "loader/sysfile.h"
#include "loader/target_io.h"

#define SECTOR 512u
#define PCI_CLASS_AHCI 0x010601u /* sysfs "class": mass storage, SATA, programming interface AHCI 1.0 */
#define PCI_CLASS_NVME 0x010802u /* mass storage, non-volatile memory, NVM Express */

int blockdev_parse_pci(const char *s, uint8_t *bus, uint8_t *dev, uint8_t *fn)
{
	unsigned d = 0, b, dv, f;
	int n = -1;

	if (!*s || s[strspn(s, "0123456789abcdefABCDEF:.")] != '\0') /* %x would take "0x" */
		return -1;
	if (sscanf(s, "%x:%x:%x.%x%n", &d, &b, &dv, &f, &n) == 4 && n == (int)strlen(s)) {
		if (d != 0)
			return -1; /* the payload scans PCI domain 0 only */
	} else if (n = -1, sscanf(s, "%x:%x.%x%n", &b, &dv, &f, &n) != 3 || n != (int)strlen(s)) {
		return -1;
	}
	if (b > 0xff || dv > 0x1f || f > 7)
		return -1;
	*bus = (uint8_t)b;
	*dev = (uint8_t)dv;
	*fn = (uint8_t)f;
	return 0;
}

/* Copy src into dst (size bytes), cut short if it does not fit. */
static void set_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* "dddd:bb:dd.f": a PCI function's sysfs directory name. */
static int is_pci_name(const char *s)
{
	unsigned d, b, dv, f;
	int n = -1;
	return sscanf(s, "%4x:%2x:%2x.%1x%n", &d, &b, &dv, &f, &n) == 4 && n == 12 && s[n] == '\0';
}

/* The last path component of the target of link dir/name ("" if none). */
static void link_base(const char *dir, const char *name, char *out, size_t size)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	out[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	const char *slash = strrchr(target, '/');
	set_str(out, size, slash ? slash + 1 : target);
}

static int read_sysfs_u64(const char *dir, const char *file, uint64_t *v)
{
	char path[PATH_MAX];
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >= sizeof(path))
		return -1;
	return sysfile_read_u64("", path, 10, v);
}

static int file_exists(const char *dir, const char *file)
{
	char path[PATH_MAX];
	return (size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) < sizeof(path) &&
	       access(path, F_OK) == 0;
}

/* A whole disk's partitions: the subdirectories with a "partition" file. */
static void list_partitions(const char *diskdir, struct blockdev *b)
{
	DIR *d = opendir(diskdir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) && b->nparts < BLOCKDEV_MAX_PARTS) {
		char sub[PATH_MAX], devno[32];
		unsigned ma, mi;
		if (e->d_name[0] == '.' || (size_t)snprintf(sub, sizeof(sub), "%s/%s", diskdir, e->d_name) >= sizeof(sub))
			continue;
		if (!file_exists(sub, "partition"))
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s/dev", diskdir, e->d_name) >= sizeof(sub) ||
		    sysfile_read_line("", sub, devno, sizeof(devno)) < 0 || sscanf(devno, "%u:%u", &ma, &mi) != 2)
			continue;
		set_str(b->part_name[b->nparts], BLOCKDEV_NAME_MAX, e->d_name);
		b->part_rdev[b->nparts++] = makedev(ma, mi);
	}
	closedir(d);
}

/* An ATA disk on an AHCI HBA.  devdir is the disk's device (its real
 * path): the SCSI device .../PCI/ataN/hostH/targetH:C:T/H:C:T:L that libata
 * creates.  The AHCI port is ataN's port number, which sysfs shows from 1
 * (ataN/ata_port/ataN/port_no = ap->port_no + 1; libata gives an AHCI host
 * one ata_port per port bit, implemented or not).  0 with kind, PCI address
 * and port set; 1 if devdir is not a libata disk; -1 after a message. */
static int find_ahci(const char *devdir, struct blockdev *b)
{
	char path[PATH_MAX], comp[5][64], pcidir[PATH_MAX], driver[64], line[32];
	unsigned h, c, t, l, h2, c2, t2, h3, ata;
	uint64_t v;
	unsigned long klass;
	int n = -1;

	/* The last five components: PCI function, ataN, hostH, target, device. */
	snprintf(path, sizeof(path), "%s", devdir);
	for (int i = 4; i >= 0; i--) {
		char *slash = strrchr(path, '/');
		if (!slash)
			return 1;
		snprintf(comp[i], sizeof(comp[i]), "%s", slash + 1);
		if (i)
			*slash = '\0';
	}
	*strrchr(path, '/') = '\0'; /* path: the PCI function's parent */
	if (sscanf(comp[4], "%u:%u:%u:%u%n", &h, &c, &t, &l, &n) != 4 || comp[4][n] ||
	    sscanf(comp[3], "target%u:%u:%u%n", &h2, &c2, &t2, &n) != 3 || comp[3][n] ||
	    sscanf(comp[2], "host%u%n", &h3, &n) != 1 || comp[2][n] ||
	    sscanf(comp[1], "ata%u%n", &ata, &n) != 1 || comp[1][n])
		return 1;
	if (!is_pci_name(comp[0])) {
		warnx("%s is an ATA disk on %s, not on a PCI controller: the payload drives AHCI over PCI only",
		      b->path, comp[0]);
		return -1;
	}
	if ((size_t)snprintf(pcidir, sizeof(pcidir), "%s/%s", path, comp[0]) >= sizeof(pcidir))
		return 1;
	link_base(pcidir, "driver", driver, sizeof(driver));
	if ((size_t)snprintf(path, sizeof(path), "%s/class", pcidir) >= sizeof(path) ||
	    sysfile_read_line("", path, line, sizeof(line)) < 0 || sscanf(line, "%lx", &klass) != 1 ||
	    klass != PCI_CLASS_AHCI) {
		warnx("%s is an ATA disk on PCI %s (driver %s), which is not an AHCI HBA (PCI class 01:06:01): "
		      "the payload drives ATA disks on AHCI HBAs only (an HBA in IDE mode can be set to AHCI in the firmware)",
		      b->path, comp[0], driver[0] ? driver : "none");
		return -1;
	}
	if (blockdev_parse_pci(comp[0], &b->bus, &b->dev, &b->fn) < 0) {
		warnx("%s is on PCI function %s outside PCI domain 0: the payload scans domain 0 only", b->path, comp[0]);
		return -1;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s/ata_port/%s", pcidir, comp[1], comp[1]) >= sizeof(path) ||
	    read_sysfs_u64(path, "port_no", &v) < 0 || v < 1 || v > 32) {
		warnx("%s: cannot tell its AHCI port: %s/port_no unreadable or not 1..32", b->path, path);
		return -1;
	}
	b->unit = (uint32_t)(v - 1);
	if ((read_sysfs_u64(path, "nr_pmp_links", &v) == 0 && v) || c || t || l) {
		warnx("%s is behind a SATA port multiplier on AHCI port %u (SCSI address %s): the payload drives "
		      "disks attached directly to a port only", b->path, b->unit, comp[4]);
		return -1;
	}
	if (read_sysfs_u64(devdir, "type", &v) == 0 && v != 0) {
		warnx("%s is SCSI device type %llu on AHCI port %u, not a disk (a CD or tape?)", b->path,
		      (unsigned long long)v, b->unit);
		return -1;
	}
	b->kind = CC_TARGET_AHCI;
	if ((size_t)snprintf(b->controller, sizeof(b->controller), "AHCI %s port %u (%s, driver %s)", comp[0],
			     b->unit, comp[1], driver[0] ? driver : "none") >= sizeof(b->controller))
		b->controller[sizeof(b->controller) - 1] = '\0';
	return 0;
}

static int hexdig(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int blockdev_nvme_id(uint32_t kind, const char *text, struct cc_disk_id *id)
{
	size_t n = strcspn(text, "\n");
	memset(id, 0, sizeof(*id));
	id->kind = kind;
	if (kind == CC_ID_SERIAL) {
		while (n && (text[n - 1] == ' ' || text[n - 1] == '\0'))
			n--;
		if (!n || n > 20)
			return -1;
		for (size_t i = 0; i < n; i++)
			id->bytes[i] = (uint8_t)(text[i] >= 0x20 && text[i] < 0x7f ? text[i] : '?');
		id->len = (uint32_t)n;
		return 0;
	}
	if (kind != CC_ID_NGUID && kind != CC_ID_EUI64)
		return -1;
	unsigned want = kind == CC_ID_NGUID ? 16 : 8, got = 0;
	for (size_t i = 0; i < n;) {
		if (text[i] == '-' || text[i] == ' ') {
			i++;
			continue;
		}
		int hi = hexdig(text[i]), lo = i + 1 < n ? hexdig(text[i + 1]) : -1;
		if (hi < 0 || lo < 0 || got == want)
			return -1;
		id->bytes[got++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	if (got != want)
		return -1;
	id->len = want;
	for (unsigned i = 0; i < want; i++)
		if (id->bytes[i])
			return 0;
	return -1; /* all zero: no identity */
}

/* Read one sysfs attribute of dir into buf: 0, or -1 if absent. */
static int read_attr(const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX];
	return (size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) < sizeof(path) &&
	       sysfile_read_line("", path, buf, size) >= 0 ? 0 : -1;
}

/* An NVMe namespace.  devdir is its disk's device: the controller nvmeN
 * (PCI/nvme/nvmeN), or with native multipath the subsystem nvme-subsysN,
 * whose links nvmeN name its controllers (one is all the payload can
 * drive).  0 with kind, PCI address, NSID and identity set; 1 if devdir is
 * neither; -1 after a message. */
static int find_nvme(const char *diskdir, const char *devdir, struct blockdev *b)
{
	char ctrl[PATH_MAX], link[PATH_MAX], pcidir[PATH_MAX], line[128], driver[64];
	const char *base = strrchr(devdir, '/');
	unsigned num;
	int n = -1;
	uint64_t nsid;

	if (!base)
		return 1;
	base++;
	if (sscanf(base, "nvme-subsys%u%n", &num, &n) == 1 && !base[n]) {
		/* Multipath: the subsystem's controllers are its links nvmeN. */
		DIR *d = opendir(devdir);
		struct dirent *e;
		unsigned nctrl = 0;
		char first[64] = "";
		if (!d) {
			warn("%s: %s", b->path, devdir);
			return -1;
		}
		while ((e = readdir(d))) {
			if (sscanf(e->d_name, "nvme%u%n", &num, &n) == 1 && !e->d_name[n]) {
				if (!nctrl++)
					set_str(first, sizeof(first), e->d_name);
			}
		}
		closedir(d);
		if (nctrl != 1) {
			warnx("%s is an NVMe namespace of subsystem %s reached through %u controllers: the payload drives "
			      "one controller and cannot tell which path will answer after a crash", b->path, base, nctrl);
			return -1;
		}
		if ((size_t)snprintf(link, sizeof(link), "%s/%s", devdir, first) >= sizeof(link) || !realpath(link, ctrl)) {
			warn("%s: %s", b->path, link);
			return -1;
		}
	} else if (sscanf(base, "nvme%u%n", &num, &n) == 1 && !base[n]) {
		set_str(ctrl, sizeof(ctrl), devdir);
	} else {
		return 1;
	}
	const char *cname = strrchr(ctrl, '/') + 1;
	if (read_attr(ctrl, "transport", line, sizeof(line)) == 0 && strcmp(line, "pcie")) {
		warnx("%s is an NVMe namespace on %s over %s (NVMe over fabrics): the payload drives NVMe over PCIe only",
		      b->path, cname, line);
		return -1;
	}
	if ((size_t)snprintf(link, sizeof(link), "%s/device", ctrl) >= sizeof(link) || !realpath(link, pcidir) ||
	    !is_pci_name(strrchr(pcidir, '/') + 1)) {
		warnx("%s is an NVMe namespace on %s, which is not a PCI function: the payload drives NVMe over PCIe only",
		      b->path, cname);
		return -1;
	}
	const char *pci = strrchr(pcidir, '/') + 1;
	unsigned long klass;
	link_base(pcidir, "driver", driver, sizeof(driver));
	if (read_attr(pcidir, "class", line, sizeof(line)) < 0 || sscanf(line, "%lx", &klass) != 1 ||
	    klass != PCI_CLASS_NVME) {
		warnx("%s is on PCI %s (driver %s), which is not an NVM Express controller (PCI class 01:08:02)", b->path,
		      pci, driver[0] ? driver : "none");
		return -1;
	}
	if (blockdev_parse_pci(pci, &b->bus, &b->dev, &b->fn) < 0) {
		warnx("%s is on PCI function %s outside PCI domain 0: the payload scans domain 0 only", b->path, pci);
		return -1;
	}
	if (read_sysfs_u64(diskdir, "nsid", &nsid) < 0 || nsid == 0 || nsid >= 0xffffffffu) {
		warnx("%s: cannot tell its NVMe namespace ID (%s/nsid unreadable or not 1..0xfffffffe)", b->path, diskdir);
		return -1;
	}
	b->unit = (uint32_t)nsid;
	/* The identity: NGUID, else EUI64 (sysfs shows them only when not
	 * zero), else the controller's serial number with the NSID. */
	if (!(read_attr(diskdir, "nguid", line, sizeof(line)) == 0 && blockdev_nvme_id(CC_ID_NGUID, line, &b->id) == 0) &&
	    !(read_attr(diskdir, "eui", line, sizeof(line)) == 0 && blockdev_nvme_id(CC_ID_EUI64, line, &b->id) == 0)) {
		if (read_attr(ctrl, "serial", line, sizeof(line)) < 0 || blockdev_nvme_id(CC_ID_SERIAL, line, &b->id) < 0) {
			warnx("%s: NVMe namespace %u has no NGUID or EUI64 and %s/serial is unreadable or empty: "
			      "nothing to tell this disk from another by", b->path, b->unit, ctrl);
			return -1;
		}
	}
	b->kind = CC_TARGET_NVME;
	char idtext[64];
	size_t k = (size_t)snprintf(idtext, sizeof(idtext), "%s ", b->id.kind == CC_ID_NGUID ? "NGUID" :
				    b->id.kind == CC_ID_EUI64 ? "EUI64" : "serial");
	for (unsigned i = 0; i < b->id.len && k + 3 < sizeof(idtext); i++)
		k += (size_t)(b->id.kind == CC_ID_SERIAL ? snprintf(idtext + k, sizeof(idtext) - k, "%c", b->id.bytes[i]) :
							  snprintf(idtext + k, sizeof(idtext) - k, "%02x", b->id.bytes[i]));
	if ((size_t)snprintf(b->controller, sizeof(b->controller), "NVMe %s namespace %u (%s, driver %s; %s)", pci,
			     b->unit, cname, driver[0] ? driver : "none", idtext) >= sizeof(b->controller))
		b->controller[sizeof(b->controller) - 1] = '\0';
	return 0;
}

/* The controller of the disk whose sysfs directory is diskdir: accept
 * virtio-blk, AHCI and NVMe on PCI, explain anything else. */
static int find_controller(const char *diskdir, struct blockdev *b)
{
	char link[PATH_MAX], devdir[PATH_MAX], driver[64], subsys[64];

	if ((size_t)snprintf(link, sizeof(link), "%s/device", diskdir) < sizeof(link) && realpath(link, devdir)) {
		char *base = strrchr(devdir, '/');
		link_base(devdir, "driver", driver, sizeof(driver));
		if (base && !strncmp(base + 1, "virtio", 6) && !strcmp(driver, "virtio_blk")) {
			*base = '\0'; /* the virtio device's parent: the transport */
			char *parent = strrchr(devdir, '/');
			link_base(devdir, "subsystem", subsys, sizeof(subsys));
			if (!parent || !is_pci_name(parent + 1) || strcmp(subsys, "pci")) {
				warnx("%s is a virtio-blk disk on %s, not on PCI: the payload drives virtio-blk over PCI only",
				      b->path, parent ? parent + 1 : devdir);
				return -1;
			}
			if (blockdev_parse_pci(parent + 1, &b->bus, &b->dev, &b->fn) < 0) {
				warnx("%s is on PCI function %s outside PCI domain 0: the payload scans domain 0 only",
				      b->path, parent + 1);
				return -1;
			}
			b->kind = CC_TARGET_VIRTIO_BLK;
			b->sector_size = SECTOR; /* virtio-blk addresses 512-byte sectors */
			snprintf(b->controller, sizeof(b->controller), "virtio-blk %s", parent + 1);
			return 0;
		}
		int rc = find_ahci(devdir, b);
		if (rc > 0)
			rc = find_nvme(diskdir, devdir, b);
		if (rc <= 0) {
			/* ATA and NVMe commands address logical blocks. */
			b->sector_size = b->logical_block_size ? b->logical_block_size : SECTOR;
			return rc;
		}
	}

	/* Not virtio-blk: name the nearest PCI function above the disk. */
	char real[PATH_MAX];
	size_t pci_end = 0;
	if (realpath(diskdir, real)) {
		for (char *c = real; (c = strchr(c, '/')); ) {
			size_t len = strcspn(c + 1, "/");
			char comp[64];
			snprintf(comp, sizeof(comp), "%.*s", (int)(len < 63 ? len : 63), c + 1);
			if (is_pci_name(comp))
				pci_end = (size_t)(c + 1 + len - real);
			c += 1 + len;
		}
	}
	if (!pci_end) {
		warnx("%s (%s) is not on a PCI disk controller (a virtual, loop, device-mapper or RAID device?): "
		      "crashcap writes dumps only to virtio-blk, AHCI and NVMe disks", b->path, b->disk);
		return -1;
	}
	real[pci_end] = '\0';
	link_base(real, "driver", driver, sizeof(driver));
	char kind[80];
	snprintf(kind, sizeof(kind), "a%s %s", driver[0] ? "" : "n", driver[0] ? driver : "unbound");
	warnx("%s is on %s controller (PCI %s): crashcap writes dumps only to virtio-blk, AHCI and NVMe disks",
	      b->path, kind, strrchr(real, '/') + 1);
	return -1;
}

int blockdev_resolve(const char *root, const char *path, struct blockdev *b)
{
	char sysdir[PATH_MAX], real[PATH_MAX], rel[64];
	struct stat st;

	memset(b, 0, sizeof(*b));
	b->path = path;
	if (stat(path, &st) < 0) {
		warn("target %s", path);
		return -1;
	}
	if (!S_ISBLK(st.st_mode)) {
		warnx("target %s is %s, not a block device: give a disk or a partition, such as /dev/vdb or /dev/vdb1",
		      path, file_kind_words(st.st_mode));
		return -1;
	}
	b->rdev = st.st_rdev;
	snprintf(rel, sizeof(rel), "/sys/dev/block/%u:%u", major(st.st_rdev), minor(st.st_rdev));
	if (sysfile_path(sysdir, sizeof(sysdir), root, rel) < 0 || !realpath(sysdir, real)) {
		warn("target %s: %s", path, sysdir);
		return -1;
	}
	return blockdev_resolve_sysfs(real, b);
}

int blockdev_resolve_sysfs(const char *real, struct blockdev *b)
{
	uint64_t v;

	snprintf(b->name, sizeof(b->name), "%s", strrchr(real, '/') + 1);

	char diskdir[PATH_MAX];
	snprintf(diskdir, sizeof(diskdir), "%s", real);
	b->is_partition = file_exists(real, "partition");
	if (b->is_partition) {
		*strrchr(diskdir, '/') = '\0';
		if (read_sysfs_u64(real, "start", &b->start512) < 0) {
			warn("target %s: %s/start", b->path, real);
			return -1;
		}
	} else {
		list_partitions(diskdir, b);
	}
	snprintf(b->disk, sizeof(b->disk), "%s", strrchr(diskdir, '/') + 1);
	if (read_sysfs_u64(real, "size", &b->count512) < 0) {
		warn("target %s: %s/size", b->path, real);
		return -1;
	}
	if (read_sysfs_u64(diskdir, "queue/logical_block_size", &v) == 0)
		b->logical_block_size = (uint32_t)v;
	if (b->count512 == 0) {
		warnx("target %s has size 0 (no medium?)", b->path);
		return -1;
	}
	return find_controller(diskdir, b);
}

int blockdev_from_file(const char *path, const char *pci, struct blockdev *b)
{
	struct stat st;

	memset(b, 0, sizeof(*b));
	b->path = path;
	if (blockdev_parse_pci(pci, &b->bus, &b->dev, &b->fn) < 0) {
		warnx("--test-target-pci %s: not a PCI address BB:DD.F (hex, PCI domain 0)", pci);
		return -1;
	}
	if (stat(path, &st) < 0) {
		warn("target %s", path);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		warnx("target %s: --test-target-pci needs a regular file (a stand-in disk image)", path);
		return -1;
	}
	b->is_file = 1;
	b->file_dev = st.st_dev;
	b->file_ino = st.st_ino;
	b->count512 = (uint64_t)st.st_size / SECTOR;
	b->logical_block_size = SECTOR;
	b->sector_size = SECTOR;
	b->kind = CC_TARGET_VIRTIO_BLK;
	snprintf(b->name, sizeof(b->name), "%s", path);
	snprintf(b->disk, sizeof(b->disk), "%s", path);
	snprintf(b->controller, sizeof(b->controller), "virtio-blk %02x:%02x.%x (--test-target-pci)",
		 b->bus, b->dev, b->fn);
	return 0;
}

int blockdev_mountinfo_line(const char *line, unsigned *maj, unsigned *min,
			    char *mnt, size_t mnt_size, char *src, size_t src_size)
{
	char point[PATH_MAX];
	int n = -1;

	if (sscanf(line, "%*u %*u %u:%u %*s %4095s%n", maj, min, point, &n) != 3 || n < 0)
		return -1;
	snprintf(mnt, mnt_size, "%s", point);
	/* Optional fields end at a lone "-"; then fs type and source. */
	const char *sep = strstr(line + n, " - ");
	char source[PATH_MAX];
	if (!sep || sscanf(sep + 3, "%*s %4095s", source) != 1)
		return -1;
	snprintf(src, src_size, "%s", source);
	return 0;
}

/* Is dev one of the target's device numbers?  The name, or NULL. */
static const char *our_dev(const struct blockdev *b, dev_t dev)
{
	if (!b->is_file && dev == b->rdev)
		return b->name;
	for (unsigned i = 0; i < b->nparts; i++)
		if (dev == b->part_rdev[i])
			return b->part_name[i];
	return NULL;
}

/* Does path (below root) name the target (or one of its partitions)? */
static const char *path_is_ours(const char *root, const struct blockdev *b, const char *path)
{
	char full[SYSFILE_PATH_MAX];
	struct stat st;

	if (path[0] != '/' || sysfile_path(full, sizeof(full), root, path) < 0 || stat(full, &st) < 0)
		return NULL;
	if (S_ISBLK(st.st_mode))
		return our_dev(b, st.st_rdev);
	if (b->is_file && S_ISREG(st.st_mode) && st.st_dev == b->file_dev && st.st_ino == b->file_ino)
		return b->name;
	return NULL;
}

/* One line refusing a target that is in use (or a partition of it is);
 * --force never overrides it.  Returns -1. */
static int refuse_in_use(const struct blockdev *b, const char *which, const char *how, const char *where,
			 const char *why)
{
	int part = strcmp(which, b->name) != 0;
	warnx("%s%s%s %s %s: %s or choose another target (--force does not override this)",
	      b->path, part ? ": its partition " : "", part ? which : "", how, where, why);
	return -1;
}

static int check_mounts(const char *root, const struct blockdev *b)
{
	char *text = sysfile_read_all(root, "/proc/self/mountinfo", NULL);
	if (!text) {
		warn("cannot check whether %s is mounted: %s/proc/self/mountinfo", b->path, root);
		return -1;
	}
	int rc = 0;
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line && !rc;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned ma, mi;
		char mnt[256], src[256];
		const char *which;
		if (blockdev_mountinfo_line(line, &ma, &mi, mnt, sizeof(mnt), src, sizeof(src)) < 0)
			continue;
		which = our_dev(b, makedev(ma, mi));
		if (!which)
			which = path_is_ours(root, b, src); /* btrfs shows an anonymous MAJ:MIN */
		if (which) {
			rc = refuse_in_use(b, which, "is mounted on", mnt, "a dump would destroy that filesystem; unmount it");
		}
	}
	free(text);
	return rc;
}

static int check_swaps(const char *root, const struct blockdev *b)
{
	char *text = sysfile_read_all(root, "/proc/swaps", NULL);
	if (!text) {
		if (errno == ENOENT)
			return 0; /* kernel without swap support */
		warn("cannot check whether %s is swap: %s/proc/swaps", b->path, root);
		return -1;
	}
	int rc = 0, first = 1;
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line && !rc;
	     line = strtok_r(NULL, "\n", &save), first = 0) {
		char name[PATH_MAX];
		const char *which;
		if (first || sscanf(line, "%4095s", name) != 1) /* header line */
			continue;
		which = path_is_ours(root, b, name);
		if (which) {
			rc = refuse_in_use(b, which, "is in use as swap:", name, "a dump would overwrite it; swapoff it");
		}
	}
	free(text);
	return rc;
}

/* device-mapper (LVM, crypt), md RAID and bcache list themselves here. */
static int check_holders(const char *root, const struct blockdev *b, const char *name)
{
	char rel[128], dir[SYSFILE_PATH_MAX];
	DIR *d;
	struct dirent *e;

	snprintf(rel, sizeof(rel), "/sys/class/block/%s/holders", name);
	if (sysfile_path(dir, sizeof(dir), root, rel) < 0 || !(d = opendir(dir)))
		return 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			break;
	if (e) {
		warnx("%s%s%s is in use by %s (device-mapper, LVM, RAID or crypt): a dump would destroy it "
		      "(--force does not override this)", b->path, strcmp(name, b->name) ? ": its partition " : "",
		      strcmp(name, b->name) ? name : "", e->d_name);
		closedir(d);
		return -1;
	}
	closedir(d);
	return 0;
}

/* The kernel's own answer: a block device opened with O_EXCL fails with
 * EBUSY while a filesystem, swap, md or device-mapper holds it (what
 * mkfs relies on).  Catches users the files above do not show. */
static int check_exclusive(const struct blockdev *b)
{
	int fd = open(b->path, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno != EBUSY)
		return 0; /* opening it for real will report this */
	warnx("%s is in use (the kernel holds it: mounted, swap, RAID or device-mapper): a dump would destroy "
	      "what is on it (--force does not override this)", b->path);
	return -1;
}

int blockdev_check_unused(const char *root, const struct blockdev *b)
{
	if (check_mounts(root, b) < 0 || check_swaps(root, b) < 0)
		return -1;
	if (b->is_file)
		return 0;
	if (check_holders(root, b, b->name) < 0)
		return -1;
	for (unsigned i = 0; i < b->nparts; i++)
		if (check_holders(root, b, b->part_name[i]) < 0)
			return -1;
	return check_exclusive(b);
}

const char *blockdev_signature(const uint8_t *buf, size_t len)
{
	static const struct {
		size_t off;
		const char *magic;
		size_t len;
		const char *name;
	} sigs[] = {
		{ 0x438, "\x53\xef", 2, "an ext2/3/4 filesystem" },
		{ 0, "XFSB", 4, "an XFS filesystem" },
		{ 0x10040, "_BHRfS_M", 8, "a btrfs filesystem" },
		{ 0, "LUKS\xba\xbe", 6, "a LUKS encrypted volume" },
		{ 4086, "SWAPSPACE2", 10, "a swap area" },
		{ 4086, "SWAP-SPACE", 10, "a swap area" },
		{ 0x200, "EFI PART", 8, "a GPT partition table" },
		{ 0x1000, "\x10\x20\xf5\xf2", 4, "an F2FS filesystem" },
		{ 3, "NTFS    ", 8, "an NTFS filesystem" },
		{ 0x52, "FAT32   ", 8, "a FAT32 filesystem" },
		{ 0x36, "FAT16   ", 8, "a FAT filesystem" },
		{ 0x36, "FAT12   ", 8, "a FAT filesystem" },
	};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigs[i].off + sigs[i].len <= len && !memcmp(buf + sigs[i].off, sigs[i].magic, sigs[i].len))
			return sigs[i].name;
	/* An MBR: the boot signature and at least one partition entry in use. */
	if (len >= 512 && buf[510] == 0x55 && buf[511] == 0xaa)
		for (int e = 0; e < 4; e++)
			if (buf[446 + 16 * e + 4] != 0)
				return "an MBR partition table";
	return NULL;
}
