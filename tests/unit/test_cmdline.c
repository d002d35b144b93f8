/* tests/unit/test_cmdline.c - capture/cmdline.c (cmdline_parse, cmdline_uuid).
 * The parameter block starts zeroed, as mbinfo_to_params() leaves it. */
#include <stdint.h>
#include <stdlib.h>

#include "capture/cmdline.h"
#include "tests/unit/check.h"

static struct cc_params P;
static char err[128];

static int parse(const char *s)
{
	memset(&P, 0, sizeof(P));
	memset(err, 0, sizeof(err));
	return cmdline_parse(s, &P, err, sizeof(err));
}

#define CHECK_OK(s) do { \
	int r_ = parse(s); \
	CHECK_EQ(r_, 0); \
	if (r_) fprintf(stderr, "  \"%s\": %s\n", s, err); \
} while (0)

/* Fails, with an error line naming `what`. */
#define CHECK_BAD(s, what) do { \
	int r_ = parse(s); \
	CHECK_EQ(r_, -1); \
	CHECK(strstr(err, what) != NULL); \
	if (r_ != -1 || !strstr(err, what)) fprintf(stderr, "  \"%s\": error \"%s\"\n", s, err); \
} while (0)

#define CHECK_TARGET(s, b, d, f, first, count) do { \
	CHECK_OK(s); \
	CHECK_EQ(P.target.kind, CC_TARGET_VIRTIO_BLK); \
	CHECK_EQ(P.target.bus, b); \
	CHECK_EQ(P.target.dev, d); \
	CHECK_EQ(P.target.fn, f); \
	CHECK_EQ(P.target.lba_start, first); \
	CHECK_EQ(P.target.lba_count, count); \
	CHECK_EQ(P.target.unit, 0); \
} while (0)

static void test_target(void)
{
	CHECK_TARGET("target=virtio:00:04.0", 0, 4, 0, 0, 0);
	CHECK_TARGET("target=virtio:04.0", 0, 4, 0, 0, 0);
	CHECK_TARGET("target=virtio:1f:1f.7", 0x1f, 0x1f, 7, 0, 0);
	CHECK_TARGET("target=virtio:ff:00.1", 0xff, 0, 1, 0, 0);
	CHECK_TARGET("target=virtio:1A:0b.3", 0x1a, 0x0b, 3, 0, 0);
	CHECK_TARGET("target=virtio:0:4.0", 0, 4, 0, 0, 0);
	CHECK_TARGET("target=virtio:1f.7", 0, 0x1f, 7, 0, 0);

	CHECK_BAD("target=virtio:00:20.0", "target=virtio:00:20.0"); /* dev > 0x1f */
	CHECK_BAD("target=virtio:20.0", "target=");
	CHECK_BAD("target=virtio:100:00.0", "target=");              /* bus > 0xff */
	CHECK_BAD("target=virtio:00:04.8", "target=");               /* fn > 7 */
	CHECK_BAD("target=virtio:00:04", "target=");                 /* no fn */
	CHECK_BAD("target=virtio:00:04.", "target=");
	CHECK_BAD("target=virtio:00:04.0x", "target=");              /* junk after */
	CHECK_BAD("target=virtio:00:04.0 x=1", "'x'");               /* (an unknown key, not junk) */
	CHECK_BAD("target=virtio:00:04.0,", "target=");
	CHECK_BAD("target=virtio:zz:04.0", "target=");
	CHECK_BAD("target=virtio:00:g4.0", "target=");
	CHECK_BAD("target=virtio::04.0", "target=");
	CHECK_BAD("target=virtio:", "target=");
	CHECK_BAD("target=virtio", "target=");
	CHECK_BAD("target=", "target=");
	CHECK_BAD("target=ahci:00:1f.2", "target=");
	CHECK_BAD("target=VIRTIO:00:04.0", "target=");
	CHECK_BAD("target=virtio:00:04:0", "target=");
	CHECK_BAD("target=virtio:00:04.0.1", "target=");
}

