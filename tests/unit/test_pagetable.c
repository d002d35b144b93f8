/* tests/unit/test_pagetable.c - boot/pagetable.c (pt_init, pt_map).
 *
 * The tables are checked by a page walk of our own, by the x86-64 rules
 * (SDM vol. 3, 4.5): PML5 (5-level only), PML4, PDPT, PD, PT; a PS entry
 * in the PDPT is a 1 GiB page, in the PD a 2 MiB page; PS is reserved in
 * PML5/PML4 entries; the address bits below the page size of a PS entry
 * (except PAT, bit 12) are reserved and must be zero.  Table addresses
 * are host pointers (the pool is the identity-mapped memory here). The
 * expected mapping comes from a model: the last pt_map() whose range,
 * rounded out to 2 MiB, holds the address decides its cache attribute. */
#include <stdint.h>
#include <stdlib.h>

#include "boot/pagetable.h"
#include "tests/unit/check.h"

#define KIB (1ull << 10)
#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define TIB (1ull << 40)

/* ---- the pool ------------------------------------------------------------------------- */

static uint64_t *pool_mem;
static unsigned pool_pages;

static void pool_new(struct pt_pool *p, unsigned npages, unsigned levels, int allow_1g)
{
	free(pool_mem);
	pool_pages = npages;
	pool_mem = aligned_alloc(4096, (npages ? npages : 1) * 4096ull);
	if (!pool_mem) {
		perror("aligned_alloc");
		exit(2);
	}
	memset(pool_mem, 0xa5, (npages ? npages : 1) * 4096ull); /* garbage: pt_init must clear */
	CHECK_EQ(pt_init(p, pool_mem, npages, levels, allow_1g), 0);
}

/* ---- the walker --------------------------------------------------------------------------- */

struct xlat {
	int present;
	uint64_t pa;
	uint64_t page;   /* leaf size: 4 KiB, 2 MiB or 1 GiB */
	uint64_t cache;  /* PCD|PWT of the leaf */
	int writable;    /* W at every level */
	int bad;         /* a structural error (reserved bit, table outside the pool) */
};

static int table_ok(uint64_t e)
{
	uint64_t a = e & PTE_ADDR_MASK;
	uint64_t lo = (uint64_t)(uintptr_t)pool_mem, hi = lo + pool_pages * 4096ull;
	return a >= lo && a < hi && (a & 4095) == 0 && !(e & PTE_PS);
}

static struct xlat walk(const struct pt_pool *p, uint64_t va)
{
	struct xlat x = { 0 };
	const uint64_t *t = p->root;
	int w = 1;
	/* bit position of each level's index, from the top */
	static const unsigned shift5[] = { 48, 39, 30, 21, 12 };
	const unsigned *shift = p->levels == 5 ? shift5 : shift5 + 1;
	unsigned nlev = p->levels;
	for (unsigned l = 0; l < nlev; l++) {
		unsigned s = shift[l];
		uint64_t e = t[(va >> s) & 511];
		if (!(e & PTE_P))
			return x;
		w &= !!(e & PTE_W);
		int leaf = s == 12 || ((s == 30 || s == 21) && (e & PTE_PS));
		if (leaf) {
			uint64_t size = 1ull << s;
			/* reserved: address bits 13 .. s-1 of a large page */
			if (s > 12 && (e & PTE_ADDR_MASK & (size - 1) & ~(1ull << 12)))
				x.bad = 1;
			x.present = 1;
			x.page = size;
			x.pa = (e & PTE_ADDR_MASK & ~(size - 1)) | (va & (size - 1));
			x.cache = e & (PTE_PCD | PTE_PWT);
			x.writable = w;
			return x;
		}
		if (!table_ok(e)) {
			x.bad = 1;
			return x;
		}
		t = (const uint64_t *)(uintptr_t)(e & PTE_ADDR_MASK);
	}
	return x; /* not reached: level 1 is always a leaf */
}

