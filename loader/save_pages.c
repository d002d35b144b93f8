/* loader/save_pages.c - see save_pages.h.  The file:
 *
 *   Elf64_Ehdr, PT_NOTE, the PT_LOADs (loadsplit.h), the notes of the HEAD,
 *   zeros up to a page boundary, then the file part of every PT_LOAD.
 *
 * Kept pages are written at their place; excluded pages inside a file
 * part, and kept pages that are all zero, are holes.  The kernel image's
 * view of RAM (an alias in the HEAD: no chunks of its own) is the last
 * PT_LOAD(s), whole, its pages written a second time from the RAM range
 * that holds them. */
#include <errno.h>
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/elf.h"
#include "loader/pagepipe.h"
#include "loader/progress.h"
#include "loader/save_pages.h"
#include "loader/writeback.h"

#define MISSING_LINES 8 /* missing ranges named one by one, then a sum */

static int source_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	const struct pages_plan *p = ctx;
	return target_pread(p->t, buf, len, p->data_offset + off);
}

/* ---- the first pass: where the PT_LOADs go --------------------------------------- */

struct plan_walk {
	struct pages_plan *p;
	size_t marks_cap;
	struct progress prog;
	volatile sig_atomic_t *stop;
	const struct ps_visitor *also;
	int nomem, also_stopped;
};