#define CHECK_AHCI(s, b, d, f, port_, first, count) do { \
	CHECK_OK(s); \
	CHECK_EQ(P.target.kind, CC_TARGET_AHCI); \
	CHECK_EQ(P.target.bus, b); \
	CHECK_EQ(P.target.dev, d); \
	CHECK_EQ(P.target.fn, f); \
	CHECK_EQ(P.target.unit, port_); \
	CHECK_EQ(P.target.lba_start, first); \
	CHECK_EQ(P.target.lba_count, count); \
} while (0)

static void test_ahci(void)
{
	CHECK_AHCI("target=ahci:00:1f.2/p0", 0, 0x1f, 2, 0, 0, 0);
	CHECK_AHCI("target=ahci:1f.2/p3", 0, 0x1f, 2, 3, 0, 0);
	CHECK_AHCI("target=ahci:03:00.0/p31", 3, 0, 0, 31, 0, 0);
	CHECK_AHCI("target=ahci:00:1f.2/p5@2048", 0, 0x1f, 2, 5, 2048, 0);
	CHECK_AHCI("target=ahci:00:1f.2/p1@2048+0x1000", 0, 0x1f, 2, 1, 2048, 0x1000);
	CHECK_AHCI("target=ahci:00:1f.2/p12@0+1", 0, 0x1f, 2, 12, 0, 1);
	CHECK_OK("target=ahci:00:1f.2/p2 uuid=01234567-89ab-cdef-0123-456789abcdef");
	CHECK_EQ(P.target.unit, 2);
	CHECK_EQ(P.target.flags, CC_TF_UUID);

	CHECK_BAD("target=ahci:00:1f.2", "target=");        /* the port is required */
	CHECK_BAD("target=ahci:00:1f.2/", "target=");
	CHECK_BAD("target=ahci:00:1f.2/p", "target=");
	CHECK_BAD("target=ahci:00:1f.2/p32", "target=");    /* ports 0..31 */
	CHECK_BAD("target=ahci:00:1f.2/p-1", "target=");
	CHECK_BAD("target=ahci:00:1f.2/3", "target=");
	CHECK_BAD("target=ahci:00:1f.2/P3", "target=");
	CHECK_BAD("target=ahci:00:1f.2p3", "target=");
	CHECK_BAD("target=ahci:00:1f.2/p3x", "target=");
	CHECK_BAD("target=ahci:00:1f.2/p3@", "target=");
	CHECK_BAD("target=ahci:00:1f.2/p3@1+0", "target=");
	CHECK_BAD("target=ahci:00:20.2/p0", "target=");
	CHECK_BAD("target=ahci:/p0", "target=");
	CHECK_BAD("target=ahci/p0", "target=");
	CHECK_BAD("target=AHCI:00:1f.2/p0", "target=");
	CHECK_BAD("target=virtio:00:04.0/p0", "target=");   /* virtio has no port */
	CHECK_BAD("target=sata:00:1f.2/p0", "target=");

	/* The last target= wins, port included. */
	CHECK_OK("target=ahci:00:1f.2/p4 target=virtio:00:04.0");
	CHECK_EQ(P.target.kind, CC_TARGET_VIRTIO_BLK);
	CHECK_EQ(P.target.unit, 0);

	CHECK_OK("target=ahci:00:1f.2/p0 test=dma32");
	CHECK_EQ(P.test_flags, CC_TEST_DMA32);
	CHECK_OK("target=ahci:00:1f.2/p0 test=dma32 test=exception");
	CHECK_EQ(P.test_flags, CC_TEST_DMA32 | CC_TEST_EXCEPTION);
	CHECK_BAD("target=ahci:00:1f.2/p0 test=dma", "test=dma");
}