/* ---- the model ------------------------------------------------------------------------------ */

struct op {
	uint64_t pa, len, cache;
};

/* 1 and *cache if some op covers va, else 0. */
static int model(const struct op *ops, int n, uint64_t va, uint64_t *cache)
{
	for (int i = n - 1; i >= 0; i--) {
		if (!ops[i].len)
			continue;
		uint64_t s = ops[i].pa / (2 * MIB) * (2 * MIB);
		uint64_t e = (ops[i].pa + ops[i].len + 2 * MIB - 1) / (2 * MIB) * (2 * MIB);
		if (va >= s && va < e) {
			*cache = ops[i].cache;
			return 1;
		}
	}
	return 0;
}

static int apply(struct pt_pool *p, const struct op *ops, int n)
{
	for (int i = 0; i < n; i++)
		if (pt_map(p, ops[i].pa, ops[i].len, ops[i].cache))
			return -1;
	return 0;
}

/* Compare walk and model at three points of every 2 MiB page of
 * [from, to); report only the first few mismatches. */
static void verify(const struct pt_pool *p, const struct op *ops, int n, uint64_t from, uint64_t to)
{
	int reported = 0;
	for (uint64_t page = from; page < to; page += 2 * MIB) {
		const uint64_t pts[3] = { page, page + 2 * MIB / 2 + 0x123, page + 2 * MIB - 1 };
		for (int k = 0; k < 3; k++) {
			uint64_t va = pts[k], want_cache = 0;
			int want = model(ops, n, va, &want_cache);
			struct xlat x = walk(p, va);
			int ok = x.present == want && !x.bad &&
				 (!want || (x.pa == va && x.cache == want_cache && x.writable));
			CHECK(ok);
			if (!ok && reported++ < 5)
				fprintf(stderr, "  va %llx: present %d (want %d) pa %llx cache %llx (want %llx) w %d bad %d\n",
					(unsigned long long)va, x.present, want, (unsigned long long)x.pa,
					(unsigned long long)x.cache, (unsigned long long)want_cache, x.writable, x.bad);
		}
	}
}

/* ---- tests ------------------------------------------------------------------------------------ */

static void test_init(void)
{
	struct pt_pool p;
	uint64_t dummy[512] __attribute__((aligned(4096)));
	CHECK_EQ(pt_init(&p, dummy, 0, 4, 0), -1);

	pool_new(&p, 4, 4, 0);
	CHECK(p.root == pool_mem);
	CHECK_EQ(p.used, 1);
	int clear = 1;
	for (int i = 0; i < 512; i++)
		clear &= p.root[i] == 0;
	CHECK(clear);
	CHECK(!walk(&p, 0).present);
	CHECK_EQ(pt_map(&p, 0x12345000, 0, PT_CACHE_UC), 0); /* empty: nothing */
	CHECK(!walk(&p, 0x12345000).present);
	CHECK_EQ(p.used, 1);
}

/* 0-4 GiB UC with 2 MiB pages only: root, one PDPT, four PDs. */
static void test_4g_2m(void)
{
	struct pt_pool p;
	pool_new(&p, 16, 4, 0);
	struct op ops[] = { { 0, 4 * GIB, PT_CACHE_UC } };
	CHECK_EQ(apply(&p, ops, 1), 0);
	verify(&p, ops, 1, 0, 5 * GIB);
	CHECK_EQ(walk(&p, 3 * GIB + 5).page, 2 * MIB);
	CHECK_EQ(walk(&p, 0).cache, PTE_PCD | PTE_PWT);
	CHECK_EQ(p.used, 6);
}

