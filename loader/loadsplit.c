/* loader/loadsplit.c - see loadsplit.h. */
#include <stdlib.h>
#include <string.h>

#include "crashcap/dumpfmt.h"
#include "loader/loadsplit.h"

void ls_init(struct loadsplit *l)
{
	memset(l, 0, sizeof(*l));
	l->min_run = LS_MIN_RUN;
}

void ls_free(struct loadsplit *l)
{
	free(l->segs);
	l->segs = NULL;
	l->n = l->cap = 0;
}

static int push(struct loadsplit *l, uint64_t start, uint64_t file_end, uint64_t mem_end)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct ls_seg *s = realloc(l->segs, cap * sizeof(*s));
		if (!s)
			return -1;
		l->segs = s;
		l->cap = cap;
	}
	l->segs[l->n++] = (struct ls_seg){
		.range = l->range,
		.paddr = start,
		.vaddr = l->rvaddr ? l->rvaddr + (start - l->rpaddr) : 0,
		.filesz = file_end - start,
		.memsz = mem_end - start,
	};
	return 0;
}

void ls_begin_range(struct loadsplit *l, unsigned range, uint64_t paddr, uint64_t vaddr)
{
	l->open = 1;
	l->range = range;
	l->rpaddr = paddr;
	l->rvaddr = vaddr;
	l->seg_start = l->kept_end = paddr;
}

int ls_kept(struct loadsplit *l, uint64_t paddr)
{
	if ((paddr - l->kept_end) / CC_PAGE_BYTES >= l->min_run) {
		/* a long excluded run: the tail of the PT_LOAD before it */
		if (push(l, l->seg_start, l->kept_end, paddr) < 0)
			return -1;
		l->seg_start = paddr;
	}
	l->kept_end = paddr + CC_PAGE_BYTES;
	return 0;
}

int ls_end_range(struct loadsplit *l, uint64_t end)
{
	l->open = 0;
	if (end == l->seg_start)
		return 0; /* nothing of the range is known (or it is empty) */
	uint64_t file_end = (end - l->kept_end) / CC_PAGE_BYTES >= l->min_run ? l->kept_end : end;
	return push(l, l->seg_start, file_end, end);
}

int ls_add_whole(struct loadsplit *l, unsigned range, uint64_t paddr, uint64_t vaddr, uint64_t size)
{
	ls_begin_range(l, range, paddr, vaddr);
	l->open = 0;
	return push(l, paddr, paddr + size, paddr + size);
}

void ls_fit(struct loadsplit *l, size_t max)
{
	while (l->n > max) {
		size_t out = 0;
		l->min_run *= 2;
		for (size_t i = 0; i < l->n; i++) {
			struct ls_seg *prev = out ? &l->segs[out - 1] : NULL, *s = &l->segs[i];
			if (prev && prev->range == s->range && prev->paddr + prev->memsz == s->paddr &&
			    (s->paddr - (prev->paddr + prev->filesz)) / CC_PAGE_BYTES < l->min_run) {
				prev->filesz = s->paddr + s->filesz - prev->paddr;
				prev->memsz += s->memsz;
				continue;
			}
			l->segs[out++] = *s;
		}
		l->n = out;
	}
}

uint64_t ls_place(struct loadsplit *l, uint64_t data_off)
{
	uint64_t off = data_off;
	for (size_t i = 0; i < l->n; i++) {
		l->segs[i].offset = off; /* also with no file part: offsets stay in order */
		off += l->segs[i].filesz;
	}
	l->cursor = 0;
	return off;
}

uint64_t ls_file_offset(struct loadsplit *l, unsigned range, uint64_t paddr)
{
	while (l->cursor < l->n) {
		const struct ls_seg *s = &l->segs[l->cursor];
		if (s->range > range || (s->range == range && paddr < s->paddr))
			return UINT64_MAX;
		if (s->range == range && paddr < s->paddr + s->memsz)
			return paddr - s->paddr < s->filesz ? s->offset + (paddr - s->paddr) : UINT64_MAX;
		l->cursor++;
	}
	return UINT64_MAX;
}
