/* tests/fuzz/fuzz_pagestream.c - libFuzzer harness for the CC_ENC_PAGES
 * stream parser (loader/pagestream.c) and the PT_LOAD layout built from it
 * (loader/loadsplit.c), the code `crashcap save` runs on bytes the crashed
 * machine wrote.  The input is the data area; every chunk handed on must lie
 * where the HEAD says, and the layout must hold every kept page.
 *
 *   make fuzz            build build/fuzz/fuzz_pagestream (clang, ASan, UBSan)
 *   make fuzz-run        run it for FUZZ_SECONDS (60) from the seed corpus
 *                        tests/fuzz/corpus/pagestream (tests/fuzz/mkcorpus.sh)
 *   build/fuzz/replay_pagestream DIR   the same code without libFuzzer (gcc) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/loadsplit.h"
#include "loader/pagepipe.h"
#include "loader/pagestream.h"

struct mem { const uint8_t *p; size_t n; };

static int mem_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	const struct mem *m = ctx;
	if (off > m->n || len > m->n - off)
		abort(); /* the parser must never read past src.len */
	memcpy(buf, m->p + off, len);
	return 0;
}

struct walk { const struct pagestream *ps; struct loadsplit ls; };

static int on_chunk(void *ctx, const struct cc_rec_chunk *c, const unsigned char *pages)
{
	struct walk *w = ctx;
	if (c->range >= w->ps->head.nranges)
		abort();
	const struct ps_range *r = &w->ps->head.ranges[c->range];
	if (c->paddr < r->paddr ||
	    c->paddr + (uint64_t)c->npages * CC_PAGE_BYTES > r->paddr + r->size)
		abort(); /* a chunk outside its range got through */
	volatile unsigned char sink = 0;
	for (unsigned i = 0; i < c->nkept; i++)
		sink ^= pages[(size_t)i * CC_PAGE_BYTES + CC_PAGE_BYTES - 1]; /* every page readable */
	(void)sink;
	if (!w->ls.open || w->ls.range != c->range) {
		if (w->ls.open)
			ls_end_range(&w->ls, w->ps->head.ranges[w->ls.range].paddr + w->ps->head.ranges[w->ls.range].size);
		ls_begin_range(&w->ls, c->range, r->paddr, r->vaddr);
	}
	for (unsigned i = 0; i < c->npages; i++)
		if ((c->kept[i >> 3] >> (i & 7)) & 1)
			ls_kept(&w->ls, c->paddr + (uint64_t)i * CC_PAGE_BYTES);
	return 0;
}

/* What a decoding walk hands on, summed up: FNV-1a over every record and
 * its pages, in order. */
struct seen { uint64_t chunks, hash; };

static int on_seen(void *ctx, const struct cc_rec_chunk *c, const unsigned char *pages)
{
	struct seen *s = ctx;
	const unsigned char *b = (const unsigned char *)c;
	for (size_t i = 0; i < sizeof(*c); i++)
		s->hash = (s->hash ^ b[i]) * 0x100000001b3ull;
	for (size_t i = 0; i < (size_t)c->nkept * CC_PAGE_BYTES; i++)
		s->hash = (s->hash ^ pages[i]) * 0x100000001b3ull;
	s->chunks++;
	return 0;
}

/* ps_walk, or pp_walk with decoders threads: what it handed on, its
 * return and how the walk ended. */
struct outcome { struct seen seen; int opened, rc, complete, error; uint64_t chunks, pos, good_bytes, kept; };

static struct outcome walk_all(const struct ps_source *src, unsigned decoders)
{
	struct pagestream ps;
	struct outcome o;
	memset(&o, 0, sizeof(o)); /* padding too: outcomes are compared with memcmp */
	o.seen.hash = 0xcbf29ce484222325ull;
	o.opened = ps_open(&ps, src) == 0;
	if (o.opened) {
		struct ps_visitor v = { .chunk = on_seen, .ctx = &o.seen };
		o.rc = decoders ? pp_walk(&ps, &v, UINT64_MAX, decoders) : ps_walk(&ps, &v, UINT64_MAX);
		o.complete = ps.complete;
		o.error = ps.error[0] != 0;
		o.chunks = ps.chunks;
		o.pos = ps.pos;
		o.good_bytes = ps.good_bytes;
		o.kept = ps.kept;
	}
	ps_close(&ps);
	return o;
}

static int on_skimmed(void *ctx, const struct cc_rec_chunk *c, const unsigned char *pages)
{
	(void)ctx;
	(void)c;
	if (pages)
		abort(); /* a skimming walk decodes nothing */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem m = { data, size };
	struct ps_source src = { .read = mem_read, .ctx = &m, .len = size };
	struct pagestream ps;
	struct walk w = { .ps = &ps };

	ls_init(&w.ls);
	int opened = ps_open(&ps, &src) == 0;
	if (opened) {
		struct ps_visitor v = { .chunk = on_chunk, .ctx = &w };
		int rc = ps_walk(&ps, &v, UINT64_MAX);
		if (rc == 0 && (!ps.complete || ps.error[0]))
			abort();
		if (rc < 0 && !ps.error[0])
			abort(); /* a refusal without words */
		if (w.ls.open)
			ls_end_range(&w.ls, ps.head.ranges[w.ls.range].paddr +
				     (ps.range == w.ls.range ? ps.range_done : ps.head.ranges[w.ls.range].size));
		ls_fit(&w.ls, 8);
		ls_place(&w.ls, 4096);
	} else if (!ps.error[0]) {
		abort();
	}
	/* A skimming walk (save's first reading) refuses nothing the decoding
	 * walk takes: it hands on at least the chunks that decode, and reaches
	 * the END record whenever the decoding walk does. */
	uint64_t decoded = ps.chunks;
	int complete = ps.complete;
	ps_close(&ps);
	struct pagestream sk;
	if (ps_open(&sk, &src) == 0) {
		sk.skim = 1;
		struct ps_visitor v = { .chunk = on_skimmed, .ctx = NULL };
		int rc = ps_walk(&sk, &v, UINT64_MAX);
		if (sk.chunks < decoded || (complete && (rc < 0 || !sk.complete)))
			abort(); /* the skim refused what decodes */
		if (rc < 0 && !sk.error[0])
			abort();
	} else if (opened) {
		abort();
	}
	ps_close(&sk);
	ls_free(&w.ls);
	/* The walk on threads (save's second reading) hands on the same
	 * chunks with the same pages, and ends where and as ps_walk ends. */
	struct outcome one = walk_all(&src, 0), two = walk_all(&src, 2);
	if (memcmp(&one, &two, sizeof(one)))
		abort();
	return 0;
}
