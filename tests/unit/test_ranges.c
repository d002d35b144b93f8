/* tests/unit/test_ranges.c - capture/ranges.c (ranges_add, ranges_remove,
 * ranges_total). */
#include <stdint.h>
#include <stdlib.h>

#include "capture/ranges.h"
#include "tests/unit/check.h"

static struct cc_params P;

static void reset(void)
{
	memset(&P, 0, sizeof(P));
}

/* The list must be exactly the n [start, end) pairs of want; every range
 * with vaddr 0 and src == paddr. */
#define CHECK_RANGES(...) do { \
	static const uint64_t want_[][2] = { __VA_ARGS__ }; \
	check_ranges(__LINE__, want_, sizeof(want_) / sizeof(want_[0])); \
} while (0)
#define CHECK_EMPTY() check_ranges(__LINE__, NULL, 0)

static void check_ranges(int line, const uint64_t (*want)[2], unsigned n)
{
	int ok = P.nr_ranges == n;
	for (unsigned i = 0; ok && i < n; i++) {
		const struct cc_mem_range *r = &P.ranges[i];
		ok = r->paddr == want[i][0] && r->size == want[i][1] - want[i][0] &&
		     r->vaddr == 0 && r->src == r->paddr;
	}
	check_count++;
	if (!ok) {
		check_failed++;
		fprintf(stderr, "%s:%d: ranges differ; have %u:", __FILE__, line, P.nr_ranges);
		for (unsigned i = 0; i < P.nr_ranges && i < 16; i++)
			fprintf(stderr, " [%llx,%llx)", (unsigned long long)P.ranges[i].paddr,
				(unsigned long long)(P.ranges[i].paddr + P.ranges[i].size));
		fprintf(stderr, "; want %u:", n);
		for (unsigned i = 0; i < n; i++)
			fprintf(stderr, " [%llx,%llx)", (unsigned long long)want[i][0], (unsigned long long)want[i][1]);
		fprintf(stderr, "\n");
	}
}

static void test_sorted(void)
{
	reset();
	CHECK_EQ(ranges_add(&P, 0x100000000, 0x140000000), 0);
	CHECK_EQ(ranges_add(&P, 0x1000, 0x9f000), 0);
	CHECK_EQ(ranges_add(&P, 0x100000, 0x7fe0000), 0);
	CHECK_EQ(ranges_add(&P, 0x80000000, 0x80001000), 0);
	CHECK_RANGES({ 0x1000, 0x9f000 }, { 0x100000, 0x7fe0000 }, { 0x80000000, 0x80001000 },
		     { 0x100000000, 0x140000000 });
	CHECK_EQ(ranges_total(&P), (0x9f000 - 0x1000) + (0x7fe0000 - 0x100000) + 0x1000 + 0x40000000ull);

	/* reverse order */
	reset();
	for (uint64_t k = 10; k > 0; k--)
		CHECK_EQ(ranges_add(&P, k * 0x10000, k * 0x10000 + 0x1000), 0);
	int sorted = P.nr_ranges == 10;
	for (unsigned i = 0; sorted && i < 10; i++)
		sorted = P.ranges[i].paddr == (i + 1) * 0x10000ull && P.ranges[i].size == 0x1000;
	CHECK(sorted);
	CHECK_EQ(ranges_total(&P), 10 * 0x1000);
}

static void test_merge(void)
{
	reset();
	CHECK_EQ(ranges_add(&P, 0x10000, 0x20000), 0);
	CHECK_EQ(ranges_add(&P, 0x18000, 0x28000), 0);  /* overlaps the tail */
	CHECK_RANGES({ 0x10000, 0x28000 });
	CHECK_EQ(ranges_add(&P, 0x8000, 0x11000), 0);   /* overlaps the head */
	CHECK_RANGES({ 0x8000, 0x28000 });
	CHECK_EQ(ranges_add(&P, 0x28000, 0x30000), 0);  /* touches the end */
	CHECK_RANGES({ 0x8000, 0x30000 });
	CHECK_EQ(ranges_add(&P, 0x4000, 0x8000), 0);    /* touches the start */
	CHECK_RANGES({ 0x4000, 0x30000 });
	CHECK_EQ(ranges_add(&P, 0x5000, 0x6000), 0);    /* inside: no change */
	CHECK_RANGES({ 0x4000, 0x30000 });
	CHECK_EQ(ranges_total(&P), 0x2c000);

	/* one range swallowing several, with ranges left either side */
	reset();
	CHECK_EQ(ranges_add(&P, 0x1000, 0x2000), 0);
	CHECK_EQ(ranges_add(&P, 0x10000, 0x11000), 0);
	CHECK_EQ(ranges_add(&P, 0x13000, 0x14000), 0);
	CHECK_EQ(ranges_add(&P, 0x16000, 0x17000), 0);
	CHECK_EQ(ranges_add(&P, 0x30000, 0x31000), 0);
	CHECK_EQ(ranges_add(&P, 0x11000, 0x16000), 0);  /* touches both outer ones */
	CHECK_RANGES({ 0x1000, 0x2000 }, { 0x10000, 0x17000 }, { 0x30000, 0x31000 });
	CHECK_EQ(ranges_add(&P, 0x0, 0x40000), 0);      /* everything */
	CHECK_RANGES({ 0x0, 0x40000 });

	/* a one-page gap is not merged */
	reset();
	CHECK_EQ(ranges_add(&P, 0x1000, 0x2000), 0);
	CHECK_EQ(ranges_add(&P, 0x3000, 0x4000), 0);
	CHECK_RANGES({ 0x1000, 0x2000 }, { 0x3000, 0x4000 });
	CHECK_EQ(ranges_add(&P, 0x2000, 0x3000), 0);    /* fills it */
	CHECK_RANGES({ 0x1000, 0x4000 });
}

