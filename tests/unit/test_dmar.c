/* tests/unit/test_dmar.c - drivers/dmar.c: the DMAR walk and the GCMD rule.
 * Tables are built byte by byte from VT-d rev 4.x chapter 8 (DMAR 8.1,
 * structure header 8.2, DRHD 8.3), not through the driver's constants, so
 * an offset wrong in both places still fails here. */
#include <stdint.h>
#include <string.h>

#include "drivers/dmar.h"
#include "tests/unit/check.h"

static uint8_t tbl[512];
static unsigned tlen;

static void put(unsigned off, uint64_t v, unsigned n) { for (unsigned i = 0; i < n; i++) tbl[off + i] = (uint8_t)(v >> (8 * i)); }

/* ACPI header: signature, Length (fixed up by finish), revision 1; then
 * Host Address Width (N-1) and flags; structures start at 48. */
static void start(const char *sig, unsigned haw_bits, unsigned flags)
{
	memset(tbl, 0xee, sizeof(tbl)); /* garbage after the end */
	memset(tbl, 0, 48);
	memcpy(tbl, sig, 4);
	tbl[8] = 1;
	memcpy(tbl + 10, "CCTEST", 6);
	tbl[36] = (uint8_t)(haw_bits - 1);
	tbl[37] = (uint8_t)flags;
	tlen = 48;
}
static void finish(void) { put(4, tlen, 4); }

/* DRHD: type 0, length 16 + scope, flags, size, segment, register base. */
static void drhd(uint8_t flags, uint8_t size, uint16_t seg, uint64_t base, unsigned scope_bytes)
{
	unsigned len = 16 + scope_bytes;
	put(tlen + 0, 0, 2);
	put(tlen + 2, len, 2);
	tbl[tlen + 4] = flags;
	tbl[tlen + 5] = size;
	put(tlen + 6, seg, 2);
	put(tlen + 8, base, 8);
	/* a device scope entry: type 1 (PCI endpoint), length, enumeration id, bus, path */
	for (unsigned i = 0; i < scope_bytes; i++)
		tbl[tlen + 16 + i] = (uint8_t)(i == 0 ? 1 : i == 1 ? scope_bytes : 0);
	tlen += len;
}
/* Any other structure: type, length, zero body. */
static void other(uint16_t type, unsigned len)
{
	put(tlen, type, 2);
	put(tlen + 2, len, 2);
	memset(tbl + tlen + 4, 0, len - 4);
	tlen += len;
}

static void test_walk(void)
{
	start("DMAR", 39, 0x1);
	drhd(0, 0, 0, 0xfed90000, 8);        /* a unit with one scope entry */
	other(1, 32);                        /* RMRR */
	other(3, 20);                        /* RHSA */
	drhd(1, 2, 3, 0x2000fed91000ull, 0); /* INCLUDE_PCI_ALL, 4 pages, segment 3, above 4 GiB */
	other(2, 8);                         /* ATSR */
	finish();
	struct dmar_iter it;
	struct dmar_drhd u;
	CHECK_EQ(dmar_iter_init(&it, tbl), 0);
	CHECK_EQ(dmar_host_address_width(&it), 39);
	CHECK_EQ(dmar_flags(&it), 1);
	CHECK_EQ(dmar_next_drhd(&it, &u), 1);
	CHECK_EQ(u.reg_base, 0xfed90000);
	CHECK_EQ(u.segment, 0);
	CHECK_EQ(u.flags, 0);
	CHECK_EQ(u.pages_log2, 0);
	CHECK_EQ(dmar_next_drhd(&it, &u), 1);
	CHECK_EQ(u.reg_base, 0x2000fed91000ull);
	CHECK_EQ(u.segment, 3);
	CHECK_EQ(u.flags, 1);
	CHECK_EQ(u.pages_log2, 2);
	CHECK_EQ(dmar_next_drhd(&it, &u), 0);
	CHECK_EQ(dmar_next_drhd(&it, &u), 0); /* stays at the end */
}

static void test_no_units(void)
{
	struct dmar_iter it;
	struct dmar_drhd u;
	start("DMAR", 46, 0);
	finish();
	CHECK_EQ(dmar_iter_init(&it, tbl), 0);
	CHECK_EQ(dmar_next_drhd(&it, &u), 0);
	start("DMAR", 46, 0);
	other(1, 24);
	finish();
	CHECK_EQ(dmar_iter_init(&it, tbl), 0);
	CHECK_EQ(dmar_next_drhd(&it, &u), 0);
}

