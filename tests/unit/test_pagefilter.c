/* tests/unit/test_pagefilter.c - capture/pagefilter.c on struct pages
 * written here, in a fake physical memory with the crashed kernel's page
 * tables, mem_section and vmemmap laid out as Linux lays them out.  The
 * description comes from the real VMCOREINFO fixtures (6.1 and 6.12),
 * with only the addresses moved into the fake memory.  Run from the top
 * of the repository. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/pagefilter.h"
#include "loader/vmcoreinfo.h"
#include "tests/unit/check.h"

#define RAM_BYTES  (3u << 20)
#define VA_BASE    0xffff888000000000ull   /* 1 GiB leaf onto physical 0 */
#define PA_PML4    0x0000
#define PA_PDPT    0x1000
#define PA_ROOTS   0x2000                  /* mem_section root array (2048 or 4096 pointers) */
#define PA_SECT    0xa000                  /* one root page of struct mem_section */
#define PA_VMEMMAP 0x100000                /* struct page of pfn 0 */
#define SECTION_PFNS 32768u                /* SECTION_SIZE_BITS 27 */

static uint8_t ram[RAM_BYTES];
static uint64_t fail_pa = ~0ull;           /* a page whose reads fail */

static int rd(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
	(void)ctx;
	if (pa >= RAM_BYTES || len > RAM_BYTES - pa)
		return -1;
	if (fail_pa != ~0ull && pa < fail_pa + 4096 && pa + len > fail_pa)
		return -1;
	memcpy(buf, ram + pa, len);
	return 0;
}

static void put64(uint64_t pa, uint64_t v) { memcpy(ram + pa, &v, 8); }
static void put32(uint64_t pa, uint32_t v) { memcpy(ram + pa, &v, 4); }

static struct cc_mm mm;

static uint64_t sp_pa(uint64_t pfn) { return PA_VMEMMAP + pfn * mm.page_size; }
static uint64_t sp_va(uint64_t pfn) { return VA_BASE + sp_pa(pfn); }

/* One struct page: flags, mapping, private, _mapcount, compound_head. */
static void page(uint64_t pfn, uint64_t flags, uint64_t mapping, uint64_t private, uint32_t mapcount)
{
	uint64_t pa = sp_pa(pfn);

	memset(ram + pa, 0, mm.page_size);
	put64(pa + mm.off_flags, flags);
	put64(pa + mm.off_mapping, mapping);
	put64(pa + mm.off_private, private);
	put32(pa + mm.off_mapcount, mapcount);
}

/* A compound page: head flags/mapping/mapcount, every tail linked to it,
 * the order where this kernel keeps it, and the hugetlb marker if asked. */
static void compound(uint64_t pfn, unsigned order, uint64_t flags, uint64_t mapping, uint32_t mapcount, int hugetlb)
{
	page(pfn, flags | mm.pg_head_mask, mapping, 0, mapcount);
	for (uint64_t t = 1; t < (1ull << order); t++) {
		page(pfn + t, 0, 0, 0, ~0u);
		put64(sp_pa(pfn + t) + mm.off_compound_head, sp_va(pfn) | 1);
	}
	ram[sp_pa(pfn) + mm.off_order] = (uint8_t)order;
	if (hugetlb && mm.hugetlb_kind == CC_MM_HUGETLB_DTOR)
		ram[sp_pa(pfn) + mm.hugetlb_off] = (uint8_t)mm.hugetlb_value;
	if (hugetlb && mm.hugetlb_kind == CC_MM_HUGETLB_TYPE)
		put32(sp_pa(pfn) + mm.off_mapcount, mm.hugetlb_value);
}

/* Page tables, the mem_section root array with root 0 only, sections 0
 * (readable vmemmap) and 1 (vmemmap past the fake RAM) present, 2 not. */
static void layout(const char *fixture)
{
	char why[200];
	FILE *fp = fopen(fixture, "rb");
	static char text[8192];
	size_t len;

	if (!fp) {
		fprintf(stderr, "cannot open %s (run from the top of the repository)\n", fixture);
		exit(1);
	}
	len = fread(text, 1, sizeof(text), fp);
	fclose(fp);
	if (vmcoreinfo_parse(text, len, &mm, why, sizeof(why))) {
		fprintf(stderr, "%s: %s\n", fixture, why);
		exit(1);
	}
	memset(ram, 0, sizeof(ram));
	mm.top_pgt_paddr = PA_PML4;
	mm.mem_section_vaddr = VA_BASE + PA_ROOTS;
	put64(PA_PML4 + 273 * 8, PA_PDPT | 1);                /* VA_BASE: PML4 273 */
	put64(PA_PDPT + 0, 0 | 1 | (1 << 7));                 /* 1 GiB leaf at 0 */
	put64(PA_ROOTS, VA_BASE + PA_SECT);
	for (unsigned s = 0; s < 2; s++)
		put64(PA_SECT + s * mm.mem_section_size + mm.section_mem_map_off,
		      (VA_BASE + PA_VMEMMAP) | 0x3 /* present, has mem_map */ | (s ? 0x10 : 0x4));
	/* every page of section 0 starts as a plain allocated page */
	for (uint64_t p = 0; p < 2048; p++)
		page(p, 0, 0, 0, ~0u);
	fail_pa = ~0ull;
}

