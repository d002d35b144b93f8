/* tests/unit/test_coremap.c - capture/coremap.c (zero-run elision: which
 * bytes of each range go into the core file).  Memory images are host
 * buffers, given to the scan as the ranges' src; every map is checked
 * against the image it describes (the file bytes plus the zeros rebuild it)
 * and against a reference layout computed here independently. */
#include <stdint.h>
#include <stdlib.h>

#include "capture/coremap.h"
#include "tests/unit/check.h"

#define KIB 1024ull
#define MIB (1024 * KIB)
#define PG 4096ull

static struct cc_params P;
static struct cm_seg segs[COREMAP_MAX_SEGS];

static uint8_t *image(uint64_t size)
{
	uint8_t *b = aligned_alloc(PG, size);
	memset(b, 0, size);
	return b;
}

/* Non-zero bytes over [from, to) of b (one byte per page is enough to make
 * a page non-zero; the last byte of the page, to catch a scan that stops
 * early). */
static void data(uint8_t *b, uint64_t from, uint64_t to)
{
	for (uint64_t a = from; a < to; a += PG)
		b[a + PG - 1] = 0x5a;
}

static void add_range(uint64_t paddr, uint64_t vaddr, const uint8_t *b, uint64_t size)
{
	P.ranges[P.nr_ranges++] = (struct cc_mem_range){ paddr, size, vaddr, (uint64_t)(uintptr_t)b };
}

/* Every range covered in order by its segments, sizes whole pages,
 * filesz <= memsz, the elided bytes zero in the image. */
static void check_map(int line, const struct coremap *m)
{
	uint32_t i = 0;
	int ok = 1;
	for (uint32_t r = 0; r < P.nr_ranges && ok; r++) {
		uint64_t at = 0;
		const uint8_t *b = (const uint8_t *)(uintptr_t)P.ranges[r].src;
		while (i < m->n && m->seg[i].range == r) {
			const struct cm_seg *s = &m->seg[i++];
			ok &= s->off == at && s->filesz <= s->memsz && s->memsz > 0;
			ok &= (s->off | s->filesz | s->memsz) % PG == 0;
			for (uint64_t k = s->off + s->filesz; ok && k < s->off + s->memsz; k++)
				ok &= b[k] == 0;
			at += s->memsz;
		}
		ok &= at == P.ranges[r].size;
	}
	ok &= i == m->n;
	check_count++;
	if (!ok) {
		check_failed++;
		fprintf(stderr, "%s:%d: map does not describe the image; %u segments:", __FILE__, line, m->n);
		for (uint32_t k = 0; k < m->n && k < 24; k++)
			fprintf(stderr, " r%u[%llx +%llx/%llx]", m->seg[k].range, (unsigned long long)m->seg[k].off,
				(unsigned long long)m->seg[k].filesz, (unsigned long long)m->seg[k].memsz);
		fputc('\n', stderr);
	}
}

/* The segments must be exactly want: {range, off, filesz, memsz}... */
#define CHECK_SEGS(m, ...) do { \
	static const uint64_t want_[][4] = { __VA_ARGS__ }; \
	check_segs(__LINE__, (m), want_, sizeof(want_) / sizeof(want_[0])); \
} while (0)

static void check_segs(int line, const struct coremap *m, const uint64_t (*want)[4], uint32_t n)
{
	int ok = m->n == n;
	for (uint32_t i = 0; ok && i < n; i++)
		ok = m->seg[i].range == want[i][0] && m->seg[i].off == want[i][1] &&
		     m->seg[i].filesz == want[i][2] && m->seg[i].memsz == want[i][3];
	check_count++;
	if (!ok) {
		check_failed++;
		fprintf(stderr, "%s:%d: segments differ; have %u:", __FILE__, line, m->n);
		for (uint32_t i = 0; i < m->n && i < 24; i++)
			fprintf(stderr, " r%u[%llx +%llx/%llx]", m->seg[i].range, (unsigned long long)m->seg[i].off,
				(unsigned long long)m->seg[i].filesz, (unsigned long long)m->seg[i].memsz);
		fprintf(stderr, "; want %u:", n);
		for (uint32_t i = 0; i < n; i++)
			fprintf(stderr, " r%llu[%llx +%llx/%llx]", (unsigned long long)want[i][0],
				(unsigned long long)want[i][1], (unsigned long long)want[i][2],
				(unsigned long long)want[i][3]);
		fputc('\n', stderr);
	}
}

