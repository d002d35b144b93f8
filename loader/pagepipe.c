/* loader/pagepipe.c - see pagepipe.h.
 *
 * The slots form a ring: chunk i (counted from where the walk starts) goes
 * into slots[i % nslots].  A slot is FREE, then READ (the reader filled it),
 * then DECODING (a decoder took it), then DONE (decoded, or its error
 * noted), then FREE again once the calling thread has handed it on.  A
 * chunk that keeps no page has no frame: the reader makes its slot DONE
 * at once.  The counters say who is where:
 *   nread   chunks the reader has put in slots (nread <= nvisit + nslots)
 *   ndecode where decoders look for the next READ slot: the chunks from
 *           max(ndecode, nvisit) to nread - 1 are in their slots, READ or
 *           (no frame) DONE
 *   nvisit  the next chunk the calling thread hands on
 * One mutex guards them, the slots' states and `stop`.  Each kind of
 * thread waits on a condition variable of its own, and whoever changes
 * what it waits for signals it: `freed` (the reader, for its next slot),
 * `work` (the decoders, for a READ slot), `done` (the calling thread, for
 * its next slot).  Every waiter checks `stop` too, and stopping, or the
 * reader's end, broadcasts all three: a thread that ends, or fails, wakes
 * whoever waits for it. */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader/pagepipe.h"

enum slot_state { SLOT_FREE, SLOT_READ, SLOT_DECODING, SLOT_DONE };

struct pp_slot {
	enum slot_state state;
	uint64_t seq;                  /* which chunk of the walk (the ring's count) */
	struct cc_rec_chunk c;
	uint64_t frame_off, frame_len; /* the frame as the reader read it (frame_len 0: none) */
	unsigned char *frame;          /* frame_cap bytes (the reader's, swapped) */
	size_t frame_cap;
	unsigned char *pages;          /* pages_cap bytes: the frame decoded */
	size_t pages_cap;
	int bad;                       /* the frame did not decode; why: */
	char error[sizeof(((struct pagestream *)0)->error)];
	uint64_t error_offset;
	int cut_short;
};

struct pp_decoder {
	struct pagepipe *pp;
	struct pagestream d; /* a fork: its LZ4 decoder and its error */
	pthread_t thread;
};

struct pagepipe {
	pthread_mutex_t mu;
	pthread_cond_t freed, work, done;
	struct pp_slot *slots;
	unsigned nslots;
	uint64_t nread, ndecode, nvisit;
	int read_end;          /* the reader's walk has ended: rd says how, read_rc is its return */
	int read_rc;
	int stop;              /* the calling thread is done: every thread ends */
	struct pagestream rd;  /* the reader's walk: skimming, keeping the frames */
	uint64_t max_chunks;
	struct pp_decoder dec[PP_DECODERS_MAX];
	unsigned ndec;         /* decoder threads running */
	int locks;             /* mu and the condition variables are made */
	pthread_t reader;
};

unsigned pp_decoders(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	else
		n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > PP_DECODERS_MAX ? PP_DECODERS_MAX : (unsigned)n;
}

/* Wake every thread (stop, or the reader's end); with pp->mu held. */
static void wake_all(struct pagepipe *pp)
{
	pthread_cond_broadcast(&pp->freed);
	pthread_cond_broadcast(&pp->work);
	pthread_cond_broadcast(&pp->done);
}

/* ---- the reader -------------------------------------------------------------------- */

/* The reader's visitor: put the chunk and its frame into the next slot
 * once it is free (the frame buffers are swapped, not copied). */
static int put_chunk(void *ctx, const struct cc_rec_chunk *c, const unsigned char *pages)
{
	struct pagepipe *pp = ctx;
	struct pp_slot *s = &pp->slots[pp->nread % pp->nslots]; /* nread: only this thread changes it */

	(void)pages; /* NULL: the walk skims */
	pthread_mutex_lock(&pp->mu);
	while (s->state != SLOT_FREE && !pp->stop)
		pthread_cond_wait(&pp->freed, &pp->mu);
	int stop = pp->stop;
	pthread_mutex_unlock(&pp->mu);
	if (stop)
		return 1;
	/* a FREE slot is this thread's alone until it is READ */
	s->seq = pp->nread;
	s->c = *c;
	s->frame_off = pp->rd.frame_off;
	s->frame_len = pp->rd.frame_len;
	s->bad = 0;
	unsigned char *f = s->frame;
	size_t cap = s->frame_cap;
	s->frame = pp->rd.frame;
	s->frame_cap = pp->rd.frame_cap;
	pp->rd.frame = f;
	pp->rd.frame_cap = cap;
	pthread_mutex_lock(&pp->mu);
	pp->nread++;
	if (c->nkept) {
		s->state = SLOT_READ;
		pthread_cond_signal(&pp->work);
	} else { /* no frame: nothing to decode */
		s->state = SLOT_DONE;
		if (s->seq == pp->nvisit)
			pthread_cond_signal(&pp->done);
	}
	pthread_mutex_unlock(&pp->mu);
	return 0;
}

