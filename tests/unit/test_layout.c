/* tests/unit/test_layout.c - loader/layout.c: placing the segments in the
 * crash region. */
#include "loader/layout.h"
#include "tests/unit/check.h"

#define KIB 1024ull
#define MIB (1024 * KIB)
#define GIB (1024 * MIB)

static void test_slack(void)
{
	CHECK_EQ(layout_slack(0), 64 * KIB);           /* the floor */
	CHECK_EQ(layout_slack(1 * GIB), 17 * 4096);    /* 1 + 16 pages */
	CHECK_EQ(layout_slack(2 * GIB), 18 * 4096);    /* 2 + 16 pages = 72 KiB */
	CHECK_EQ(layout_slack(48 * GIB), 64 * 4096);   /* 48 + 16 pages */
	CHECK_EQ(layout_slack(48 * GIB + 1), 65 * 4096); /* a started GiB counts */
	CHECK_EQ(layout_slack(1024 * GIB), (1024 + 16) * 4096ull);
}

/* The loader's four segments, sizes as built today. */
static void four(struct segment s[4])
{
	s[0] = (struct segment){ "purgatory", 0, 0x1b90, 0x2db0, 4096, 0, 0 };
	s[1] = (struct segment){ "payload", 0, 0x7cb0, 0x81000, 4096, 0, 1 };
	s[2] = (struct segment){ "params", 0, 0x2180, 0x2180, 4096, 0, 1 };
	s[3] = (struct segment){ "backup", 0, 0, 0x9f000, 4096, 0, 1 };
}

static void test_place(void)
{
	struct segment s[4];
	uint64_t need;
	const uint64_t start = 0x2f000000, end = 0x30000000;

	four(s);
	CHECK_EQ(layout_place(start, end, s, 4, 80 * KIB, &need), LAYOUT_OK);
	CHECK_EQ(s[0].mem, start);
	CHECK_EQ(s[0].memsz, 0x3000);        /* rounded up to pages */
	CHECK_EQ(s[1].mem, start + 0x3000);
	CHECK_EQ(s[2].mem, start + 0x84000);
	CHECK_EQ(s[2].memsz, 0x3000);
	CHECK_EQ(s[3].mem, start + 0x87000);
	CHECK_EQ(need, 0x87000 + 0x9f000 + 80 * KIB);
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(s[i].mem % 4096, 0);
		CHECK_EQ(s[i].memsz % 4096, 0);
		CHECK(s[i].mem >= start && s[i].mem + s[i].memsz <= end);
		if (i)
			CHECK(s[i].mem >= s[i - 1].mem + s[i - 1].memsz); /* no overlap, in order */
	}
}

static void test_alignment(void)
{
	struct segment s[3] = {
		{ "a", 0, 10, 10, 0, 0, 1 },             /* align 0 means a page */
		{ "b", 0, 0, 4096, 2 * MIB, 0, 1 },      /* 2 MiB aligned */
		{ "c", 0, 1, 1, 16, 0, 1 },              /* below a page: a page */
	};
	uint64_t need;

	/* An unaligned region start (only fake maps have one). */
	CHECK_EQ(layout_place(0x1000123, 0x2000000, s, 3, 64 * KIB, &need), LAYOUT_OK);
	CHECK_EQ(s[0].mem, 0x1001000);
	CHECK_EQ(s[0].memsz, 4096);
	CHECK_EQ(s[1].mem, 0x1200000);
	CHECK_EQ(s[2].mem, 0x1201000);
	CHECK_EQ(need, 0x1202000 + 64 * KIB - 0x1000123);

	/* Not a power of two. */
	s[1].align = 3 * 4096;
	CHECK_EQ(layout_place(0x1000000, 0x2000000, s, 3, 0, &need), LAYOUT_BAD);
	/* bufsz beyond memsz. */
	struct segment f[4];
	four(f);
	f[2].bufsz = f[2].memsz + 1;
	CHECK_EQ(layout_place(0x1000000, 0x2000000, f, 4, 0, &need), LAYOUT_BAD);
}

static void test_too_small(void)
{
	struct segment s[4];
	uint64_t need, total;
	const uint64_t start = 0x1000000;

	four(s);
	CHECK_EQ(layout_place(start, start + 16 * MIB, s, 4, 64 * KIB, &total), LAYOUT_OK);
	/* Exactly enough: fits.  One page less: too small, same need. */
	four(s);
	CHECK_EQ(layout_place(start, start + total, s, 4, 64 * KIB, &need), LAYOUT_OK);
	CHECK_EQ(need, total);
	four(s);
	CHECK_EQ(layout_place(start, start + total - 4096, s, 4, 64 * KIB, &need), LAYOUT_TOO_SMALL);
	CHECK_EQ(need, total);
	/* The slack alone can make it too small. */
	four(s);
	CHECK_EQ(layout_place(start, start + total, s, 4, 64 * KIB + 4096, &need), LAYOUT_TOO_SMALL);
	CHECK_EQ(need, total + 4096);
	/* A 1 MiB region (crashkernel=1M): too small, says the real need. */
	four(s);
	CHECK_EQ(layout_place(start, start + MIB, s, 4, 64 * KIB, &need), LAYOUT_TOO_SMALL);
	CHECK_EQ(need, total);
	/* Nothing to place: the slack still has to fit. */
	CHECK_EQ(layout_place(start, start + 32 * KIB, s, 0, 64 * KIB, &need), LAYOUT_TOO_SMALL);
	CHECK_EQ(need, 64 * KIB);
	/* A backwards region. */
	CHECK_EQ(layout_place(start, start - 1, s, 0, 0, &need), LAYOUT_TOO_SMALL);
	/* Overflow near the top of the address space is refused, not wrapped. */
	four(s);
	CHECK_EQ(layout_place(UINT64_MAX - 4096, UINT64_MAX, s, 4, 0, &need), LAYOUT_BAD);
}

int main(void)
{
	test_slack();
	test_place();
	test_alignment();
	test_too_small();
	CHECK_DONE();
}