static void scan(struct coremap *m, uint32_t cap, int elide)
{
	CHECK_EQ(coremap_init(m, segs, cap, P.nr_ranges, COREMAP_MIN_RUN), 0);
	coremap_scan(m, &P, elide, NULL, NULL, 0);
	check_map(__LINE__, m);
}

static uint64_t ticks[64];
static unsigned nticks;
static void tick(void *ctx, uint64_t scanned)
{
	(void)ctx;
	if (nticks < 64)
		ticks[nticks] = scanned;
	nticks++;
}

static void test_is_zero(void)
{
	uint8_t *b = image(2 * PG);
	CHECK(coremap_is_zero(b, 2 * PG));
	for (uint64_t k = 0; k < 2 * PG; k += 509) {
		b[k] = 1;
		CHECKF(!coremap_is_zero(b, 2 * PG), "byte %llu", (unsigned long long)k);
		CHECK(coremap_is_zero(b, k / 64 * 64)); /* the lines before it */
		b[k] = 0;
	}
	b[2 * PG - 1] = 0x80;
	CHECK(!coremap_is_zero(b, 2 * PG));
	CHECK(coremap_is_zero(b, PG));
	free(b);
}

/* One range, every case of a run: inside, too short, exactly the minimum,
 * at the end; and the file bytes are the data. */
static void test_runs(void)
{
	memset(&P, 0, sizeof(P));
	uint8_t *b = image(12 * MIB);
	data(b, 0, PG);                                  /* data [0, 4K) */
	                                                 /* zeros [4K, 3M): elided */
	data(b, 3 * MIB, 3 * MIB + 2 * PG);              /* data */
	                                                 /* zeros [3M+8K, 4M-4K): too short, written */
	data(b, 4 * MIB - PG, 4 * MIB);
	                                                 /* zeros [4M, 5M): exactly 1 MiB, elided */
	data(b, 5 * MIB, 5 * MIB + PG);
	                                                 /* zeros [5M+4K, 6M+4K-4K): 1 MiB - 4K, written */
	data(b, 6 * MIB, 7 * MIB);
	                                                 /* zeros [7M, 12M): elided at the end */
	add_range(0x100000, 0xffff888000100000ull, b, 12 * MIB);
	struct coremap m;
	scan(&m, COREMAP_MAX_SEGS, 1);
	CHECK_SEGS(&m, { 0, 0, PG, 3 * MIB },
		       { 0, 3 * MIB, MIB, 2 * MIB },
		       { 0, 5 * MIB, 2 * MIB, 7 * MIB });
	CHECK_EQ(coremap_file_bytes(&m), PG + MIB + 2 * MIB);
	CHECK_EQ(coremap_mem_bytes(&m), 12 * MIB);
	CHECK_EQ(m.min_run, COREMAP_MIN_RUN);
	CHECK_EQ(m.raised, 0);

	/* progress: after every piece, and once at the end with the total */
	nticks = 0;
	coremap_init(&m, segs, COREMAP_MAX_SEGS, P.nr_ranges, COREMAP_MIN_RUN);
	coremap_scan(&m, &P, 1, tick, NULL, 5 * MIB);
	CHECK_EQ(nticks, 3);
	CHECK_EQ(ticks[0], 5 * MIB);
	CHECK_EQ(ticks[1], 10 * MIB);
	CHECK_EQ(ticks[2], 12 * MIB);
	nticks = 0;
	coremap_init(&m, segs, COREMAP_MAX_SEGS, P.nr_ranges, COREMAP_MIN_RUN);
	coremap_scan(&m, &P, 1, tick, NULL, 6 * MIB);
	CHECK_EQ(nticks, 2); /* the last piece ends at the total: not twice */
	CHECK_EQ(ticks[1], 12 * MIB);

	/* zeros=keep: one segment per range, nothing scanned */
	scan(&m, COREMAP_MAX_SEGS, 0);
	CHECK_SEGS(&m, { 0, 0, 12 * MIB, 12 * MIB });
	free(b);
}

/* Ranges that start with a run, are all zeros, have no zeros; the kernel
 * image is kept whole; the first 640 KiB, read from a copy elsewhere (src
 * != paddr), is scanned at src. */