static void *read_all(void *arg)
{
	struct pagepipe *pp = arg;
	struct ps_visitor v = { .chunk = put_chunk, .ctx = pp };
	int rc = ps_walk(&pp->rd, &v, pp->max_chunks);

	pthread_mutex_lock(&pp->mu);
	pp->read_rc = rc;
	pp->read_end = 1;
	wake_all(pp);
	pthread_mutex_unlock(&pp->mu);
	return NULL;
}

/* ---- the decoders ------------------------------------------------------------------ */

/* The next READ slot, or NULL; with pp->mu held. */
static struct pp_slot *next_work(struct pagepipe *pp)
{
	if (pp->ndecode < pp->nvisit)
		pp->ndecode = pp->nvisit; /* handed on already: chunks without a frame */
	while (pp->ndecode < pp->nread && pp->slots[pp->ndecode % pp->nslots].state != SLOT_READ)
		pp->ndecode++; /* DONE: no frame */
	return pp->ndecode < pp->nread ? &pp->slots[pp->ndecode++ % pp->nslots] : NULL;
}

static void *decode_all(void *arg)
{
	struct pp_decoder *me = arg;
	struct pagepipe *pp = me->pp;
	struct pp_slot *s;

	pthread_mutex_lock(&pp->mu);
	for (;;) {
		while (!pp->stop && !(s = next_work(pp)) && !pp->read_end)
			pthread_cond_wait(&pp->work, &pp->mu);
		if (pp->stop || !s) /* stopped, or read to the end and all taken */
			break;
		s->state = SLOT_DECODING;
		pthread_mutex_unlock(&pp->mu);

		size_t need = (size_t)s->c.nkept * CC_PAGE_BYTES;
		int rc = 0;
		if (s->pages_cap < need) { /* slots grow to the chunks they get */
			size_t cap = ps_grow(s->pages_cap, need, PS_CHUNK_BYTES);
			free(s->pages);
			s->pages_cap = (s->pages = ps_buffer(cap)) ? cap : 0;
			if (!s->pages)
				rc = -2;
		}
		if (rc == 0)
			rc = ps_decode_kept(&me->d, &s->c, s->frame_off, s->frame, s->frame_len, s->pages);

		pthread_mutex_lock(&pp->mu);
		if (rc == -2) {
			s->bad = 1;
			snprintf(s->error, sizeof(s->error), "data byte %llu: chunk %llu LZ4 frame: out of memory to decode it",
				 (unsigned long long)s->frame_off, (unsigned long long)s->c.seq);
			s->error_offset = s->frame_off;
			s->cut_short = 0;
		} else if (rc < 0) {
			s->bad = 1;
			memcpy(s->error, me->d.error, sizeof(s->error));
			s->error_offset = me->d.error_offset;
			s->cut_short = me->d.cut_short;
		}
		s->state = SLOT_DONE;
		if (s->seq == pp->nvisit)
			pthread_cond_signal(&pp->done);
	}
	pthread_mutex_unlock(&pp->mu);
	return NULL;
}

/* ---- the calling thread ------------------------------------------------------------ */

/* After pp_new (and the threads joined, if any ran). */
static void pp_free(struct pagepipe *pp)
{
	if (pp->slots)
		for (unsigned i = 0; i < pp->nslots; i++) {
			free(pp->slots[i].frame);
			free(pp->slots[i].pages);
		}
	free(pp->slots);
	ps_close(&pp->rd);
	for (unsigned i = 0; i < PP_DECODERS_MAX; i++)
		ps_close(&pp->dec[i].d);
	if (pp->locks) {
		pthread_cond_destroy(&pp->freed);
		pthread_cond_destroy(&pp->work);
		pthread_cond_destroy(&pp->done);
		pthread_mutex_destroy(&pp->mu);
	}
	free(pp);
}