static void test_rounding(void)
{
	reset();
	CHECK_EQ(ranges_add(&P, 0x1234, 0x5678), 0);
	CHECK_RANGES({ 0x1000, 0x6000 });
	CHECK_EQ(ranges_add(&P, 0x9fc00, 0x9fc01), 0);  /* one byte: one page */
	CHECK_RANGES({ 0x1000, 0x6000 }, { 0x9f000, 0xa0000 });
	CHECK_EQ(ranges_add(&P, 0x6001, 0x6002), 0);    /* rounds to [6000,7000): touches */
	CHECK_RANGES({ 0x1000, 0x7000 }, { 0x9f000, 0xa0000 });
	CHECK_EQ(ranges_add(&P, 0x20000, 0x20000), 0);  /* empty: nothing */
	CHECK_EQ(ranges_add(&P, 0x30000, 0x20000), 0);  /* backwards: nothing */
	CHECK_RANGES({ 0x1000, 0x7000 }, { 0x9f000, 0xa0000 });
	CHECK_EQ(P.ranges[0].size % 4096, 0);
	CHECK_EQ(ranges_total(&P), 0x7000);
}

static void test_remove(void)
{
	/* split in the middle (rounded out) */
	reset();
	CHECK_EQ(ranges_add(&P, 0x100000, 0x8000000), 0);
	CHECK_EQ(ranges_remove(&P, 0x1000800, 0x1100800), 0); /* -> [1000000, 1101000) */
	CHECK_RANGES({ 0x100000, 0x1000000 }, { 0x1101000, 0x8000000 });
	CHECK_EQ(ranges_total(&P), 0x8000000 - 0x100000 - 0x101000);

	/* split with ranges around it, which must stay in order */
	reset();
	CHECK_EQ(ranges_add(&P, 0x1000, 0x9f000), 0);
	CHECK_EQ(ranges_add(&P, 0x100000, 0x800000), 0);
	CHECK_EQ(ranges_add(&P, 0x1000000, 0x2000000), 0);
	CHECK_EQ(ranges_remove(&P, 0x200000, 0x300000), 0);
	CHECK_RANGES({ 0x1000, 0x9f000 }, { 0x100000, 0x200000 }, { 0x300000, 0x800000 },
		     { 0x1000000, 0x2000000 });

	/* trim head and tail, drop whole, across several ranges at once */
	reset();
	CHECK_EQ(ranges_add(&P, 0x10000, 0x20000), 0);
	CHECK_EQ(ranges_add(&P, 0x30000, 0x40000), 0);
	CHECK_EQ(ranges_add(&P, 0x50000, 0x60000), 0);
	CHECK_EQ(ranges_add(&P, 0x70000, 0x80000), 0);
	CHECK_EQ(ranges_remove(&P, 0x18000, 0x78000), 0);
	CHECK_RANGES({ 0x10000, 0x18000 }, { 0x78000, 0x80000 });

	/* trim head only / tail only */
	reset();
	CHECK_EQ(ranges_add(&P, 0x10000, 0x20000), 0);
	CHECK_EQ(ranges_remove(&P, 0x8000, 0x12000), 0);
	CHECK_RANGES({ 0x12000, 0x20000 });
	CHECK_EQ(ranges_remove(&P, 0x1f001, 0x30000), 0); /* rounds down to 1f000 */
	CHECK_RANGES({ 0x12000, 0x1f000 });

	/* drop exactly one range, then the first and the last */
	reset();
	CHECK_EQ(ranges_add(&P, 0x10000, 0x20000), 0);
	CHECK_EQ(ranges_add(&P, 0x30000, 0x40000), 0);
	CHECK_EQ(ranges_add(&P, 0x50000, 0x60000), 0);
	CHECK_EQ(ranges_remove(&P, 0x30000, 0x40000), 0);
	CHECK_RANGES({ 0x10000, 0x20000 }, { 0x50000, 0x60000 });
	CHECK_EQ(ranges_remove(&P, 0x10000, 0x20000), 0);
	CHECK_RANGES({ 0x50000, 0x60000 });
	CHECK_EQ(ranges_remove(&P, 0x0, 0x100000), 0);
	CHECK_EMPTY();
	CHECK_EQ(ranges_total(&P), 0);

	/* two adjacent ranges dropped together (the i-- path) */
	reset();
	CHECK_EQ(ranges_add(&P, 0x10000, 0x20000), 0);
	CHECK_EQ(ranges_add(&P, 0x30000, 0x40000), 0);
	CHECK_EQ(ranges_add(&P, 0x50000, 0x60000), 0);
	CHECK_EQ(ranges_remove(&P, 0x0, 0x45000), 0);
	CHECK_RANGES({ 0x50000, 0x60000 });

	/* nothing there: no change; touching edges do not remove */
	reset();
	CHECK_EQ(ranges_add(&P, 0x10000, 0x20000), 0);
	CHECK_EQ(ranges_remove(&P, 0x20000, 0x30000), 0);
	CHECK_EQ(ranges_remove(&P, 0x0, 0x10000), 0);
	CHECK_RANGES({ 0x10000, 0x20000 });
}