static void test_ranges(void)
{
	memset(&P, 0, sizeof(P));
	uint8_t *ktext = image(4 * MIB), *low = image(640 * KIB), *lead = image(4 * MIB), *none = image(2 * MIB),
		*full = image(3 * MIB);
	data(ktext, 0, PG); /* then 4 MiB - 4K of zeros: not elided in the kernel image */
	data(low, 0, PG);
	data(lead, 2 * MIB, 2 * MIB + PG); /* zeros [0, 2M) then [2M+4K, 4M) */
	data(full, 0, 3 * MIB);
	add_range(0x1000000, COREMAP_KERNEL_MAP + 0x1000000, ktext, 4 * MIB);
	add_range(0x0, 0xffff888000000000ull, low, 640 * KIB);
	add_range(0x100000, 0, lead, 4 * MIB);
	add_range(0x800000, 0, none, 2 * MIB);
	add_range(0x100000000ull, 0, full, 3 * MIB);
	struct coremap m;
	scan(&m, COREMAP_MAX_SEGS, 1);
	CHECK_SEGS(&m, { 0, 0, 4 * MIB, 4 * MIB },
		       { 1, 0, 640 * KIB, 640 * KIB },
		       { 2, 0, 0, 2 * MIB },
		       { 2, 2 * MIB, PG, 2 * MIB },
		       { 3, 0, 0, 2 * MIB },
		       { 4, 0, 3 * MIB, 3 * MIB });
	CHECK_EQ(coremap_scan_bytes(&P, 1), 640 * KIB + 4 * MIB + 2 * MIB + 3 * MIB);
	CHECK_EQ(coremap_scan_bytes(&P, 0), 0);

	/* cap = nr_ranges: no room for a split, so only the runs at the end of
	 * a range (which need no PT_LOAD of their own) are left out, with the
	 * first minimum, however far it was raised for the runs inside. */
	scan(&m, P.nr_ranges, 1);
	CHECK_SEGS(&m, { 0, 0, 4 * MIB, 4 * MIB },
		       { 1, 0, 640 * KIB, 640 * KIB },
		       { 2, 0, 2 * MIB + PG, 4 * MIB },
		       { 3, 0, 0, 2 * MIB },
		       { 4, 0, 3 * MIB, 3 * MIB });
	CHECK_EQ(m.min_run, 4 * MIB); /* the 2 MiB run at the start of range 2 did not fit */
	CHECK_EQ(m.raised, 2);
	CHECK_EQ(coremap_init(&m, segs, P.nr_ranges - 1, P.nr_ranges, COREMAP_MIN_RUN), -1);
	free(ktext), free(low), free(lead), free(none), free(full);
}

/* The reference: the same layout computed directly from the image with a
 * given minimum for runs inside a range (COREMAP_MIN_RUN for runs at the
 * end), no cap.  Returns the number of segments, fills want. */
static uint32_t reference(uint64_t min_run, struct cm_seg *want, uint32_t max)
{
	uint32_t n = 0;
	for (uint32_t r = 0; r < P.nr_ranges; r++) {
		const uint8_t *b = (const uint8_t *)(uintptr_t)P.ranges[r].src;
		uint64_t size = P.ranges[r].size, open = 0, k = 0;
		int whole = P.ranges[r].vaddr >= COREMAP_KERNEL_MAP;
		while (!whole && k < size) {
			if (!coremap_is_zero(b + k, PG)) {
				k += PG;
				continue;
			}
			uint64_t z = k;
			while (k < size && coremap_is_zero(b + k, PG))
				k += PG;
			if (k - z < (k == size ? COREMAP_MIN_RUN : min_run))
				continue;
			if (k == size) { /* at the end */
				if (n < max)
					want[n] = (struct cm_seg){ open, z - open, size - open, r, 0 };
				n++;
				open = size;
			} else {
				if (n < max)
					want[n] = (struct cm_seg){ open, z - open, k - open, r, 0 };
				n++;
				open = k;
			}
		}
		if (open < size) {
			if (n < max)
				want[n] = (struct cm_seg){ open, size - open, size - open, r, 0 };
			n++;
		}
	}
	return n;
}

static int same(const struct coremap *m, const struct cm_seg *want, uint32_t n)
{
	if (m->n != n)
		return 0;
	for (uint32_t i = 0; i < n; i++)
		if (m->seg[i].range != want[i].range || m->seg[i].off != want[i].off ||
		    m->seg[i].filesz != want[i].filesz || m->seg[i].memsz != want[i].memsz)
			return 0;
	return 1;
}