/* The slots and the forks, for `decoders` threads: the pipe, or NULL. */
static struct pagepipe *pp_new(const struct pagestream *ps, uint64_t max_chunks, unsigned decoders)
{
	struct pagepipe *pp = calloc(1, sizeof(*pp));
	if (!pp)
		return NULL;
	pp->max_chunks = max_chunks;
	pp->nslots = decoders + 2; /* one being read, one per decoder, one handed on */
	pp->slots = calloc(pp->nslots, sizeof(*pp->slots)); /* their buffers grow as they are used */
	int ok = pp->slots != NULL && ps_fork(&pp->rd, ps) == 0;
	pp->rd.skim = 1;
	pp->rd.keep_frames = 1;
	for (unsigned i = 0; ok && i < decoders; i++) {
		pp->dec[i].pp = pp;
		ok = ps_fork(&pp->dec[i].d, ps) == 0;
	}
	if (!ok) {
		pp_free(pp);
		return NULL;
	}
	return pp;
}

/* Start the reader and the decoders, signals blocked in them: 0, or -1
 * if not even the reader and one decoder could be started (then none runs). */
static int pp_start(struct pagepipe *pp, unsigned decoders)
{
	sigset_t all, old;
	int rc = -1;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&pp->reader, NULL, read_all, pp) == 0) {
		for (unsigned i = 0; i < decoders; i++) {
			if (pthread_create(&pp->dec[i].thread, NULL, decode_all, &pp->dec[i]) != 0)
				break;
			pp->ndec++;
		}
		if (pp->ndec) {
			rc = 0;
		} else {
			pthread_mutex_lock(&pp->mu);
			pp->stop = 1;
			wake_all(pp);
			pthread_mutex_unlock(&pp->mu);
			pthread_join(pp->reader, NULL);
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

static void take_error(struct pagestream *ps, const char *error, uint64_t offset, int cut_short)
{
	memcpy(ps->error, error, sizeof(ps->error));
	ps->error_offset = offset;
	ps->cut_short = cut_short;
}

int pp_walk(struct pagestream *ps, const struct ps_visitor *v, uint64_t max_chunks, unsigned decoders)
{
	if (decoders > PP_DECODERS_MAX)
		decoders = PP_DECODERS_MAX;
	if (!decoders || ps->skim)
		return ps_walk(ps, v, max_chunks);
	struct pagepipe *pp = pp_new(ps, max_chunks, decoders);
	if (!pp)
		return ps_walk(ps, v, max_chunks);
	pthread_mutex_init(&pp->mu, NULL); /* (Linux: they cannot fail with no attributes) */
	pthread_cond_init(&pp->freed, NULL);
	pthread_cond_init(&pp->work, NULL);
	pthread_cond_init(&pp->done, NULL);
	pp->locks = 1;
	if (pp_start(pp, decoders) < 0) {
		pp_free(pp);
		return ps_walk(ps, v, max_chunks);
	}

	int rc = -1;
	for (;;) {
		pthread_mutex_lock(&pp->mu);
		struct pp_slot *s = &pp->slots[pp->nvisit % pp->nslots];
		while (!(pp->nvisit < pp->nread && s->state == SLOT_DONE) && !(pp->read_end && pp->nvisit == pp->nread))
			pthread_cond_wait(&pp->done, &pp->mu);
		int ended = pp->nvisit == pp->nread; /* and the reader has ended */
		pthread_mutex_unlock(&pp->mu);
		if (ended) { /* every chunk handed on: the walk ends as the reader's ended */
			ps->pos = pp->rd.pos;
			ps->complete = pp->rd.complete;
			ps->end = pp->rd.end;
			take_error(ps, pp->rd.error, pp->rd.error_offset, pp->rd.cut_short);
			rc = pp->read_rc;
			break;
		}
		if (s->bad) {
			take_error(ps, s->error, s->error_offset, s->cut_short);
			break;
		}
		/* (a chunk that keeps no page may have no buffer yet; the visitor gets one, as from ps_walk) */
		if (v && v->chunk && v->chunk(v->ctx, &s->c, s->pages ? s->pages : (const unsigned char *)"")) {
			ps->stopped = 1;
			break;
		}
		ps_count_chunk(ps, &s->c, s->frame_off + s->frame_len);
		pthread_mutex_lock(&pp->mu);
		s->state = SLOT_FREE;
		pp->nvisit++;
		pthread_cond_signal(&pp->freed);
		pthread_mutex_unlock(&pp->mu);
	}

	pthread_mutex_lock(&pp->mu);
	pp->stop = 1;
	wake_all(pp);
	pthread_mutex_unlock(&pp->mu);
	pthread_join(pp->reader, NULL);
	for (unsigned i = 0; i < pp->ndec; i++)
		pthread_join(pp->dec[i].thread, NULL);
	pp_free(pp);
	return rc;
}
