/* loader/layout.c - see layout.h. */
#include "loader/layout.h"

#define GIB (1ull << 30)
#define MIN_SLACK (64 * 1024ull)
#define FIXED_SLACK_PAGES 16

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

uint64_t layout_slack(uint64_t ram_bytes)
{
	uint64_t gib = ram_bytes / GIB + (ram_bytes % GIB != 0);
	uint64_t bytes = (gib + FIXED_SLACK_PAGES) * LAYOUT_PAGE;
	return bytes < MIN_SLACK ? MIN_SLACK : bytes;
}

int layout_place(uint64_t region_start, uint64_t region_end, struct segment *segs,
		 unsigned n, uint64_t slack, uint64_t *need)
{
	const uint64_t limit = UINT64_MAX / 2; /* far above any physical address */
	uint64_t at = region_start;

	*need = 0;
	if (region_start > limit || region_end > limit || slack > limit)
		return LAYOUT_BAD;
	for (unsigned i = 0; i < n; i++) {
		struct segment *s = &segs[i];
		uint64_t a = s->align < LAYOUT_PAGE ? LAYOUT_PAGE : s->align;
		if (a & (a - 1))
			return LAYOUT_BAD;
		if (s->bufsz > s->memsz || s->memsz > limit || a > limit)
			return LAYOUT_BAD;
		s->memsz = align_up(s->memsz, LAYOUT_PAGE);
		s->mem = align_up(at, a);
		at = s->mem + s->memsz;
		if (at > limit)
			return LAYOUT_BAD;
	}
	*need = at + slack - region_start;
	if (region_end < region_start || *need > region_end - region_start)
		return LAYOUT_TOO_SMALL;
	return LAYOUT_OK;
}
