/* capture/coremap.c - see coremap.h. */
#include "capture/coremap.h"

#define NO_RUN UINT64_MAX
#define MIN_RUN_LIMIT (1ull << 62) /* min_run stops doubling here (no overflow) */

typedef uint64_t __attribute__((may_alias)) word_t;

int coremap_is_zero(const void *p, uint64_t len)
{
	const word_t *q = p, *end = q + len / 8;
	/* 64 bytes per test: few branches, and a page of data usually fails
	 * on its first line. */
	for (; q < end; q += 8)
		if (q[0] | q[1] | q[2] | q[3] | q[4] | q[5] | q[6] | q[7])
			return 0;
	return 1;
}

int coremap_init(struct coremap *m, struct cm_seg *buf, uint32_t cap, uint32_t nr_ranges, uint64_t min_run)
{
	*m = (struct coremap){ .seg = buf, .cap = cap, .nr_ranges = nr_ranges, .min_run = min_run,
			       .end_min_run = min_run, .cur = UINT32_MAX, .run_start = NO_RUN };
	return cap < nr_ranges ? -1 : 0;
}

static uint64_t tail(const struct cm_seg *s) { return s->memsz - s->filesz; }

static void close_seg(struct coremap *m, uint64_t filesz, uint64_t memsz)
{
	m->seg[m->n++] = (struct cm_seg){ .off = m->open_off, .filesz = filesz, .memsz = memsz, .range = m->cur };
	m->open_off += memsz;
}

/* min_run went up: write the zero runs inside ranges left out so far that
 * are now too short.  A segment whose run is too short merges with the
 * next segment of its range (its zeros become file bytes); the last closed
 * segment of the range being scanned merges into the open one.  A range's
 * last segment keeps its run (end_min_run does not change). */
static void compact(struct coremap *m)
{
	uint32_t out = 0;
	for (uint32_t i = 0; i < m->n; i++) {
		struct cm_seg s = m->seg[i];
		struct cm_seg *prev = out ? &m->seg[out - 1] : 0;
		/* prev is not its range's last segment: its run is inside */
		if (prev && prev->range == s.range && tail(prev) < m->min_run) {
			prev->filesz = prev->memsz + s.filesz;
			prev->memsz += s.memsz;
		} else {
			m->seg[out++] = s;
		}
	}
	m->n = out;
	if (out && m->seg[out - 1].range == m->cur && tail(&m->seg[out - 1]) < m->min_run) {
		m->open_off = m->seg[out - 1].off;
		m->n--;
	}
}

/* Segments the map will end with if nothing more is split: the closed
 * ones, the open one, one for each range not begun yet. */
static uint32_t committed(const struct coremap *m)
{
	return m->n + 1 + (m->nr_ranges - m->started);
}

/* Data resumes at m->pos after the zero run [run_start, pos). */
static void zero_run_ends(struct coremap *m)
{
	uint64_t run = m->pos - m->run_start;
	while (run >= m->min_run && committed(m) + 1 > m->cap && m->min_run < MIN_RUN_LIMIT) {
		m->min_run *= 2;
		m->raised++;
		compact(m);
	}
	if (run >= m->min_run && committed(m) + 1 <= m->cap)
		close_seg(m, m->run_start - m->open_off, m->pos - m->open_off);
}

void coremap_begin(struct coremap *m, uint32_t range, uint64_t size)
{
	m->cur = range;
	m->cur_size = size;
	m->open_off = 0;
	m->run_start = NO_RUN;
	m->pos = 0;
	m->started++;
}

void coremap_block(struct coremap *m, uint64_t len, int zero)
{
	if (zero) {
		if (m->run_start == NO_RUN)
			m->run_start = m->pos;
	} else if (m->run_start != NO_RUN) {
		zero_run_ends(m);
		m->run_start = NO_RUN;
	}
	m->pos += len;
}

void coremap_end(struct coremap *m)
{
	uint64_t memsz = m->cur_size - m->open_off, filesz = memsz;
	if (m->run_start != NO_RUN && m->cur_size - m->run_start >= m->end_min_run)
		filesz = m->run_start - m->open_off;
	close_seg(m, filesz, memsz);
	m->cur = UINT32_MAX; /* no range open */
}

void coremap_whole(struct coremap *m, uint32_t range, uint64_t size)
{
	coremap_begin(m, range, size);
	m->pos = size;
	coremap_end(m);
}

static int scanned_range(const struct cc_mem_range *r, int elide)
{
	return elide && r->vaddr < COREMAP_KERNEL_MAP;
}

uint64_t coremap_scan_bytes(const struct cc_params *p, int elide)
{
	uint64_t t = 0;
	for (uint32_t i = 0; i < p->nr_ranges; i++)
		if (scanned_range(&p->ranges[i], elide))
			t += p->ranges[i].size;
	return t;
}

void coremap_scan(struct coremap *m, const struct cc_params *p, int elide,
		  coremap_tick tick, void *ctx, uint64_t piece)
{
	uint64_t scanned = 0, next = piece, ticked = UINT64_MAX;
	for (uint32_t i = 0; i < p->nr_ranges; i++) {
		const struct cc_mem_range *r = &p->ranges[i];
		if (!scanned_range(r, elide)) {
			coremap_whole(m, i, r->size);
			continue;
		}
		coremap_begin(m, i, r->size);
		for (uint64_t off = 0; off < r->size;) {
			uint64_t len = r->size - off < COREMAP_BLOCK ? r->size - off : COREMAP_BLOCK;
			coremap_block(m, len, coremap_is_zero((const void *)(uintptr_t)(r->src + off), len));
			off += len;
			scanned += len;
			if (tick && scanned >= next) {
				tick(ctx, scanned);
				ticked = scanned;
				next = scanned + piece;
			}
		}
		coremap_end(m);
	}
	if (tick && ticked != scanned)
		tick(ctx, scanned);
}

uint64_t coremap_file_bytes(const struct coremap *m)
{
	uint64_t t = 0;
	for (uint32_t i = 0; i < m->n; i++)
		t += m->seg[i].filesz;
	return t;
}

uint64_t coremap_mem_bytes(const struct coremap *m)
{
	uint64_t t = 0;
	for (uint32_t i = 0; i < m->n; i++)
		t += m->seg[i].memsz;
	return t;
}