static void test_bad_header(void)
{
	struct dmar_iter it;
	start("APIC", 39, 0);
	finish();
	CHECK_EQ(dmar_iter_init(&it, tbl), -1);
	start("DMAR", 39, 0);
	put(4, 47, 4); /* shorter than the fixed part */
	CHECK_EQ(dmar_iter_init(&it, tbl), -1);
	put(4, DMAR_MAX_LEN + 1, 4);
	CHECK_EQ(dmar_iter_init(&it, tbl), -1);
}

/* Each malformation: the units before it are still returned, then -1,
 * and -1 again (the walk does not skip ahead). */
static void expect_bad_after_one(void)
{
	struct dmar_iter it;
	struct dmar_drhd u;
	CHECK_EQ(dmar_iter_init(&it, tbl), 0);
	CHECK_EQ(dmar_next_drhd(&it, &u), 1);
	CHECK_EQ(u.reg_base, 0xfed90000);
	unsigned at = it.off;
	CHECK_EQ(dmar_next_drhd(&it, &u), -1);
	CHECK_EQ(dmar_next_drhd(&it, &u), -1);
	CHECK_EQ(it.off, at);
}

static void test_malformed(void)
{
	/* structure length 0: would loop forever if taken */
	start("DMAR", 39, 0);
	drhd(0, 0, 0, 0xfed90000, 0);
	other(1, 4);
	put(tlen - 2, 0, 2);
	finish();
	expect_bad_after_one();
	/* structure running past the table's end */
	start("DMAR", 39, 0);
	drhd(0, 0, 0, 0xfed90000, 0);
	drhd(0, 0, 0, 0xfed91000, 0);
	put(tlen - 16 + 2, 200, 2);
	finish();
	expect_bad_after_one();
	/* a truncated structure header (2 bytes left in the table) */
	start("DMAR", 39, 0);
	drhd(0, 0, 0, 0xfed90000, 0);
	tlen += 2;
	finish();
	expect_bad_after_one();
	/* a DRHD too short for its register base */
	start("DMAR", 39, 0);
	drhd(0, 0, 0, 0xfed90000, 0);
	other(0, 12);
	finish();
	expect_bad_after_one();
	/* register base 0, and one not 4 KiB aligned */
	start("DMAR", 39, 0);
	drhd(0, 0, 0, 0xfed90000, 0);
	drhd(0, 0, 0, 0, 0);
	finish();
	expect_bad_after_one();
	start("DMAR", 39, 0);
	drhd(0, 0, 0, 0xfed90000, 0);
	drhd(0, 0, 0, 0xfed90800, 0);
	finish();
	expect_bad_after_one();
}

/* GCMD = persistent bits of GSTS, one-shot bits zero, one bit changed
 * (VT-d 11.4.4.1: the spec's own example mask is 0x96FFFFFF). */
static void test_gcmd(void)
{
	const uint32_t TE = 1u << 31, SRTP = 1u << 30, WBF = 1u << 27, QIE = 1u << 26, IRE = 1u << 25, SIRTP = 1u << 24,
		       CFI = 1u << 23;
	/* crashed kernel: TES, RTPS, QIES, IRES, IRTPS set: turning TE off keeps QIE and IRE */
	uint32_t gsts = TE | SRTP | QIE | IRE | SIRTP;
	CHECK_EQ(vtd_gcmd_value(gsts, TE, 0), QIE | IRE);
	/* with CFI too, and the write-buffer flush status bit set */
	CHECK_EQ(vtd_gcmd_value(gsts | CFI | WBF, TE, 0), QIE | IRE | CFI);
	/* nothing on */
	CHECK_EQ(vtd_gcmd_value(0, TE, 0), 0);
	/* turning TE on after SRTP latched: RTPS must not be echoed as SRTP */
	CHECK_EQ(vtd_gcmd_value(SRTP, TE, 1), TE);
	/* firing SRTP (a one-shot) with TE on keeps TE */
	CHECK_EQ(vtd_gcmd_value(TE | SRTP, SRTP, 1), TE | SRTP);
	/* all ones in GSTS (reserved bits as the hardware reports them) */
	CHECK_EQ(vtd_gcmd_value(0xffffffffu, TE, 0), 0x16ffffffu);
}

int main(void)
{
	test_walk();
	test_no_units();
	test_bad_header();
	test_malformed();
	test_gcmd();
	CHECK_DONE();
}