/* With 1 GiB pages: the same map is root, PDPT and four 1 GiB leaves. */
static void test_4g_1g(void)
{
	struct pt_pool p;
	pool_new(&p, 16, 4, 1);
	struct op ops[] = { { 0, 4 * GIB, PT_CACHE_UC } };
	CHECK_EQ(apply(&p, ops, 1), 0);
	verify(&p, ops, 1, 0, 5 * GIB);
	for (uint64_t g = 0; g < 4; g++)
		CHECK_EQ(walk(&p, g * GIB + 0x1234567).page, GIB);
	CHECK_EQ(p.used, 2);
}

/* 1 GiB leaves only for a whole aligned GiB, and only when allowed. */
static void test_1g_choice(void)
{
	struct pt_pool p;

	pool_new(&p, 16, 4, 1);
	CHECK_EQ(pt_map(&p, GIB, GIB, PT_CACHE_WB), 0);
	CHECK_EQ(walk(&p, GIB).page, GIB);
	CHECK_EQ(walk(&p, 2 * GIB - 1).page, GIB);
	CHECK(!walk(&p, 2 * GIB).present);
	CHECK(!walk(&p, GIB - 1).present);

	/* aligned GiB plus a tail: GiB leaf, then 2 MiB for the tail */
	pool_new(&p, 16, 4, 1);
	struct op a[] = { { GIB - 2 * MIB, GIB + 4 * MIB, PT_CACHE_WB } };
	CHECK_EQ(apply(&p, a, 1), 0);
	verify(&p, a, 1, 0, 3 * GIB);
	CHECK_EQ(walk(&p, GIB - 1).page, 2 * MIB);
	CHECK_EQ(walk(&p, GIB).page, GIB);
	CHECK_EQ(walk(&p, 2 * GIB).page, 2 * MIB);

	/* a GiB's worth, but straddling two GiBs: 2 MiB pages only */
	pool_new(&p, 16, 4, 1);
	struct op b[] = { { GIB / 2, GIB, PT_CACHE_WB } };
	CHECK_EQ(apply(&p, b, 1), 0);
	verify(&p, b, 1, 0, 2 * GIB);
	CHECK_EQ(walk(&p, GIB / 2).page, 2 * MIB);
	CHECK_EQ(walk(&p, GIB).page, 2 * MIB);

	/* not allowed: never a 1 GiB leaf */
	pool_new(&p, 16, 4, 0);
	CHECK_EQ(pt_map(&p, GIB, 2 * GIB, PT_CACHE_WB), 0);
	CHECK_EQ(walk(&p, GIB).page, 2 * MIB);
	CHECK_EQ(walk(&p, 3 * GIB - 1).page, 2 * MIB);
}

/* The paging_init() pattern: UC default below 4 GiB, RAM write-back over
 * it, then a small MMIO window UC inside a RAM GiB. */