static void test_overflow(void)
{
	reset();
	/* CC_MAX_RANGES disjoint ranges, added out of order */
	for (unsigned i = 0; i < CC_MAX_RANGES; i++) {
		unsigned k = (i * 37) % CC_MAX_RANGES; /* 37 is prime to 128: a permutation */
		CHECK_EQ(ranges_add(&P, (uint64_t)k * 0x10000, (uint64_t)k * 0x10000 + 0x1000), 0);
	}
	CHECK_EQ(P.nr_ranges, CC_MAX_RANGES);
	int sorted = 1;
	for (unsigned i = 0; i < CC_MAX_RANGES; i++)
		sorted &= P.ranges[i].paddr == (uint64_t)i * 0x10000 && P.ranges[i].size == 0x1000;
	CHECK(sorted);
	CHECK_EQ(ranges_total(&P), CC_MAX_RANGES * 0x1000ull);

	/* one more disjoint: refused, list unchanged */
	CHECK_EQ(ranges_add(&P, 0x10000000, 0x10001000), -1);
	CHECK_EQ(P.nr_ranges, CC_MAX_RANGES);
	CHECK_EQ(ranges_total(&P), CC_MAX_RANGES * 0x1000ull);
	/* merging ones still fit */
	CHECK_EQ(ranges_add(&P, 0x1000, 0x3000), 0);
	CHECK_EQ(P.nr_ranges, CC_MAX_RANGES);
	CHECK_EQ(P.ranges[0].size, 0x3000);
	/* a split that does not fit: refused, range intact */
	CHECK_EQ(ranges_remove(&P, 0x1000, 0x1000 + 1), -1);
	CHECK_EQ(P.nr_ranges, CC_MAX_RANGES);
	CHECK_EQ(P.ranges[0].paddr, 0);
	CHECK_EQ(P.ranges[0].size, 0x3000);
	/* after merging two, there is room again */
	CHECK_EQ(ranges_add(&P, 0x2000, 0x10000), 0);
	CHECK_EQ(P.nr_ranges, CC_MAX_RANGES - 1);
	CHECK_EQ(ranges_add(&P, 0x10000000, 0x10001000), 0);
	CHECK_EQ(P.nr_ranges, CC_MAX_RANGES);
	CHECK_EQ(P.ranges[CC_MAX_RANGES - 1].paddr, 0x10000000);
}

static void test_high(void)
{
	reset();
	CHECK_EQ(ranges_add(&P, 0x4000000000ull, 0x8000000000ull), 0);
	CHECK_EQ(ranges_add(&P, 0x100000000ull, 0x480000000ull), 0);
	CHECK_RANGES({ 0x100000000ull, 0x480000000ull }, { 0x4000000000ull, 0x8000000000ull });
	CHECK_EQ(ranges_total(&P), 0x380000000ull + 0x4000000000ull);
}

int main(void)
{
	test_sorted();
	test_merge();
	test_rounding();
	test_remove();
	test_overflow();
	test_high();
	CHECK_DONE();
}