static struct pf f;
static uint8_t why[2 * CC_CHUNK_PAGES];

/* Classify [pfn, pfn + n) in calls of at most step pages. */
static uint32_t run(uint64_t pfn, uint32_t n, uint32_t step)
{
	uint32_t unsure_all = 0, u;

	for (uint32_t i = 0; i < n; i += step) {
		uint32_t k = n - i < step ? n - i : step;

		CHECK(pf_classify(&f, pfn + i, k, why + i, &u) >= 0);
		unsure_all += u;
	}
	return unsure_all;
}

static void test_6_1(void)
{
	uint64_t lru, priv, slab;
	uint32_t u;

	layout("tests/unit/vmcoreinfo-6.1.0-57-cloud-amd64.txt");
	lru = 1ull << mm.pg_lru, priv = 1ull << mm.pg_private, slab = 1ull << mm.pg_slab;
	page(1, lru, 0xffff888001234560ull, 0, ~0u);                    /* file page */
	page(2, lru | priv, 0xffff888001234560ull, 0, ~0u);             /* file page with buffers */
	page(3, lru | (1ull << mm.pg_swapbacked), 0xffff888001234561ull, 0, 0); /* anonymous */
	page(4, slab, 0xffff888001234561ull, 0, ~0u);                   /* slab: mapping odd, not anon */
	page(5, 1ull << mm.pg_swapcache | 1ull << mm.pg_swapbacked, 0xffff888001234560ull, 0, 0); /* swap cache */
	page(6, 1ull << mm.pg_swapcache, 0xffff888001234560ull, 0, 0);  /* swapcache bit without swapbacked */
	page(8, 0, 0, 3, mm.buddy_value);                                /* free, order 3: 8..15 */
	page(16, 0, 0, 11, mm.buddy_value);                              /* order 11 >= LENGTH(zone.free_area) */
	page(24, 0, 0, 4, mm.buddy_value);                               /* order 4 does not align pfn 24 */
	compound(32, 2, lru, 0xffff888001234561ull, 0, 0);               /* anonymous THP-like: 32..35 */
	compound(64, 1, lru, 0xffff888001234560ull, 0, 0);
	put64(sp_pa(65) + mm.off_compound_head, sp_va(200) | 1);         /* tail of another head */
	compound(66, 1, lru, 0xffff888001234560ull, 0, 0);
	put64(sp_pa(67) + mm.off_compound_head, 0);                      /* head whose next page is no tail */
	page(70, 0, 0, 0, mm.offline_value);                             /* logically offline */
	page(71, 1ull << 23, 0, 0, ~0u);                                 /* PG_hwpoison (23) set */
	put64(sp_pa(72) + mm.off_compound_head, sp_va(40) | 1);          /* a tail whose head is kept */
	page(73, mm.pg_head_mask, 0, 0, ~0u);
	put64(sp_pa(73) + mm.off_compound_head, sp_va(40) | 1);          /* head and tail at once */
	compound(128, 3, lru, 0xffff888001234560ull, 0, 0);
	ram[sp_pa(128) + mm.off_order] = 8;                              /* order 8 does not align pfn 128 */
	compound(512, 9, 0, 0xffff888001234560ull, 0, 1);                /* hugetlb 2 MiB: 512..1023 */
	compound(1024, 10, lru, 0xffff888001234560ull, 0, 0);            /* file folio 1024..2047 */

	/* Level 30, in chunks of 100: the hugetlb page and the folio cross calls. */
	CHECK_EQ(pf_init(&f, &mm, 30, rd, NULL), 30);
	u = run(0, 2048, 100);
	CHECK_EQ(why[0], PF_KEPT);
	CHECK_EQ(why[1], PF_WHY(CC_EXCL_CACHE));
	CHECK_EQ(why[2], PF_WHY(CC_EXCL_CACHE_PRI));
	CHECK_EQ(why[3], PF_WHY(CC_EXCL_USER));
	CHECK_EQ(why[4], PF_KEPT);
	CHECK_EQ(why[5], PF_WHY(CC_EXCL_CACHE));
	CHECK_EQ(why[6], PF_KEPT);
	CHECK_EQ(why[7], PF_KEPT);
	for (int p = 8; p < 16; p++)
		CHECK_EQ(why[p], PF_WHY(CC_EXCL_FREE));
	CHECK_EQ(why[16], PF_KEPT);
	CHECK_EQ(why[24], PF_KEPT);
	for (int p = 32; p < 36; p++)
		CHECK_EQ(why[p], PF_WHY(CC_EXCL_USER));
	CHECK_EQ(why[36], PF_KEPT);
	CHECK_EQ(why[64], PF_KEPT);
	CHECK_EQ(why[65], PF_KEPT);
	CHECK_EQ(why[66], PF_KEPT);
	CHECK_EQ(why[70], PF_WHY(CC_EXCL_POISON));
	CHECK_EQ(why[71], PF_KEPT);            /* the cloud kernel has no PG_hwpoison */
	CHECK_EQ(why[72], PF_KEPT);
	CHECK_EQ(why[73], PF_KEPT);
	/* invalid order (does not align) is 0: only the head goes, as makedumpfile */
	CHECK_EQ(why[128], PF_WHY(CC_EXCL_CACHE));
	CHECK_EQ(why[129], PF_KEPT);
	for (int p = 512; p < 1024; p++)
		CHECKF(why[p] == PF_WHY(CC_EXCL_USER), "pfn %d why %u", p, why[p]);
	for (int p = 1024; p < 2048; p++)
		CHECKF(why[p] == PF_WHY(CC_EXCL_CACHE), "pfn %d why %u", p, why[p]);
	/* unsure: 16, 24 (buddy orders), 64, 66 (head/tail), 73 (head and tail) */
	CHECK_EQ(u, 5);

	/* Chunk size does not matter: whole chunks give the same answer. */
	{
		uint8_t first[2048];

		memcpy(first, why, sizeof(first));
		pf_init(&f, &mm, 30, rd, NULL);
		CHECK_EQ(run(0, 2048, CC_CHUNK_PAGES), 5);
		CHECK(!memcmp(first, why, sizeof(first)));
		pf_init(&f, &mm, 30, rd, NULL);
		CHECK_EQ(run(0, 2048, 1), 5);
		CHECK(!memcmp(first, why, sizeof(first)));
	}

	/* A gap in the calls ends a carried range; going back starts afresh. */
	pf_init(&f, &mm, 30, rd, NULL);
	run(512, 10, 10);
	CHECK(pf_classify(&f, 600, 4, why, &u) == 4);        /* past a gap, still inside the hugetlb page */
	CHECK(pf_classify(&f, 1100, 4, why, &u) == 0);       /* a folio whose head was not seen: tails kept */
	CHECK(pf_classify(&f, 520, 4, why, &u) == 0);        /* going back forgets the hugetlb skip */

	/* Levels: each bit alone. */
	pf_init(&f, &mm, CC_DL_CACHE, rd, NULL);
	run(0, 80, 80);
	CHECK_EQ(why[1], PF_WHY(CC_EXCL_CACHE));
	CHECK_EQ(why[2], PF_KEPT);
	CHECK_EQ(why[3], PF_KEPT);
	CHECK_EQ(why[8], PF_KEPT);
	CHECK_EQ(why[70], PF_WHY(CC_EXCL_POISON));           /* offline: at every level */
	pf_init(&f, &mm, CC_DL_FREE, rd, NULL);
	run(0, 80, 80);
	CHECK_EQ(why[1], PF_KEPT);
	CHECK_EQ(why[8], PF_WHY(CC_EXCL_FREE));
	CHECK_EQ(why[15], PF_WHY(CC_EXCL_FREE));
	pf_init(&f, &mm, CC_DL_USER, rd, NULL);
	run(0, 80, 80);
	CHECK_EQ(why[3], PF_WHY(CC_EXCL_USER));
	CHECK_EQ(why[4], PF_KEPT);
	CHECK_EQ(why[1], PF_KEPT);
	/* zero only: the struct pages are not even read (no PG_hwpoison here) */
	CHECK_EQ(pf_init(&f, &mm, CC_DL_ZERO, rd, NULL), CC_DL_ZERO);
	CHECK(pf_classify(&f, 0, 80, why, &u) == 0);
	CHECK_EQ(f.pages_read, 0);

	/* With PG_hwpoison known, a poisoned page goes at every level. */
	mm.have |= CC_MM_HAVE_HWPOISON;
	mm.pg_hwpoison = 23;
	pf_init(&f, &mm, CC_DL_ZERO, rd, NULL);
	run(0, 80, 80);
	CHECK_EQ(why[71], PF_WHY(CC_EXCL_POISON));
	CHECK_EQ(why[1], PF_KEPT);
	mm.have &= ~CC_MM_HAVE_HWPOISON;

	/* Unreadable struct pages, absent sections: kept, unsure. */
	pf_init(&f, &mm, 30, rd, NULL);
	fail_pa = sp_pa(8) & ~4095ull;                       /* the page holding pfns 0..63 */
	CHECK_EQ(run(0, 128, 128), 64 + 3);                  /* 0..63, and 64, 66, 73 as before */
	CHECK_EQ(why[8], PF_KEPT);
	CHECK_EQ(why[1], PF_KEPT);
	fail_pa = ~0ull;
	CHECK(pf_classify(&f, SECTION_PFNS, 16, why, &u) == 0);  /* section 1: vmemmap past RAM */
	CHECK_EQ(u, 16);
	CHECK(pf_classify(&f, 2 * SECTION_PFNS, 16, why, &u) == 0); /* section 2: not present */
	CHECK_EQ(u, 16);
	CHECK(pf_classify(&f, 1ull << 40, 16, why, &u) == 0);   /* past MAX_PHYSMEM_BITS */
	CHECK_EQ(u, 16);

	/* Bad calls. */
	CHECK(pf_classify(&f, 0, 0, why, &u) == -1);
	CHECK(pf_classify(&f, 0, CC_CHUNK_PAGES + 1, why, &u) == -1);

	/* No usable description: level without the struct-page bits, all kept. */
	{
		struct cc_mm bad = mm;

		bad.version = 0;
		CHECK_EQ(pf_init(&f, &bad, 31, rd, NULL), CC_DL_ZERO);
		CHECK(pf_classify(&f, 0, 80, why, &u) == 0);
		CHECK_EQ(u, 0);
		bad = mm;
		bad.off_mapcount = 62;                              /* past SIZE(page) */
		CHECK_EQ(pf_init(&f, &bad, 30, rd, NULL), 0);
		bad = mm;
		bad.off_order = 2 * bad.page_size;
		CHECK_EQ(pf_init(&f, &bad, 30, rd, NULL), 0);
		bad = mm;
		bad.mem_section_size = 24;
		CHECK_EQ(pf_init(&f, &bad, 30, rd, NULL), 0);
		bad = mm;
		bad.pg_lru = 64;
		CHECK_EQ(pf_init(&f, &bad, 30, rd, NULL), 0);
	}
}