static void test_nvme(void)
{
	CHECK_OK("target=nvme:00:05.0/n1");
	CHECK_EQ(P.target.kind, CC_TARGET_NVME);
	CHECK_EQ(P.target.dev, 5);
	CHECK_EQ(P.target.unit, 1);
	CHECK_EQ(P.target_id.kind, CC_ID_NONE);
	CHECK_OK("target=nvme:3a:00.0/n4294967294@2048+100");
	CHECK_EQ(P.target.bus, 0x3a);
	CHECK_EQ(P.target.unit, 0xfffffffeu);
	CHECK_EQ(P.target.lba_start, 2048);
	CHECK_EQ(P.target.lba_count, 100);
	CHECK_BAD("target=nvme:00:05.0", "target=");            /* the namespace is required */
	CHECK_BAD("target=nvme:00:05.0/n0", "target=");         /* NSIDs start at 1 */
	CHECK_BAD("target=nvme:00:05.0/n4294967295", "target=");/* the broadcast NSID */
	CHECK_BAD("target=nvme:00:05.0/p1", "target=");
	CHECK_BAD("target=nvme:00:05.0/n", "target=");
	CHECK_BAD("target=nvme:00:05.0/n1x", "target=");

	CHECK_OK("target=nvme:00:05.0/n1 disk_id=serial:CCNVME0001");
	CHECK_EQ(P.target_id.kind, CC_ID_SERIAL);
	CHECK_EQ(P.target_id.len, 10);
	CHECK(!memcmp(P.target_id.bytes, "CCNVME0001", 11));
	CHECK_OK("target=nvme:00:05.0/n2 disk_id=eui64:00C0ffee00000002");
	CHECK_EQ(P.target_id.kind, CC_ID_EUI64);
	CHECK_EQ(P.target_id.len, 8);
	CHECK_EQ(P.target_id.bytes[1], 0xc0);
	CHECK_EQ(P.target_id.bytes[7], 0x02);
	CHECK_OK("target=nvme:00:05.0/n2 disk_id=nguid:000102030405060708090a0b0c0d0e0f");
	CHECK_EQ(P.target_id.kind, CC_ID_NGUID);
	CHECK_EQ(P.target_id.len, 16);
	CHECK_EQ(P.target_id.bytes[15], 0x0f);
	CHECK_BAD("target=nvme:00:05.0/n1 disk_id=serial:", "disk_id=");
	CHECK_BAD("target=nvme:00:05.0/n1 disk_id=serial:ABCDEFGHIJKLMNOPQRSTU", "disk_id="); /* 21 bytes */
	CHECK_BAD("target=nvme:00:05.0/n1 disk_id=eui64:00c0ffee0000000", "disk_id=");
	CHECK_BAD("target=nvme:00:05.0/n1 disk_id=eui64:00c0ffee0000000g", "disk_id=");
	CHECK_BAD("target=nvme:00:05.0/n1 disk_id=nguid:00", "disk_id=");
	CHECK_BAD("target=nvme:00:05.0/n1 disk_id=wwid:00", "disk_id=");
}

static void test_extent(void)
{
	CHECK_TARGET("target=virtio:00:04.0@2048", 0, 4, 0, 2048, 0);
	CHECK_TARGET("target=virtio:00:04.0@2048+4096", 0, 4, 0, 2048, 4096);
	CHECK_TARGET("target=virtio:00:04.0@0x800+0x1000", 0, 4, 0, 0x800, 0x1000);
	CHECK_TARGET("target=virtio:00:04.0@0X800+0XfF", 0, 4, 0, 0x800, 0xff);
	CHECK_TARGET("target=virtio:00:04.0@0+1", 0, 4, 0, 0, 1);
	CHECK_TARGET("target=virtio:00:04.0@0x800+4096", 0, 4, 0, 0x800, 4096);
	CHECK_TARGET("target=virtio:00:04.0@18446744073709551615", 0, 4, 0, UINT64_MAX, 0);
	CHECK_TARGET("target=virtio:00:04.0@1+0xffffffffffffffff", 0, 4, 0, 1, UINT64_MAX);

	CHECK_BAD("target=virtio:00:04.0@2048+0", "target=");    /* COUNT 0 */
	CHECK_BAD("target=virtio:00:04.0@2048+0x0", "target=");
	CHECK_BAD("target=virtio:00:04.0@", "target=");
	CHECK_BAD("target=virtio:00:04.0@+5", "target=");
	CHECK_BAD("target=virtio:00:04.0@5+", "target=");
	CHECK_BAD("target=virtio:00:04.0@0x", "target=");
	CHECK_BAD("target=virtio:00:04.0@0x+1", "target=");
	CHECK_BAD("target=virtio:00:04.0@12k", "target=");
	CHECK_BAD("target=virtio:00:04.0@0x800g", "target=");
	CHECK_BAD("target=virtio:00:04.0@1+2+3", "target=");
	CHECK_BAD("target=virtio:00:04.0@abc", "target=");
	CHECK_BAD("target=virtio:00:04.0@18446744073709551616", "target="); /* 2^64 */
	CHECK_BAD("target=virtio:00:04.0@0x10000000000000000", "target=");
}

