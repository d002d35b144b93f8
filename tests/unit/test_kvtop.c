/* tests/unit/test_kvtop.c - capture/kvtop.c: walks of page tables built
 * here in a fake physical memory (a host buffer whose offset is the
 * physical address), with the bits a real kernel sets. */
#include <stdint.h>
#include <string.h>

#include "capture/kvtop.h"
#include "tests/unit/check.h"

#define PAGES 64
static uint64_t ram[PAGES * 512];        /* 256 KiB of "physical memory" at 0 */
static int reads, fail_at = -1;

static int rd(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
	(void)ctx;
	reads++;
	if (pa + len > sizeof(ram) || pa + len < pa || (int64_t)pa == fail_at)
		return -1;
	memcpy(buf, (uint8_t *)ram + pa, len);
	return 0;
}

static uint64_t *tbl(unsigned page) { return &ram[page * 512]; }

#define NX   (1ull << 63)
#define SME  (1ull << 47)
#define RW   (1ull << 1)
#define G    (1ull << 8)
#define PAT_LARGE (1ull << 12)

static struct cc_mm mm4(uint64_t root, unsigned levels, uint64_t sme)
{
	struct cc_mm mm;

	memset(&mm, 0, sizeof(mm));
	mm.version = CC_MM_VERSION;
	mm.size = sizeof(mm);
	mm.top_pgt_paddr = root;
	mm.pgt_levels = levels;
	mm.sme_mask = sme;
	return mm;
}

int main(void)
{
	struct kvtop k;
	struct cc_mm mm;
	uint64_t pa;
	/* 4-level: root page 1.  Direct-map-like 1 GiB leaf, a 2 MiB leaf and
	 * a 4 KiB leaf, every table entry carrying the SME bit and NX. */
	uint64_t va_1g = 0xffff888000000000ull;         /* PML4 273, PDPT 0 */
	uint64_t va_2m = 0xffffea0000200000ull;         /* PML4 468, PDPT 0, PD 1 */
	uint64_t va_4k = 0xffffffffb6410000ull;         /* PML4 511, PDPT 510, PD 434, PT 16 */

	tbl(1)[273] = (2ull << 12) | KV_PTE_P | RW | SME;
	tbl(2)[0]   = 0x40000000ull | KV_PTE_P | KV_PTE_PS | RW | G | NX | SME | PAT_LARGE;
	tbl(1)[468] = (3ull << 12) | KV_PTE_P | SME;
	tbl(3)[0]   = (4ull << 12) | KV_PTE_P | SME;
	tbl(4)[1]   = 0x7e00000ull | KV_PTE_P | KV_PTE_PS | NX | SME;
	tbl(1)[511] = (5ull << 12) | KV_PTE_P;
	tbl(5)[510] = (6ull << 12) | KV_PTE_P;
	tbl(6)[434] = (7ull << 12) | KV_PTE_P;
	tbl(7)[16]  = 0x32e10000ull | KV_PTE_P | NX | SME | (0x7full << 52);
	tbl(7)[17]  = 0x32e11000ull;                    /* not present */

	mm = mm4(1ull << 12, 4, SME);
	kvtop_init(&k, &mm, rd, NULL);
	CHECK(kvtop(&k, va_1g + 0x12345678, &pa) == 0);
	CHECK_EQ(pa, 0x40000000ull + 0x12345678);
	CHECK(kvtop(&k, va_2m + 0x1abcd, &pa) == 0);
	CHECK_EQ(pa, 0x7e00000ull + 0x1abcd);
	CHECK(kvtop(&k, va_4k + 0x123, &pa) == 0);
	CHECK_EQ(pa, 0x32e10123ull);
	CHECK(kvtop(&k, va_4k + 0x1000, &pa) == -1);    /* PTE not present */
	CHECK(kvtop(&k, 0xffff800000000000ull, &pa) == -1); /* PML4 entry empty */
	CHECK(kvtop(&k, 0x0000800000000000ull, &pa) == -1); /* not canonical */
	CHECK(kvtop(&k, 0xfeff888000000000ull, &pa) == -1); /* not canonical */

	/* The last leaf is cached: no reads within it. */
	CHECK(kvtop(&k, va_2m, &pa) == 0);
	reads = 0;
	for (uint64_t off = 0; off < (2u << 20); off += 4096)
		CHECK(kvtop(&k, va_2m + off, &pa) == 0 && pa == 0x7e00000ull + off);
	CHECK_EQ(reads, 0);

	/* Without the SME mask the bit would land in the address. */
	mm = mm4(1ull << 12, 4, 0);
	kvtop_init(&k, &mm, rd, NULL);
	CHECK(kvtop(&k, va_1g, &pa) == -1);             /* PML4 entry points past RAM */

	/* A read that fails is "unknown". */
	mm = mm4(1ull << 12, 4, SME);
	kvtop_init(&k, &mm, rd, NULL);
	fail_at = (7 << 12) + 16 * 8;
	CHECK(kvtop(&k, va_4k, &pa) == -1);
	fail_at = -1;
	CHECK(kvtop(&k, va_4k, &pa) == 0);

	/* PS at PML4 level is not a leaf the architecture has. */
	tbl(1)[100] = (8ull << 12) | KV_PTE_P | KV_PTE_PS;
	CHECK(kvtop(&k, 0xffff320000000000ull, &pa) == -1);

	/* 5 levels: PML5 at page 9, index 511 -> the same PML4. */
	tbl(9)[511] = (1ull << 12) | KV_PTE_P;
	mm = mm4(9ull << 12, 5, SME);
	kvtop_init(&k, &mm, rd, NULL);
	CHECK(kvtop(&k, 0xff00000000000000ull | (va_4k & 0xffffffffffffull) | (0xffull << 48), &pa) == 0);
	CHECK_EQ(pa, 0x32e10000ull);
	/* a 4-level address is not canonical with 5 levels unless bit 56 and up agree */
	CHECK(kvtop(&k, 0xfeffffffb6410000ull, &pa) == -1);

	/* No description: every answer unknown, no read. */
	memset(&mm, 0, sizeof(mm));
	kvtop_init(&k, &mm, rd, NULL);
	reads = 0;
	CHECK(kvtop(&k, va_4k, &pa) == -1);
	CHECK_EQ(reads, 0);
	CHECK_DONE();
}