static void test_override(int allow_1g)
{
	struct pt_pool p;
	pool_new(&p, 64, 4, allow_1g);
	struct op ops[] = {
		{ 0, 4 * GIB, PT_CACHE_UC },
		{ 0, 0x9fc00, PT_CACHE_WB },              /* low RAM (rounds to 2 MiB) */
		{ 0x100000, 2 * GIB - 0x100000, PT_CACHE_WB }, /* RAM to 2 GiB */
		{ 4 * GIB, 2 * GIB, PT_CACHE_WB },         /* RAM above 4 GiB */
		{ GIB + 0x20301000, 0x1000, PT_CACHE_UC }, /* MMIO in GiB 1 */
		{ 0xfee00000, 0x1000, PT_CACHE_UC },       /* LAPIC (already UC) */
	};
	int n = sizeof(ops) / sizeof(ops[0]);
	CHECK_EQ(apply(&p, ops, n), 0);
	verify(&p, ops, n, 0, 7 * GIB);

	uint64_t mmio = GIB + 0x20301000;
	struct xlat x = walk(&p, mmio);
	CHECK_EQ(x.cache, PT_CACHE_UC);
	CHECK_EQ(x.page, 2 * MIB);
	CHECK_EQ(walk(&p, mmio - 2 * MIB).cache, PT_CACHE_WB); /* neighbours */
	CHECK_EQ(walk(&p, mmio + 2 * MIB).cache, PT_CACHE_WB);
	CHECK_EQ(walk(&p, GIB).cache, PT_CACHE_WB);
	CHECK_EQ(walk(&p, 2 * GIB - 1).cache, PT_CACHE_WB);
	CHECK_EQ(walk(&p, 2 * GIB).cache, PT_CACHE_UC);
	CHECK_EQ(walk(&p, 3 * GIB + 5).cache, PT_CACHE_UC);
	CHECK_EQ(walk(&p, 5 * GIB).cache, PT_CACHE_WB);
	if (allow_1g) {
		/* GiB 0: split by the low RAM, whole again (WB) after RAM to 2 GiB,
		 * which rounds out to start at 0 */
		CHECK_EQ(walk(&p, GIB - 1).page, GIB);
		CHECK_EQ(walk(&p, GIB - 1).cache, PT_CACHE_WB);
		CHECK_EQ(walk(&p, GIB).page, 2 * MIB);              /* GiB 1 split by the MMIO */
		CHECK_EQ(walk(&p, 2 * GIB).page, GIB);              /* GiB 2 untouched */
		CHECK_EQ(walk(&p, 4 * GIB).page, GIB);              /* whole GiBs above 4 GiB */
		CHECK_EQ(walk(&p, 5 * GIB + 7).page, GIB);
	}
}

/* A 1 GiB leaf split by a UC window keeps its attributes elsewhere. */
static void test_split_leaf(void)
{
	struct pt_pool p;
	pool_new(&p, 8, 4, 1);
	struct op ops[] = {
		{ 8 * GIB, GIB, PT_CACHE_WB },
		{ 8 * GIB + 510 * MIB, 3 * MIB, PT_CACHE_UC }, /* two 2 MiB pages */
	};
	CHECK_EQ(pt_map(&p, ops[0].pa, ops[0].len, ops[0].cache), 0);
	CHECK_EQ(walk(&p, 8 * GIB + 510 * MIB).page, GIB);
	unsigned before = p.used;
	CHECK_EQ(pt_map(&p, ops[1].pa, ops[1].len, ops[1].cache), 0);
	CHECK_EQ(p.used, before + 1); /* one new PD */
	verify(&p, ops, 2, 7 * GIB, 10 * GIB);
	CHECK_EQ(walk(&p, 8 * GIB + 508 * MIB).cache, PT_CACHE_WB);
	CHECK_EQ(walk(&p, 8 * GIB + 510 * MIB).cache, PT_CACHE_UC);
	CHECK_EQ(walk(&p, 8 * GIB + 512 * MIB).cache, PT_CACHE_UC);
	CHECK_EQ(walk(&p, 8 * GIB + 514 * MIB).cache, PT_CACHE_WB);
	/* mapping the whole GiB again brings the leaf back */
	CHECK_EQ(pt_map(&p, 8 * GIB, GIB, PT_CACHE_UC), 0);
	CHECK_EQ(walk(&p, 8 * GIB + 3).page, GIB);
	CHECK_EQ(walk(&p, 8 * GIB + 514 * MIB).cache, PT_CACHE_UC);
}