static void test_actions(void)
{
	CHECK_OK("target=virtio:00:04.0");
	CHECK_EQ(P.action_ok, CC_ACTION_REBOOT);
	CHECK_EQ(P.action_fail, CC_ACTION_REBOOT);

	CHECK_OK("target=virtio:00:04.0 action=poweroff");
	CHECK_EQ(P.action_ok, CC_ACTION_POWEROFF);
	CHECK_EQ(P.action_fail, CC_ACTION_POWEROFF);
	CHECK_OK("action=halt target=virtio:00:04.0");
	CHECK_EQ(P.action_ok, CC_ACTION_HALT);
	CHECK_EQ(P.action_fail, CC_ACTION_HALT);

	CHECK_OK("target=virtio:00:04.0 action=poweroff fail=halt");
	CHECK_EQ(P.action_ok, CC_ACTION_POWEROFF);
	CHECK_EQ(P.action_fail, CC_ACTION_HALT);
	CHECK_OK("target=virtio:00:04.0 fail=halt action=poweroff");
	CHECK_EQ(P.action_ok, CC_ACTION_POWEROFF);
	CHECK_EQ(P.action_fail, CC_ACTION_HALT);
	/* fail= given as the default value still counts as given */
	CHECK_OK("fail=reboot action=halt target=virtio:00:04.0");
	CHECK_EQ(P.action_ok, CC_ACTION_HALT);
	CHECK_EQ(P.action_fail, CC_ACTION_REBOOT);
	CHECK_OK("target=virtio:00:04.0 fail=poweroff");
	CHECK_EQ(P.action_ok, CC_ACTION_REBOOT);
	CHECK_EQ(P.action_fail, CC_ACTION_POWEROFF);
	CHECK_OK("target=virtio:00:04.0 action=reboot");
	CHECK_EQ(P.action_ok, CC_ACTION_REBOOT);
	CHECK_EQ(P.action_fail, CC_ACTION_REBOOT);

	CHECK_BAD("target=virtio:00:04.0 action=shutdown", "action=shutdown");
	CHECK_BAD("target=virtio:00:04.0 action=", "action=");
	CHECK_BAD("target=virtio:00:04.0 action=rebootx", "action=");
	CHECK_BAD("target=virtio:00:04.0 action=Halt", "action=");
	CHECK_BAD("target=virtio:00:04.0 fail=off", "fail=off");
}

static void test_ports(void)
{
	CHECK_OK("target=virtio:00:04.0 debug_exit=0xf4");
	CHECK_EQ(P.debug_exit_port, 0xf4);
	CHECK_EQ(P.serial_port, 0);
	CHECK_OK("target=virtio:00:04.0 debug_exit=244");
	CHECK_EQ(P.debug_exit_port, 0xf4);
	CHECK_OK("target=virtio:00:04.0 debug_exit=0xffff");
	CHECK_EQ(P.debug_exit_port, 0xffff);
	CHECK_OK("serial=0x2f8 target=virtio:00:04.0");
	CHECK_EQ(P.serial_port, 0x2f8);
	CHECK_EQ(P.debug_exit_port, 0);
	CHECK_OK("serial=1016 target=virtio:00:04.0");
	CHECK_EQ(P.serial_port, 0x3f8);

	CHECK_BAD("target=virtio:00:04.0 debug_exit=0", "debug_exit=0");
	CHECK_BAD("target=virtio:00:04.0 debug_exit=0x10000", "debug_exit=");
	CHECK_BAD("target=virtio:00:04.0 debug_exit=0xf4z", "debug_exit=");
	CHECK_BAD("target=virtio:00:04.0 debug_exit=", "debug_exit=");
	CHECK_BAD("target=virtio:00:04.0 debug_exit=f4", "debug_exit=");
	CHECK_BAD("target=virtio:00:04.0 serial=com1", "serial=");
	CHECK_BAD("target=virtio:00:04.0 serial=65536", "serial=");
}