/* 6.12: page types in the top byte (buddy, slab, hugetlb), order in the
 * first tail's flags. */
static void test_6_12(void)
{
	uint64_t lru;
	uint32_t u;

	layout("tests/unit/vmcoreinfo-6.12.117+deb12-amd64.txt");
	lru = 1ull << mm.pg_lru;
	page(1, 0, 0xffff888001234561ull, 0, mm.slab_value);             /* slab: odd mapping, typed */
	page(2, lru, 0xffff888001234561ull, 0, 0);                        /* anonymous */
	page(8, 0, 0, 3, mm.buddy_value);
	page(16, 0, 0, 0, (uint32_t)-129);                                /* 6.1's buddy value: not buddy here */
	compound(512, 9, 0, 0xffff888001234560ull, 0, 1);                 /* hugetlb by page type */
	compound(1024, 4, lru, 0xffff888001234560ull, 0, 0);
	CHECK_EQ(ram[sp_pa(1025) + mm.off_flags], 4);                     /* _flags_1 & 0xff */
	put64(sp_pa(1025) + mm.off_flags, 0x4 | 0xff00);                  /* other _flags_1 bits do not matter */
	pf_init(&f, &mm, 30, rd, NULL);
	u = run(0, 2048, 333);
	CHECK_EQ(u, 0);
	CHECK_EQ(why[1], PF_KEPT);
	CHECK_EQ(why[2], PF_WHY(CC_EXCL_USER));
	for (int p = 8; p < 16; p++)
		CHECK_EQ(why[p], PF_WHY(CC_EXCL_FREE));
	CHECK_EQ(why[16], PF_KEPT);
	for (int p = 512; p < 1024; p++)
		CHECKF(why[p] == PF_WHY(CC_EXCL_USER), "pfn %d why %u", p, why[p]);
	for (int p = 1024; p < 1040; p++)
		CHECKF(why[p] == PF_WHY(CC_EXCL_CACHE), "pfn %d why %u", p, why[p]);
	CHECK_EQ(why[1040], PF_KEPT);
	/* PG_hwpoison exists on 6.12: poisoned pages go even at level 0/1 */
	page(20, 1ull << mm.pg_hwpoison, 0, 0, ~0u);
	CHECK_EQ(pf_init(&f, &mm, 0, rd, NULL), 0);
	run(0, 64, 64);
	CHECK_EQ(why[20], PF_WHY(CC_EXCL_POISON));
	CHECK_EQ(why[2], PF_KEPT);
}

int main(void)
{
	test_6_1();
	test_6_12();
	printf("sizeof(struct pf) = %zu\n", sizeof(struct pf));
	CHECK(sizeof(struct pf) <= 16384);
	CHECK_DONE();
}