/* Many runs of many lengths, and caps that force the minimum up: the map
 * fits the cap, equals the reference for the final minimum, and the
 * minimum is no higher than needed (half of it would not have fitted). */
static void test_cap(void)
{
	memset(&P, 0, sizeof(P));
	static const uint64_t sizes[] = { 64 * MIB, 24 * MIB, 40 * MIB };
	uint8_t *b[3];
	uint64_t x = 0x2545f4914f6cdd1dull;
	for (int r = 0; r < 3; r++) {
		b[r] = image(sizes[r]);
		/* alternately data (4 KiB .. 256 KiB) and zeros (4 KiB .. 2.5 MiB),
		 * lengths from xorshift */
		int zero = r & 1;
		for (uint64_t a = 0; a < sizes[r]; zero = !zero) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			uint64_t len = ((x >> 11) % (zero ? 640 : 64) + 1) * PG;
			if (a + len > sizes[r])
				len = sizes[r] - a;
			if (!zero)
				data(b[r], a, a + len);
			a += len;
		}
		add_range((uint64_t)r << 32, 0xffff888000000000ull + ((uint64_t)r << 32), b[r], sizes[r]);
	}
	static struct cm_seg want[4096];
	uint32_t free_n = reference(COREMAP_MIN_RUN, want, 4096);
	CHECKF(free_n > 20, "%u segments without a cap: the image should have more runs", free_n);

	struct coremap m;
	scan(&m, COREMAP_MAX_SEGS, 1);
	CHECK(same(&m, want, free_n));
	CHECK_EQ(m.raised, 0);

	for (uint32_t cap = 3; cap < free_n + 2; cap++) {
		scan(&m, cap, 1);
		CHECKF(m.n <= cap, "cap %u: %u segments", cap, m.n);
		uint32_t n = reference(m.min_run, want, 4096);
		CHECKF(same(&m, want, n), "cap %u: not the reference layout for a minimum of %llu KiB", cap,
		       (unsigned long long)(m.min_run >> 10));
		CHECK_EQ(m.min_run >> m.raised, COREMAP_MIN_RUN);
		if (m.raised)
			CHECKF(reference(m.min_run / 2, want, 4096) > cap, "cap %u: minimum %llu KiB higher than needed",
			       cap, (unsigned long long)(m.min_run >> 10));
		else
			CHECK(free_n <= cap);
	}
	for (int r = 0; r < 3; r++)
		free(b[r]);
}

/* The block interface on its own: a split that no longer qualifies once
 * the minimum has been raised is not made. */
static void test_blocks(void)
{
	struct coremap m;
	/* two ranges, cap 3: one split allowed */
	CHECK_EQ(coremap_init(&m, segs, 3, 2, MIB), 0);
	coremap_begin(&m, 0, 8 * MIB);
	coremap_block(&m, MIB, 0);
	coremap_block(&m, MIB, 1);  /* run of 1 MiB */
	coremap_block(&m, MIB, 0);  /* split: 1 closed + the open one + range 1 = 3 */
	coremap_block(&m, 2 * MIB, 1);
	coremap_block(&m, MIB, 0);  /* run of 2 MiB, no room: minimum 2 MiB, the 1 MiB run is
				       written (its segment merges into the open one), then the split */
	coremap_block(&m, 2 * MIB, 0);
	coremap_end(&m);
	coremap_whole(&m, 1, MIB);
	CHECK_EQ(m.min_run, 2 * MIB);
	CHECK_EQ(m.raised, 1);
	CHECK_EQ(m.n, 3);
	CHECK_EQ(m.seg[0].off, 0);
	CHECK_EQ(m.seg[0].filesz, 3 * MIB);
	CHECK_EQ(m.seg[0].memsz, 5 * MIB);
	CHECK_EQ(m.seg[1].off, 5 * MIB);
	CHECK_EQ(m.seg[1].filesz, 3 * MIB);
	CHECK_EQ(m.seg[1].memsz, 3 * MIB);
	CHECK_EQ(m.seg[2].range, 1);
}

int main(void)
{
	test_is_zero();
	test_runs();
	test_ranges();
	test_cap();
	test_blocks();
	CHECK_DONE();
}