static const uint8_t U[16] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
			       0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
#define USTR "01234567-89ab-cdef-0123-456789ABCDEF"

static void test_uuid(void)
{
	uint8_t u[16];
	CHECK_EQ(cmdline_uuid(USTR, 36, u), 0);
	CHECK(!memcmp(u, U, 16));
	CHECK_EQ(cmdline_uuid("ffffffff-ffff-ffff-ffff-ffffffffffff", 36, u), 0);
	CHECK_EQ(u[0], 0xff);
	CHECK_EQ(u[15], 0xff);
	CHECK_EQ(cmdline_uuid(USTR, 35, u), -1);
	CHECK_EQ(cmdline_uuid(USTR "0", 37, u), -1);
	CHECK_EQ(cmdline_uuid("0123456789ab-cdef-0123-456789ABCDEF", 35, u), -1);
	CHECK_EQ(cmdline_uuid("0123456789abcdef0123456789ABCDEF", 32, u), -1);
	CHECK_EQ(cmdline_uuid("01234567-89ab-cdef-0123-456789ABCDEg", 36, u), -1);
	CHECK_EQ(cmdline_uuid("0123456-789ab-cdef-0123-456789ABCDEF", 36, u), -1); /* dash moved */
	CHECK_EQ(cmdline_uuid("01234567x89ab-cdef-0123-456789ABCDEF", 36, u), -1);
	CHECK_EQ(cmdline_uuid("01234567-89ab-cdef-0123-456789ABCD-F", 36, u), -1);
	CHECK_EQ(cmdline_uuid("01234567-89ab-cdef-0123 456789ABCDEF", 36, u), -1);

	CHECK_OK("uuid=" USTR " target=virtio:00:04.0");
	CHECK(!memcmp(P.target.uuid, U, 16));
	CHECK_EQ(P.target.flags, CC_TF_UUID);
	CHECK_EQ(P.target.kind, CC_TARGET_VIRTIO_BLK);
	CHECK_OK("target=virtio:00:04.0@100+200 uuid=" USTR);
	CHECK(!memcmp(P.target.uuid, U, 16));
	CHECK_EQ(P.target.flags, CC_TF_UUID);
	CHECK_EQ(P.target.dev, 4);
	CHECK_EQ(P.target.lba_start, 100);
	CHECK_EQ(P.target.lba_count, 200);

	CHECK_OK("target=virtio:00:04.0");
	CHECK_EQ(P.target.flags, 0);

	CHECK_BAD("target=virtio:00:04.0 uuid=0123", "uuid=");
	CHECK_BAD("target=virtio:00:04.0 uuid=" USTR "0", "uuid=");
	CHECK_BAD("target=virtio:00:04.0 uuid=01234567-89ab-cdef-0123-456789ABCDEX", "uuid=");
	CHECK_BAD("target=virtio:00:04.0 uuid=", "uuid=");
}

