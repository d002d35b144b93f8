/* tests/unit/test_blockdev.c - the pure parts of loader/blockdev.c: PCI
 * addresses, mountinfo lines, on-disk signatures. */
#include <stdint.h>

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

int main(void)
{
	test_pci();
	test_mountinfo();
	test_signatures();
	CHECK_DONE();
}