/* Unaligned ranges are rounded out to 2 MiB. */
static void test_rounding(void)
{
	struct pt_pool p;
	pool_new(&p, 16, 4, 0);
	struct op ops[] = {
		{ 2 * MIB - 4 * KIB, 8 * KIB, PT_CACHE_WB },     /* straddles 2 MiB: [0, 4M) */
		{ 9 * MIB + 1, 1, PT_CACHE_UC },                 /* [8M, 10M) */
		{ 5 * GIB + 3 * MIB, 2 * MIB, PT_CACHE_UC },     /* [5G+2M, 5G+6M) */
	};
	CHECK_EQ(apply(&p, ops, 3), 0);
	verify(&p, ops, 3, 0, 16 * MIB);
	verify(&p, ops, 3, 5 * GIB - 4 * MIB, 5 * GIB + 16 * MIB);
	CHECK(walk(&p, 0).present);
	CHECK(walk(&p, 4 * MIB - 1).present);
	CHECK(!walk(&p, 4 * MIB).present);
	CHECK(!walk(&p, 8 * MIB - 1).present);
	CHECK(walk(&p, 8 * MIB).present);
	CHECK(walk(&p, 10 * MIB - 1).present);
	CHECK(!walk(&p, 10 * MIB).present);
	CHECK(!walk(&p, 5 * GIB + 2 * MIB - 1).present);
	CHECK(walk(&p, 5 * GIB + 6 * MIB - 1).present);
	CHECK(!walk(&p, 5 * GIB + 6 * MIB).present);
}

/* Far above 4 GiB, in 4-level mode: past 512 GiB (PML4 index 1) and up to
 * the 128 TiB limit of canonical lower-half addresses; beyond it, or
 * wrapping, is refused. */
static void test_high_4level(void)
{
	struct pt_pool p;
	pool_new(&p, 32, 4, 1);
	struct op ops[] = {
		{ 0, 4 * GIB, PT_CACHE_UC },
		{ 512 * GIB - 2 * MIB, 4 * MIB, PT_CACHE_WB },   /* across the PML4 boundary */
		{ 3 * TIB + 7 * GIB, GIB, PT_CACHE_WB },
		{ 128 * TIB - 2 * MIB, 2 * MIB, PT_CACHE_UC },  /* last 2 MiB below 2^47 */
	};
	CHECK_EQ(apply(&p, ops, 4), 0);
	verify(&p, ops, 4, 512 * GIB - 8 * MIB, 512 * GIB + 8 * MIB);
	verify(&p, ops, 4, 3 * TIB + 6 * GIB, 3 * TIB + 9 * GIB);
	verify(&p, ops, 4, 128 * TIB - 16 * MIB, 128 * TIB);
	CHECK_EQ(walk(&p, 3 * TIB + 7 * GIB).page, GIB);
	CHECK(p.root[0] & PTE_P);
	CHECK(p.root[1] & PTE_P);
	CHECK(p.root[6] & PTE_P);
	CHECK(p.root[255] & PTE_P);
	CHECK(!(p.root[256] & PTE_P));

	unsigned used = p.used;
	CHECK_EQ(pt_map(&p, 128 * TIB, 2 * MIB, PT_CACHE_WB), -1);        /* above 4-level */
	CHECK_EQ(pt_map(&p, 128 * TIB - 2 * MIB, 4 * MIB, PT_CACHE_WB), -1);
	CHECK_EQ(pt_map(&p, ~0ull - 4 * MIB + 1, 8 * MIB, PT_CACHE_WB), -1); /* wraps */
	CHECK_EQ(p.used, used);
}