static void test_misc(void)
{
	CHECK_OK("target=virtio:00:04.0 test=exception");
	CHECK_EQ(P.test_flags, CC_TEST_EXCEPTION);
	CHECK_OK("target=virtio:00:04.0");
	CHECK_EQ(P.test_flags, 0);
	CHECK_BAD("target=virtio:00:04.0 test=pagefault", "test=pagefault");

	/* zeros=: elision is the default (options 0) */
	CHECK_OK("target=virtio:00:04.0");
	CHECK_EQ(P.options, 0);
	CHECK_OK("target=virtio:00:04.0 zeros=keep");
	CHECK_EQ(P.options, CC_OPT_KEEP_ZEROS);
	CHECK_OK("target=virtio:00:04.0 zeros=skip");
	CHECK_EQ(P.options, 0);
	CHECK_OK("target=virtio:00:04.0 zeros=keep zeros=skip");
	CHECK_EQ(P.options, 0);
	CHECK_BAD("target=virtio:00:04.0 zeros=yes", "zeros=yes");
	CHECK_BAD("target=virtio:00:04.0 zeros=", "zeros=");
	CHECK_BAD("target=virtio:00:04.0 zeros=keeps", "zeros=keeps");

	/* level= and compress=: raw ELF (0, none) by default */
	CHECK_OK("target=virtio:00:04.0");
	CHECK_EQ(P.dump_level, 0);
	CHECK_EQ(P.compress, CC_COMPRESS_NONE);
	CHECK_OK("target=virtio:00:04.0 level=31 compress=lz4");
	CHECK_EQ(P.dump_level, 31);
	CHECK_EQ(P.compress, CC_COMPRESS_LZ4);
	CHECK_OK("target=virtio:00:04.0 level=0x11 compress=none");
	CHECK_EQ(P.dump_level, 17);
	CHECK_EQ(P.compress, CC_COMPRESS_NONE);
	CHECK_BAD("target=virtio:00:04.0 level=32", "level=32");
	CHECK_BAD("target=virtio:00:04.0 level=", "level=");
	CHECK_BAD("target=virtio:00:04.0 level=1x", "level=1x");
	CHECK_BAD("target=virtio:00:04.0 compress=zstd", "compress=zstd");

	CHECK_BAD("target=virtio:00:04.0 colour=blue", "'colour'");
	CHECK_BAD("target=virtio:00:04.0 colour=blue", "unknown");
	CHECK_BAD("targets=virtio:00:04.0", "'targets'");
	CHECK_BAD("=x target=virtio:00:04.0", "unknown");
	CHECK_BAD("Target=virtio:00:04.0", "'Target'");

	CHECK_BAD("", "target");
	CHECK_BAD("action=halt", "target");
	CHECK_BAD("/boot/capture.bin", "target");
	CHECK_BAD("   ", "target");

	/* the image name QEMU puts first, and bare words anywhere */
	CHECK_OK("/boot/capture.bin target=virtio:00:04.0");
	CHECK_EQ(P.target.dev, 4);
	CHECK_OK("capture.bin target=virtio:00:05.0 quiet action=halt");
	CHECK_EQ(P.target.dev, 5);
	CHECK_EQ(P.action_ok, CC_ACTION_HALT);
	/* tabs and runs of blanks, leading and trailing */
	CHECK_OK("\t capture.bin\t\ttarget=virtio:00:06.0   action=poweroff \t");
	CHECK_EQ(P.target.dev, 6);
	CHECK_EQ(P.action_ok, CC_ACTION_POWEROFF);

	/* a later target= replaces an earlier one */
	CHECK_OK("target=virtio:00:04.0@5+6 target=virtio:01:02.3");
	CHECK_EQ(P.target.bus, 1);
	CHECK_EQ(P.target.dev, 2);
	CHECK_EQ(P.target.fn, 3);
	CHECK_EQ(P.target.lba_start, 0);
	CHECK_EQ(P.target.lba_count, 0);

	/* everything at once */
	CHECK_OK("capture.bin target=virtio:00:04.0@0x800+0x10000 uuid=" USTR
		 " action=poweroff fail=halt debug_exit=0xf4 serial=0x3f8 test=exception");
	CHECK_EQ(P.target.lba_start, 0x800);
	CHECK_EQ(P.target.lba_count, 0x10000);
	CHECK_EQ(P.target.flags, CC_TF_UUID);
	CHECK_EQ(P.action_ok, CC_ACTION_POWEROFF);
	CHECK_EQ(P.action_fail, CC_ACTION_HALT);
	CHECK_EQ(P.debug_exit_port, 0xf4);
	CHECK_EQ(P.serial_port, 0x3f8);
	CHECK_EQ(P.test_flags, CC_TEST_EXCEPTION);

	/* a short error buffer: truncated, terminated */
	memset(&P, 0, sizeof(P));
	char small[8];
	memset(small, 'x', sizeof(small));
	CHECK_EQ(cmdline_parse("colour=blue", &P, small, sizeof(small)), -1);
	CHECK(memchr(small, 0, sizeof(small)) != NULL);
}

int main(void)
{
	test_target();
	test_ahci();
	test_nvme();
	test_extent();
	test_actions();
	test_ports();
	test_uuid();
	test_misc();
	CHECK_DONE();
}
