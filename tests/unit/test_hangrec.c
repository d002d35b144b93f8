/* tests/unit/test_hangrec.c - capture/hangrec.c on real bytes.  The good
 * record is written byte by byte at the offsets docs/hangcap.md and
 * hangrec.h give, without the struct, and sealed with zlib's crc32 (the
 * oracle); then every field the check reads is broken once, with the
 * checksum made right again, and the exact code (and index) is expected. */
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "capture/hangrec.h"
#include "tests/unit/check.h"

#define REC CC_HANG_RECORD_SIZE

static void put32(uint8_t *b, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *b, size_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

/* The checksum as zlib computes it: over the record with bytes 0x10..0x13 zero. */
static void zseal(uint8_t *b)
{
	put32(b, 0x10, 0);
	put32(b, 0x10, (uint32_t)crc32(0, b, REC));
}

/* A record as `crashcap load` would write it for a 1 GiB guest: two RAM
 * ranges, the kernel image, a virtio-blk target, two canaries. */
static void good(uint8_t *b)
{
	memset(b, 0, REC);
	memcpy(b, "CCHANGRC", 8);
	put32(b, 0x08, 1);
	put32(b, 0x0c, REC);
	for (int i = 0; i < 16; i++)
		b[0x18 + i] = (uint8_t)(0x31 + i);         /* boot_id */
	put64(b, 0x28, 1796000000);                        /* armed_time */
	put32(b, 0x30, 2);                                 /* nr_ranges */
	put32(b, 0x34, 2);                                 /* nr_canaries */
	put32(b, 0x38, 31);                                /* dump_level */
	put32(b, 0x3c, 1);                                 /* compress lz4 */
	put64(b, 0x40, 0x3ffd2000);                        /* vmcoreinfo */
	put64(b, 0x48, 0x1000);
	put64(b, 0x50, 0x1000000);                         /* ktext paddr, size, vaddr */
	put64(b, 0x58, 0x2a00000);
	put64(b, 0x60, 0xffffffff81000000ull);
	put32(b, 0x70, 1);                                 /* target.kind virtio-blk */
	b[0x74] = 0; b[0x75] = 4; b[0x76] = 0;             /* 00:04.0 */
	put64(b, 0x78, 2048);                              /* lba_start */
	put64(b, 0x80, 1 << 20);                           /* lba_count */
	put32(b, 0x88, 512);
	put32(b, 0x8c, 1);                                 /* CC_TF_UUID */
	for (int i = 0; i < 16; i++)
		b[0x90 + i] = (uint8_t)(0xc0 + i);         /* target uuid */
	put64(b, 0x300, 0x0);                              /* ranges */
	put64(b, 0x308, 0x9f000);
	put64(b, 0x310, 0x100000);
	put64(b, 0x318, 0x3fee0000);
	put64(b, 0x700, 0x1c3a0f0);                        /* canary 0: boot id, 16 bytes */
	put32(b, 0x708, 16);
	put32(b, 0x70c, 1);
	memcpy(b + 0x710, b + 0x18, 16);
	put32(b, 0x720, 0x11223344);
	put64(b, 0x728, 0x3ffd2000);                       /* canary 1: vmcoreinfo, 4096 bytes */
	put32(b, 0x730, 4096);
	put32(b, 0x734, 3);
	memcpy(b + 0x738, "VMCOREINFO\0\0\0\0\0\0", 16);
	put32(b, 0x748, 0x55667788);
	zseal(b);
}

static int check(const uint8_t *b, size_t len, unsigned *at)
{
	return hangrec_check(b, len, at);
}

/* The byte-built record and the struct agree; seal equals zlib's sum. */
static void test_layout(void)
{
	static uint8_t b[REC];
	struct cc_hang_record r;
	unsigned at = 99;

	good(b);
	CHECK_EQ(check(b, REC, &at), HANGREC_OK);
	CHECK_EQ(at, 0);
	memcpy(&r, b, REC);
	CHECK_EQ(r.nr_ranges, 2);
	CHECK_EQ(r.ranges[1].size, 0x3fee0000);
	CHECK_EQ(r.canaries[1].kind, CC_CANARY_VMCOREINFO);
	CHECK_EQ(r.target.lba_start, 2048);
	CHECK_EQ(r.ktext_vaddr, 0xffffffff81000000ull);
	uint32_t sum = r.checksum;
	r.checksum = 0xdeadbeef;
	hangrec_seal(&r);
	CHECK_EQ(r.checksum, sum);
	CHECK(!memcmp(&r, b, REC));
	CHECK_EQ(hangrec_checksum(&r), sum);
}

/* Every single-byte change is caught, by the field it hits. */
static void test_flips(void)
{
	static uint8_t b[REC];
	int bad = 0;
	for (size_t i = 0; i < REC; i++) {
		good(b);
		b[i] ^= 0x20;
		int want = i < 8 ? HANGREC_NO_MAGIC : i < 0x0c ? HANGREC_BAD_VERSION : i < 0x10 ? HANGREC_BAD_SIZE
			: HANGREC_BAD_SUM;
		int got = check(b, REC, NULL);
		if (got != want && bad++ < 5)
			fprintf(stderr, "byte 0x%zx: got %d, want %d\n", i, got, want);
	}
	CHECK_EQ(bad, 0);
}

/* Wrong lengths, as a variable of another size reads. */
static void test_lengths(void)
{
	static uint8_t b[REC + 8];
	good(b);
	CHECK_EQ(check(b, 0, NULL), HANGREC_NO_MAGIC);
	CHECK_EQ(check(b, 7, NULL), HANGREC_NO_MAGIC);
	CHECK_EQ(check(b, 8, NULL), HANGREC_BAD_VERSION);
	CHECK_EQ(check(b, 12, NULL), HANGREC_BAD_SIZE);
	CHECK_EQ(check(b, REC - 1, NULL), HANGREC_BAD_SIZE);
	CHECK_EQ(check(b, REC + 8, NULL), HANGREC_BAD_SIZE);
	put32(b, 0x0c, REC - 8); /* the field lies, the length is right */
	zseal(b);
	CHECK_EQ(check(b, REC, NULL), HANGREC_BAD_SIZE);
	put32(b, 0x08, 2);
	CHECK_EQ(check(b, REC, NULL), HANGREC_BAD_VERSION);
}

struct edit {
	const char *what;
	size_t off;
	int width;      /* 1, 4 or 8 bytes */
	uint64_t value;
	int want;
	unsigned at;
};

/* Sealed records with one field wrong: the writer's own mistakes. */
static const struct edit edits[] = {
	{ "boot_id zero",            0x18, 0, 0, HANGREC_NO_BOOT_ID, 0 },
	{ "flags",                   0x14, 4, 1, HANGREC_BAD_RESERVED, 0 },
	{ "reserved0",               0x68, 8, 1, HANGREC_BAD_RESERVED, 0 },
	{ "reserved1[6]",            0xfc, 4, 1, HANGREC_BAD_RESERVED, 0 },
	{ "dump_level 32",           0x38, 4, 32, HANGREC_BAD_LEVEL, 0 },
	{ "compress 2",              0x3c, 4, 2, HANGREC_BAD_LEVEL, 0 },
	{ "ktext paddr unaligned",   0x50, 8, 0x1000800, HANGREC_BAD_KTEXT, 0 },
	{ "ktext size 0",            0x58, 8, 0, HANGREC_BAD_KTEXT, 0 },
	{ "ktext vaddr low",         0x60, 8, 0xffff888001000000ull, HANGREC_BAD_KTEXT, 0 },
	{ "target kind 0",           0x70, 4, 0, HANGREC_BAD_TARGET, 0 },
	{ "target kind 4",           0x70, 4, 4, HANGREC_BAD_TARGET, 0 },
	{ "target without UUID flag",0x8c, 4, 0, HANGREC_BAD_TARGET, 0 },
	{ "target flag unknown",     0x8c, 4, 3, HANGREC_BAD_RESERVED, 0 },
	{ "target reserved0",        0x77, 1, 1, HANGREC_BAD_RESERVED, 0 },
	{ "target reserved1",        0xa4, 4, 1, HANGREC_BAD_RESERVED, 0 },
	{ "devpath_len 257",         0xe0, 4, 257, HANGREC_BAD_TARGET, 0 },
	{ "devpath byte past len",   0x100, 1, 0x7f, HANGREC_BAD_RESERVED, 0 },
	{ "nr_ranges 0",             0x30, 4, 0, HANGREC_BAD_RANGE, 0 },
	{ "nr_ranges 65",            0x30, 4, 65, HANGREC_BAD_RANGE, 0 },
	{ "nr_ranges 3 (one empty)", 0x30, 4, 3, HANGREC_BAD_RANGE, 2 },
	{ "range 1 unaligned",       0x310, 8, 0x100200, HANGREC_BAD_RANGE, 1 },
	{ "range 1 size odd",        0x318, 8, 0x3fee0001, HANGREC_BAD_RANGE, 1 },
	{ "range 1 wraps",           0x310, 8, 0xfffffffffff00000ull, HANGREC_BAD_RANGE, 1 },
	{ "unused range 63",         0x6f0, 8, 0x1000, HANGREC_BAD_RANGE, 63 },
	{ "nr_canaries 9",           0x34, 4, 9, HANGREC_BAD_CANARY, 0 },
	{ "nr_canaries 3 (one zero)",0x34, 4, 3, HANGREC_BAD_CANARY, 2 },
	{ "canary 1 kind 0",         0x734, 4, 0, HANGREC_BAD_CANARY, 1 },
	{ "canary 1 kind 6",         0x734, 4, 6, HANGREC_BAD_CANARY, 1 },
	{ "canary 0 len 15",         0x708, 4, 15, HANGREC_BAD_CANARY, 0 },
	{ "canary 1 len 4097",       0x730, 4, 4097, HANGREC_BAD_CANARY, 1 },
	{ "canary 0 crosses a page", 0x700, 8, 0x1c3aff8, HANGREC_BAD_CANARY, 0 },
	{ "canary 1 reserved",       0x74c, 4, 1, HANGREC_BAD_CANARY, 1 },
	{ "unused canary 7",         0x818, 4, 1, HANGREC_BAD_CANARY, 7 },
};

static void test_edits(void)
{
	static uint8_t b[REC];
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		const struct edit *e = &edits[i];
		unsigned at = 99;
		good(b);
		if (e->width == 0)
			memset(b + e->off, 0, 16);
		else if (e->width == 1)
			b[e->off] = (uint8_t)e->value;
		else if (e->width == 4)
			put32(b, e->off, (uint32_t)e->value);
		else
			put64(b, e->off, e->value);
		zseal(b);
		int got = check(b, REC, &at);
		CHECKF(got == e->want, "%s: got %d (%s), want %d", e->what, got, hangrec_error(got), e->want);
		CHECKF(at == e->at, "%s: at %u, want %u", e->what, at, e->at);
	}
	/* the limits themselves are fine: 64 ranges, 8 canaries, 256 bytes of path, no kernel image */
	good(b);
	put32(b, 0x30, 64);
	for (unsigned i = 2; i < 64; i++) {
		put64(b, 0x300 + 16 * i, 0x100000000ull + 0x200000ull * i);
		put64(b, 0x308 + 16 * i, 0x1000);
	}
	put32(b, 0x34, 8);
	for (unsigned i = 2; i < 8; i++) {
		put64(b, 0x700 + 0x28 * i, 0x2000000 + 0x1000 * i + 4096 - 16);
		put32(b, 0x708 + 0x28 * i, 16);
		put32(b, 0x70c + 0x28 * i, 2);
	}
	put32(b, 0xe0, 256);
	memset(b + 0x100, 0x7f, 256);
	memset(b + 0x50, 0, 24);
	zseal(b);
	unsigned at = 99;
	int got = check(b, REC, &at);
	CHECKF(got == HANGREC_OK, "full record: %d (%s) at %u", got, hangrec_error(got), at);
}