/* A chunk record's fingerprint: 64-bit FNV-1a of its bytes. */
static uint64_t record_mark(const struct cc_rec_chunk *c)
{
	const unsigned char *b = (const unsigned char *)c;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < sizeof(*c); i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

int pages_same_record(const struct pages_plan *p, const struct cc_rec_chunk *c)
{
	return c->seq < p->chunks && p->marks[c->seq] == record_mark(c);
}

static int plan_chunk(void *ctx, const struct cc_rec_chunk *c, const unsigned char *pages)
{
	struct plan_walk *w = ctx;
	struct pages_plan *p = w->p;
	struct loadsplit *l = &w->p->ls;
	const struct ps_head *hd = &w->p->ps.head;

	if (*w->stop)
		return 1;
	if (c->seq == w->marks_cap) { /* the walk hands chunks on in sequence */
		size_t cap = w->marks_cap ? 2 * w->marks_cap : 1024;
		uint64_t *m = realloc(p->marks, cap * sizeof(*m));
		if (!m)
			goto nomem;
		p->marks = m;
		w->marks_cap = cap;
	}
	p->marks[c->seq] = record_mark(c);
	if (!l->open || l->range != c->range) {
		if (l->open && ls_end_range(l, hd->ranges[l->range].paddr + hd->ranges[l->range].size) < 0)
			goto nomem;
		ls_begin_range(l, c->range, hd->ranges[c->range].paddr, hd->ranges[c->range].vaddr);
	}
	for (unsigned i = 0; i < c->npages; i++)
		if ((c->kept[i >> 3] >> (i & 7)) & 1 && ls_kept(l, c->paddr + (uint64_t)i * CC_PAGE_BYTES) < 0)
			goto nomem;
	if (w->also && w->also->chunk(w->also->ctx, c, pages)) {
		w->also_stopped = 1;
		return 1;
	}
	progress_update(&w->prog, w->p->ps.pos);
	return 0;
nomem:
	w->nomem = 1;
	return 1;
}

/* An alias can be written when the ranges holding its pages are whole. */
static int alias_whole(const struct pagestream *ps, const struct ps_range *a)
{
	return ps->complete || a->within < ps->range;
}

/* Say which memory the HEAD describes that the file will not hold. */
static void report_missing(struct pages_plan *p, const char *dev)
{
	const struct pagestream *ps = &p->ps;
	unsigned lines = 0, more = 0;

	p->missing_bytes = 0;
	for (unsigned r = 0; r < ps->head.nranges; r++) {
		const struct ps_range *g = &ps->head.ranges[r];
		if (g->alias ? alias_whole(ps, g) : r < ps->range)
			continue;
		uint64_t from = g->paddr + (r == ps->range && !g->alias ? ps->range_done : 0);
		uint64_t end = g->paddr + g->size;
		if (from == end)
			continue;
		p->missing_bytes += end - from;
		if (lines++ < MISSING_LINES)
			warnx("%s: missing from the file: range %u, paddr 0x%llx-0x%llx (%llu bytes)%s", dev, r,
			      (unsigned long long)from, (unsigned long long)end, (unsigned long long)(end - from),
			      g->vaddr >= CC_KERNEL_MAP ? ", the kernel image" : "");
		else
			more++;
	}
	if (more)
		warnx("%s: missing from the file: %u more ranges", dev, more);
	warnx("%s: %llu bytes (%llu MiB) of memory are missing from the file", dev,
	      (unsigned long long)p->missing_bytes, (unsigned long long)(p->missing_bytes >> 20));
}

int pages_open(struct pages_plan *p, const struct target *t, const struct cc_dump_header *h)
{
	memset(p, 0, sizeof(*p));
	p->t = t;
	p->data_offset = h->data_offset;
	p->src = (struct ps_source){ .read = source_read, .ctx = p, .len = h->data_written };
	ls_init(&p->ls);
	posix_fadvise(t->fd, (off_t)h->data_offset, (off_t)h->data_written, POSIX_FADV_SEQUENTIAL);
	if (ps_open(&p->ps, &p->src) < 0) {
		warnx("%s: dump does not decode: %s", t->path, p->ps.error);
		return -1;
	}
	return 0;
}

int pages_plan(struct pages_plan *p, int force, const struct ps_visitor *also, volatile sig_atomic_t *stop)
{
	const struct target *t = p->t;
	struct plan_walk w = { .p = p, .stop = stop, .also = also };

	progress_start(&w.prog, "checking", p->src.len);
	p->ps.skim = !force;
	struct ps_visitor v = { .chunk = plan_chunk, .ctx = &w };
	int rc = ps_walk(&p->ps, &v, UINT64_MAX);
	progress_end(&w.prog, p->ps.pos);
	if (w.nomem) {
		warnx("out of memory for the PT_LOADs");
		return -1;
	}
	if (w.also_stopped)
		return -1;
	if (p->ps.stopped) {
		warnx("interrupted while checking the dump, at data byte %llu", (unsigned long long)p->ps.pos);
		return -1;
	}
	p->chunks = p->ps.chunks;
	if (rc < 0) {
		if (!force) {
			warnx("%s: dump does not decode: %s; --force saves the %llu chunks before it",
			      t->path, p->ps.error, (unsigned long long)p->chunks);
			return -1;
		}
		warnx("%s: dump does not decode: %s; saving the %llu complete chunks before it", t->path,
		      p->ps.error, (unsigned long long)p->chunks);
	}
	if (p->ls.open) { /* the last range, as far as it is known */
		const struct ps_range *g = &p->ps.head.ranges[p->ls.range];
		uint64_t end = p->ps.range == p->ls.range ? g->paddr + p->ps.range_done : g->paddr + g->size;
		if (ls_end_range(&p->ls, end) < 0) {
			warnx("out of memory for the PT_LOADs");
			return -1;
		}
	}
	p->incomplete = !p->ps.complete;
	if (p->incomplete)
		report_missing(p, t->path);
	ls_fit(&p->ls, 0xfffe - PS_ALIAS_MAX); /* e_phnum: 0xffff is PN_XNUM; one is the PT_NOTE */
	for (unsigned r = 0; r < p->ps.head.nranges; r++) {
		const struct ps_range *g = &p->ps.head.ranges[r];
		if (!g->alias || !alias_whole(&p->ps, g))
			continue;
		if (p->aliases == PS_ALIAS_MAX) {
			warnx("%s: more than %u kernel-image views in the HEAD", t->path, PS_ALIAS_MAX);
			return -1;
		}
		if (ls_add_whole(&p->ls, r, g->paddr, g->vaddr, g->size) < 0) {
			warnx("out of memory for the PT_LOADs");
			return -1;
		}
		p->aliases++;
	}
	if (p->ls.min_run != LS_MIN_RUN)
		warnx("%s: %zu PT_LOADs at most: excluded runs shorter than %llu pages are holes in the file",
		      t->path, p->ls.n, (unsigned long long)p->ls.min_run);
	uint64_t head = sizeof(Elf64_Ehdr) + (1 + p->ls.n) * sizeof(Elf64_Phdr) + p->ps.head.notes_len;
	p->head_len = (head + CC_PAGE_BYTES - 1) / CC_PAGE_BYTES * CC_PAGE_BYTES;
	p->file_len = ls_place(&p->ls, p->head_len);
	return 0;
}

uint64_t pages_need_elf(const struct pages_plan *p)
{
	uint64_t need = p->head_len + p->ps.kept * CC_PAGE_BYTES;
	for (size_t i = p->ls.n - p->aliases; i < p->ls.n; i++)
		need += p->ls.segs[i].filesz;
	return need;
}

void pages_short(const struct pages_plan *p, const struct pagestream *second)
{
	if (p->ps.skim && second->error[0]) /* the first reading of these frames */
		warnx("%s: dump does not decode: %s; --force saves the %llu chunks before it; nothing saved",
		      p->t->path, second->error, (unsigned long long)second->chunks);
	else if (second->error[0])
		warnx("%s: the second reading does not decode: %s", p->t->path, second->error);
	else
		warnx("%s: the second reading stopped at chunk %llu of %llu", p->t->path,
		      (unsigned long long)second->chunks, (unsigned long long)p->chunks);
}

void pages_plan_free(struct pages_plan *p)
{
	free(p->marks);
	p->marks = NULL;
	ps_close(&p->ps);
	ls_free(&p->ls);
}

/* ---- the second pass: the file ---------------------------------------------------- */

static int write_head(const struct pages_plan *p, int fd)
{
	const struct ps_head *hd = &p->ps.head;
	unsigned char *b = calloc(1, p->head_len);
	Elf64_Ehdr e = hd->ehdr;
	Elf64_Phdr ph;
	uint64_t at = sizeof(e);

	if (!b) {
		errno = ENOMEM;
		return -1;
	}
	e.e_phoff = sizeof(e);
	e.e_phentsize = sizeof(Elf64_Phdr);
	e.e_phnum = (uint16_t)(1 + p->ls.n);
	e.e_ehsize = sizeof(e);
	e.e_shoff = 0;
	e.e_shentsize = e.e_shnum = e.e_shstrndx = 0;
	e.e_flags = p->incomplete ? 1 : 0; /* as makedumpfile: 1 = incomplete */
	memcpy(b, &e, sizeof(e));

	memset(&ph, 0, sizeof(ph));
	ph.p_type = PT_NOTE;
	ph.p_offset = sizeof(e) + (1 + p->ls.n) * sizeof(Elf64_Phdr);
	ph.p_filesz = ph.p_memsz = hd->notes_len;
	memcpy(b + at, &ph, sizeof(ph));
	at += sizeof(ph);
	for (size_t i = 0; i < p->ls.n; i++, at += sizeof(ph)) {
		const struct ls_seg *s = &p->ls.segs[i];
		ph = (Elf64_Phdr){
			.p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X, .p_offset = s->offset,
			.p_vaddr = s->vaddr, .p_paddr = s->paddr, .p_filesz = s->filesz, .p_memsz = s->memsz,
		};
		memcpy(b + at, &ph, sizeof(ph));
	}
	memcpy(b + at, hd->notes, hd->notes_len);
	int rc = pwrite_all(fd, b, p->head_len, 0, NULL);
	free(b);
	return rc;
}

struct write_walk {
	struct pages_plan *p;
	const struct pagestream *ps; /* the second reading */
	int fd;
	struct progress prog;
	volatile sig_atomic_t *stop;
	const char *why;        /* set when a chunk could not be written */
	uint64_t why_paddr;
	uint64_t written;       /* page bytes written */
	struct writeback wb;
};

static int page_is_zero(const unsigned char *b)
{
	return b[0] == 0 && !memcmp(b, b + 1, CC_PAGE_BYTES - 1);
}

/* Write len bytes of pages at paddr (a run written at its RAM place) where
 * the kernel-image views hold them too. */
static int write_aliases(const struct write_walk *w, const unsigned char *b, uint64_t paddr, uint64_t len)
{
	const struct loadsplit *l = &w->p->ls;
	for (size_t i = l->n - w->p->aliases; i < l->n; i++) {
		const struct ls_seg *s = &l->segs[i];
		uint64_t from = paddr > s->paddr ? paddr : s->paddr;
		uint64_t to = paddr + len < s->paddr + s->memsz ? paddr + len : s->paddr + s->memsz;
		if (from < to && pwrite_all(w->fd, b + (from - paddr), to - from, s->offset + (from - s->paddr), NULL) < 0)
			return -1;
	}
	return 0;
}

/* Write the chunk's kept pages, runs that follow each other in the file
 * at a time, leaving all-zero pages as holes. */
static int write_chunk(void *ctx, const struct cc_rec_chunk *c, const unsigned char *pages)
{
	struct write_walk *w = ctx;
	const unsigned char *run = NULL;
	uint64_t run_off = 0, run_len = 0, run_paddr = 0;
	unsigned k = 0;

	if (*w->stop) {
		w->why = "interrupted";
		return 1;
	}
	if (!pages_same_record(w->p, c)) {
		w->why = "a chunk record is not the one the first reading had (the target changed between the readings)";
		w->why_paddr = c->paddr;
		return 1;
	}
	for (unsigned i = 0; i < c->npages; i++) {
		if (!((c->kept[i >> 3] >> (i & 7)) & 1))
			continue;
		const unsigned char *pg = pages + (uint64_t)k++ * CC_PAGE_BYTES;
		uint64_t paddr = c->paddr + (uint64_t)i * CC_PAGE_BYTES;
		uint64_t off = ls_file_offset(&w->p->ls, c->range, paddr);
		if (off == UINT64_MAX) {
			w->why = "a kept page has no place in the file (the stream changed between the passes)";
			w->why_paddr = paddr;
			return 1;
		}
		if (page_is_zero(pg))
			continue;
		/* one run: next in the file, in the decoded pages and in memory (a
		 * split PT_LOAD's next file part can follow in the file across a
		 * gap in memory, and the kernel-image view is placed by paddr) */
		if (run && off == run_off + run_len && pg == run + run_len && paddr == run_paddr + run_len) {
			run_len += CC_PAGE_BYTES;
			continue;
		}
		if (run && (pwrite_all(w->fd, run, run_len, run_off, NULL) < 0 || write_aliases(w, run, run_paddr, run_len) < 0))
			goto io;
		w->written += run_len;
		writeback_note(&w->wb, run_len);
		run = pg;
		run_off = off;
		run_paddr = paddr;
		run_len = CC_PAGE_BYTES;
	}
	if (run && (pwrite_all(w->fd, run, run_len, run_off, NULL) < 0 || write_aliases(w, run, run_paddr, run_len) < 0))
		goto io;
	w->written += run_len;
	writeback_note(&w->wb, run_len);
	progress_update(&w->prog, w->ps->pos);
	return 0;
io:
	w->why = strerror(errno);
	w->why_paddr = run_off;
	return 1;
}

int pages_write_elf(struct pages_plan *p, int fd, const char *name, volatile sig_atomic_t *stop)
{
	struct pagestream ps;
	struct write_walk w = { .p = p, .ps = &ps, .fd = fd, .stop = stop };

	writeback_init(&w.wb, fd);
	if (write_head(p, fd) < 0) {
		warn("%s: writing the ELF head", name);
		return -1;
	}
	if (ps_open(&ps, &p->src) < 0) {
		warnx("%s: the second reading does not decode: %s", p->t->path, ps.error);
		ps_close(&ps);
		return -1;
	}
	progress_start(&w.prog, "saving", p->src.len);
	struct ps_visitor v = { .chunk = write_chunk, .ctx = &w };
	pp_walk(&ps, &v, p->chunks, pp_decoders());
	progress_end(&w.prog, ps.pos);
	int rc = -1;
	if (w.why) {
		warnx("%s: %s (at 0x%llx)", name, w.why, (unsigned long long)w.why_paddr);
	} else if (ps.chunks != p->chunks) {
		pages_short(p, &ps);
	} else if (ftruncate(fd, (off_t)p->file_len) < 0) { /* trailing holes */
		warn("%s: setting length %llu", name, (unsigned long long)p->file_len);
	} else {
		rc = 0;
	}
	ps_close(&ps);
	return rc;
}