/* 5-level: the same, plus addresses only PML5 can reach. */
static void test_5level(int allow_1g)
{
	struct pt_pool p;
	pool_new(&p, 48, 5, allow_1g);
	struct op ops[] = {
		{ 0, 4 * GIB, PT_CACHE_UC },
		{ 0x100000, GIB, PT_CACHE_WB },
		{ 600 * GIB, 2 * GIB, PT_CACHE_WB },                 /* above 512 GiB */
		{ 256 * TIB - 2 * MIB, 4 * MIB, PT_CACHE_WB },       /* across 2^48 */
		{ (1ull << 50) + GIB, GIB, PT_CACHE_UC },            /* 1 PiB + 1 GiB */
		{ (1ull << 50) + GIB + 64 * MIB, 2 * MIB, PT_CACHE_WB },
	};
	int n = sizeof(ops) / sizeof(ops[0]);
	CHECK_EQ(apply(&p, ops, n), 0);
	verify(&p, ops, n, 0, 5 * GIB);
	verify(&p, ops, n, 599 * GIB, 603 * GIB);
	verify(&p, ops, n, 256 * TIB - 8 * MIB, 256 * TIB + 8 * MIB);
	verify(&p, ops, n, (1ull << 50), (1ull << 50) + 3 * GIB);
	CHECK(p.root[0] & PTE_P);
	CHECK(p.root[1] & PTE_P);  /* 2^48 is PML5 index 1 */
	CHECK(p.root[4] & PTE_P);  /* 2^50 is PML5 index 4 */
	CHECK_EQ(walk(&p, 600 * GIB).page, allow_1g ? GIB : 2 * MIB);
	CHECK_EQ(walk(&p, (1ull << 50) + GIB + 64 * MIB).cache, PT_CACHE_WB);
	CHECK_EQ(walk(&p, (1ull << 50) + GIB + 66 * MIB).cache, PT_CACHE_UC);
	CHECK_EQ(pt_map(&p, 1ull << 57, 2 * MIB, PT_CACHE_WB), -1); /* above 5-level */
	CHECK_EQ(pt_map(&p, 1ull << 56, 2 * MIB, PT_CACHE_WB), -1); /* upper half: not canonical for identity */
}

/* Pool exhaustion: -1, and what was mapped before stays intact. */
static void test_exhaustion(void)
{
	struct pt_pool p;

	pool_new(&p, 1, 4, 0); /* root only */
	CHECK_EQ(pt_map(&p, 0, 2 * MIB, PT_CACHE_WB), -1);
	CHECK_EQ(p.used, 1);

	pool_new(&p, 3, 4, 0); /* root, PDPT, one PD */
	CHECK_EQ(pt_map(&p, 0, GIB, PT_CACHE_WB), 0);
	CHECK_EQ(pt_map(&p, GIB, 2 * MIB, PT_CACHE_WB), -1); /* a second PD */
	CHECK_EQ(p.used, 3);
	struct op ok3[] = { { 0, GIB, PT_CACHE_WB } };
	verify(&p, ok3, 1, 0, GIB); /* and nothing else */

	pool_new(&p, 2, 4, 1); /* root, PDPT: enough for GiB leaves, no split */
	CHECK_EQ(pt_map(&p, 0, 4 * GIB, PT_CACHE_WB), 0);
	CHECK_EQ(pt_map(&p, GIB + 4 * MIB, 4 * KIB, PT_CACHE_UC), -1);
	struct op ok2[] = { { 0, 4 * GIB, PT_CACHE_WB } };
	verify(&p, ok2, 1, 0, 4 * GIB + 4 * MIB); /* the leaf was not touched */
	CHECK_EQ(walk(&p, GIB + 4 * MIB).page, GIB);

	/* 0-4 GiB without GiB pages needs 6 pages: 5 fail, 6 succeed */
	pool_new(&p, 5, 4, 0);
	CHECK_EQ(pt_map(&p, 0, 4 * GIB, PT_CACHE_UC), -1);
	pool_new(&p, 6, 4, 0);
	CHECK_EQ(pt_map(&p, 0, 4 * GIB, PT_CACHE_UC), 0);

	/* 5-level needs one more */
	pool_new(&p, 2, 5, 1);
	CHECK_EQ(pt_map(&p, 0, GIB, PT_CACHE_WB), -1);
	pool_new(&p, 3, 5, 1);
	CHECK_EQ(pt_map(&p, 0, GIB, PT_CACHE_WB), 0);
	CHECK_EQ(walk(&p, 12345).pa, 12345);
}

int main(void)
{
	test_init();
	test_4g_2m();
	test_4g_1g();
	test_1g_choice();
	test_override(0);
	test_override(1);
	test_split_leaf();
	test_rounding();
	test_high_4level();
	test_5level(0);
	test_5level(1);
	test_exhaustion();
	free(pool_mem);
	CHECK_DONE();
}