/* The canary comparison on bytes. */
static void test_canaries(void)
{
	static uint8_t ram[4096];
	struct cc_hang_canary c;

	for (unsigned i = 0; i < sizeof(ram); i++)
		ram[i] = (uint8_t)(i * 31 + 7);
	memset(&c, 0, sizeof(c));
	c.len = 100;
	c.kind = CC_CANARY_VMCOREINFO;
	memcpy(c.head, ram, 16);
	c.crc = (uint32_t)crc32(0, ram, 100);          /* zlib's, the oracle */
	CHECK_EQ(hangrec_canary_matches(&c, ram), 1);
	ram[99] ^= 1;                                  /* past the head: only the CRC sees it */
	CHECK_EQ(hangrec_canary_matches(&c, ram), 0);
	ram[99] ^= 1;
	ram[100] ^= 1;                                 /* past the canary: not its business */
	CHECK_EQ(hangrec_canary_matches(&c, ram), 1);
	ram[3] ^= 0x80;
	CHECK_EQ(hangrec_canary_matches(&c, ram), 0);
	ram[3] ^= 0x80;
	c.len = 4096;                                  /* a whole page: several 64-byte pieces */
	c.crc = (uint32_t)crc32(0, ram, 4096);
	CHECK_EQ(hangrec_canary_matches(&c, ram), 1);
	static const uint8_t zeros[4096];
	CHECK_EQ(hangrec_canary_matches(&c, zeros), 0); /* a cold boot's zeroed RAM */

}

/* The rule on exact cases: bit i of matched / counted is canary i.  A
 * record with the loader's order: 0 boot id, 1 ptr_key, 2 region page,
 * 3 VMCOREINFO, 4..7 ro_after_init pages. */
static void test_rule(void)
{
	static uint8_t b[REC];
	struct cc_hang_record r;
	static const uint32_t kinds[8] = { CC_CANARY_BOOTID, CC_CANARY_KEY, CC_CANARY_REGION, CC_CANARY_VMCOREINFO,
					   CC_CANARY_ROINIT, CC_CANARY_ROINIT, CC_CANARY_ROINIT, CC_CANARY_ROINIT };
	const uint32_t all = 0xff;
	good(b);
	memcpy(&r, b, REC);
	r.nr_canaries = 8;
	for (unsigned i = 0; i < 8; i++)
		r.canaries[i].kind = kinds[i];

	CHECK_EQ(hangrec_kind_unique(CC_CANARY_BOOTID), 1);
	CHECK_EQ(hangrec_kind_unique(CC_CANARY_KEY), 1);
	CHECK_EQ(hangrec_kind_unique(CC_CANARY_REGION), 1);
	CHECK_EQ(hangrec_kind_unique(CC_CANARY_VMCOREINFO), 0);
	CHECK_EQ(hangrec_kind_unique(CC_CANARY_ROINIT), 0);
	CHECK_EQ(hangrec_kind_unique(0), 0);
	/* EFI_MEMORY_TYPE: only EfiConventionalMemory (7) counts */
	for (uint32_t t = 0; t < 16; t++)
		CHECKF(hangrec_type_counts(t) == (t == 7), "type %u", t);
	CHECK_EQ(hangrec_type_counts(0xffffffffu), 0);

	/* everything in free memory */
	CHECK_EQ(hangrec_ram_verdict(&r, all, all), HANGREC_RAM_SURVIVED);
	CHECK_EQ(hangrec_ram_verdict(&r, 0x00, all), HANGREC_RAM_TOO_FEW);      /* a cold boot */
	CHECK_EQ(hangrec_ram_verdict(&r, 0x01, all), HANGREC_RAM_TOO_FEW);      /* one is not enough */
	CHECK_EQ(hangrec_ram_verdict(&r, 0x03, all), HANGREC_RAM_SURVIVED);     /* two unique ones */
	CHECK_EQ(hangrec_ram_verdict(&r, 0x11, all), HANGREC_RAM_SURVIVED);     /* boot id + one page */
	CHECK_EQ(hangrec_ram_verdict(&r, 0x14, all), HANGREC_RAM_SURVIVED);     /* region + one page */
	CHECK_EQ(hangrec_ram_verdict(&r, 0xf8, all), HANGREC_RAM_NO_UNIQUE);    /* five, none unique */
	CHECK_EQ(hangrec_ram_verdict(&r, 0x18, all), HANGREC_RAM_NO_UNIQUE);
	/* what the measurement saw before: VMCOREINFO in boot-services memory, differing */
	CHECK_EQ(hangrec_ram_verdict(&r, 0xf7, 0xf7), HANGREC_RAM_SURVIVED);
	/* a match in the firmware's memory does not count for it */
	CHECK_EQ(hangrec_ram_verdict(&r, 0x03, 0xfe), HANGREC_RAM_TOO_FEW);
	CHECK_EQ(hangrec_ram_verdict(&r, 0x11, 0xfe), HANGREC_RAM_TOO_FEW);
	CHECK_EQ(hangrec_ram_verdict(&r, 0x17, 0xf8), HANGREC_RAM_TOO_FEW);     /* only page 4 counted and matching */
	CHECK_EQ(hangrec_ram_verdict(&r, 0x37, 0xf8), HANGREC_RAM_NO_UNIQUE);   /* pages 4, 5: no unique one counted */
	CHECK_EQ(hangrec_ram_verdict(&r, all, 0x00), HANGREC_RAM_TOO_FEW);      /* all the firmware's: cannot tell */
	/* bits past nr_canaries are ignored */
	r.nr_canaries = 2;
	CHECK_EQ(hangrec_ram_verdict(&r, 0x11, all), HANGREC_RAM_TOO_FEW);
	CHECK_EQ(hangrec_ram_verdict(&r, 0x03, all), HANGREC_RAM_SURVIVED);
	r.nr_canaries = 1;
	CHECK_EQ(hangrec_ram_verdict(&r, all, all), HANGREC_RAM_TOO_FEW);       /* one canary never proves it */
	r.nr_canaries = 0;
	CHECK_EQ(hangrec_ram_verdict(&r, all, all), HANGREC_RAM_TOO_FEW);

	CHECK_STR(hangrec_verdict_words(HANGREC_RAM_SURVIVED), "RAM survived");
	CHECK_STR(hangrec_verdict_words(HANGREC_RAM_TOO_FEW),
		  "RAM did not survive (fewer than 2 canaries in free memory match)");
	CHECK_STR(hangrec_verdict_words(HANGREC_RAM_NO_UNIQUE),
		  "RAM did not survive (no canary unique to the boot matches in free memory)");
}

static void test_words(void)
{
	CHECK_STR(hangrec_error(HANGREC_OK), "valid");
	CHECK_STR(hangrec_error(HANGREC_BAD_SUM), "checksum wrong");
	CHECK_STR(hangrec_error(HANGREC_NO_BOOT_ID), "no boot identity");
	CHECK_STR(hangrec_error(-99), "unknown error");
	for (int c = HANGREC_OK; c >= HANGREC_BAD_LEVEL; c--)
		CHECKF(strcmp(hangrec_error(c), "unknown error"), "code %d has no words", c);
}

int main(void)
{
	test_layout();
	test_flips();
	test_lengths();
	test_edits();
	test_canaries();
	test_rule();
	test_words();
	CHECK_DONE();
}
