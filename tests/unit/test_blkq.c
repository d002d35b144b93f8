/* tests/unit/test_blkq.c - capture/blkq.c and capture/stream.c (the sink)
 * over a simulated disk that implements drivers/blkdev.h.
 *
 * The simulation is the device and the clock: boot/timer.h's deadlines are
 * defined here on a clock in milliseconds that moves 1 ms per reap() call
 * (link-time swap: blkq.c is the payload's own file, unchanged).  A request
 * ends after a few reaps, in an order the case picks (out of order too),
 * and the case can make a request fail (task-file error) or never end
 * (then only blkq's deadline, BLKQ_TIMEOUT_MS, ends it: reset, restart).
 * Data is copied at completion, like DMA, so the "disk" holds exactly what
 * the device finished.
 *
 * Checked: the bytes on the disk; blkq_done_prefix() after every write
 * equals the model's completed prefix (what data_written may claim); the
 * tries, resets and console lines; the status; the clip at the end of the
 * target (a short write) and sink_clipped(). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "boot/timer.h"
#include "capture/blkq.h"
#include "capture/stream.h"
#include "crashcap/status.h"
#include "tests/unit/check.h"

/* ---- the clock (boot/timer.h) and the console (boot/console.h) ---------- */

static uint64_t now_us;

struct deadline deadline_us(uint64_t us) { return (struct deadline){ .end_tsc = now_us + us }; }
int deadline_passed(const struct deadline *d) { return now_us >= d->end_tsc; }

static char lines[64][200];
static unsigned nlines;

void cc_log(const char *fmt, ...);
void cc_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(lines[nlines % 64], sizeof(lines[0]), fmt, ap);
	va_end(ap);
	if (getenv("BLKQ_VERBOSE"))
		printf("  capture: %s\n", lines[nlines % 64]);
	nlines++;
}

static unsigned lines_with(const char *s)
{
	unsigned n = 0;
	for (unsigned i = 0; i < nlines && i < 64; i++)
		n += strstr(lines[i], s) != 0;
	return n;
}

/* ---- the simulated disk ------------------------------------------------- */

#define SS         512u
#define SECTORS    4096u                 /* 2 MiB */
#define MAX_BYTES  8192u                 /* blkq splits to this */
#define NEVER      0xffffffffu

static uint8_t disk[SECTORS * SS];

struct inflight {
	int busy;
	struct blk_req r;
	unsigned left;   /* reaps until it ends; NEVER: it does not */
	int fail;
};

static struct sim {
	struct inflight s[BLK_MAX_SLOTS];
	unsigned latency;         /* reaps a request takes */
	int reverse;              /* end the highest busy slot first */
	uint64_t fail_lba;        /* a write covering it fails ... */
	unsigned fail_times;      /* ... this many times (NEVER: always) */
	uint64_t stuck_lba;       /* a write covering it never ends ... */
	unsigned stuck_times;     /* ... this many times */
	int refuse;               /* submit refuses */
	unsigned flush_latency;   /* reaps a flush takes (0: latency) */
	unsigned fail_flushes;    /* this many flushes fail (NEVER: all) */
	char ops[256];            /* every request started, in order: 'W' per MAX_BYTES/2 written, 'F' a flush */
	unsigned nops;
	unsigned submits, resets_failed, resets_timeout;
	int reset_fails;          /* reset reports failure */
} sim;

static int covers(const struct blk_req *r, uint64_t lba)
{
	return r->op == BLK_OP_WRITE && lba >= r->lba && lba < r->lba + r->bytes / SS;
}

static int sim_submit(struct blkdev *d, unsigned s, const struct blk_req *r)
{
	(void)d;
	CHECKF(s < BLK_MAX_SLOTS && !sim.s[s].busy, "submit into slot %u, which is busy", s);
	CHECKF(r->bytes <= MAX_BYTES && r->bytes % SS == 0, "request of %lu bytes", (unsigned long)r->bytes);
	CHECKF(r->lba + r->bytes / SS <= SECTORS, "request past the disk: %lu+%lu", (unsigned long)r->lba,
	       (unsigned long)r->bytes);
	if (sim.refuse)
		return -1;
	sim.submits++;
	if (r->op == BLK_OP_FLUSH)
		for (unsigned i = 0; i < BLK_MAX_SLOTS; i++)
			CHECKF(!(sim.s[i].busy && sim.s[i].r.op == BLK_OP_FLUSH), "a flush started while slot %u flushes", i);
	for (uint64_t b = 0; r->op == BLK_OP_WRITE && b < r->bytes && sim.nops < sizeof(sim.ops) - 1; b += MAX_BYTES / 2)
		sim.ops[sim.nops++] = 'W';
	if (r->op == BLK_OP_FLUSH && sim.nops < sizeof(sim.ops) - 1)
		sim.ops[sim.nops++] = 'F';
	struct inflight *f = &sim.s[s];
	*f = (struct inflight){ .busy = 1, .r = *r, .left = sim.latency };
	if (r->op == BLK_OP_FLUSH && sim.flush_latency)
		f->left = sim.flush_latency;
	if (r->op == BLK_OP_FLUSH && sim.fail_flushes) {
		sim.fail_flushes -= sim.fail_flushes != NEVER;
		f->fail = 1;
	}
	if (covers(r, sim.stuck_lba) && sim.stuck_times) {
		sim.stuck_times -= sim.stuck_times != NEVER;
		f->left = NEVER;
	}
	if (covers(r, sim.fail_lba) && sim.fail_times) {
		sim.fail_times -= sim.fail_times != NEVER;
		f->fail = 1;
	}
	return 0;
}

static int sim_reap(struct blkdev *d, unsigned *slot, int *ok)
{
	now_us += 1000; /* the clock moves only while blkq polls */
	/* A queue that never gives up would spin here for ever: every case
	 * ends within its tries' deadlines, so far past them is a failure. */
	if (now_us > 2ull * BLKQ_TRIES * BLKQ_TIMEOUT_MS * 1000) {
		fprintf(stderr, "%s:%d: blkq still polling after %lu s of simulated time: it does not give up\n",
			__FILE__, __LINE__, (unsigned long)(now_us / 1000000));
		exit(1);
	}
	for (unsigned k = 0; k < d->nslots; k++) {
		unsigned i = sim.reverse ? d->nslots - 1 - k : k;
		struct inflight *f = &sim.s[i];
		if (!f->busy || f->left == NEVER)
			continue;
		if (f->left) {
			f->left--;
			continue;
		}
		f->busy = 0;
		*slot = i;
		*ok = !f->fail;
		if (*ok && f->r.op == BLK_OP_WRITE)
			memcpy(disk + f->r.lba * SS, (const void *)(uintptr_t)f->r.phys, f->r.bytes);
		if (*ok && f->r.op == BLK_OP_READ)
			memcpy((void *)(uintptr_t)f->r.phys, disk + f->r.lba * SS, f->r.bytes);
		return 1;
	}
	return 0;
}

static int sim_reset(struct blkdev *d, int why)
{
	(void)d;
	if (why == BLK_RESET_FAILED) {
		sim.resets_failed++;
	} else {
		CHECK_EQ(why, BLK_RESET_TIMEOUT);
		sim.resets_timeout++;
		for (unsigned i = 0; i < BLK_MAX_SLOTS; i++)
			sim.s[i].busy = 0; /* the device forgets everything */
	}
	return sim.reset_fails ? -1 : 0;
}

static struct blkdev dev;

/* A fresh disk and queue; the window is [start, start + count) sectors. */
static void setup(unsigned nslots, uint64_t start, uint64_t count)
{
	memset(disk, 0xee, sizeof(disk));
	memset(&sim, 0, sizeof(sim));
	sim.fail_lba = sim.stuck_lba = UINT64_MAX;
	sim.latency = 2;
	nlines = 0;
	now_us = 0;
	dev = (struct blkdev){ .name = "simdisk", .sectors = SECTORS, .sector_size = SS, .max_bytes = MAX_BYTES,
			       .nslots = nslots, .has_flush = 1, .submit = sim_submit, .reap = sim_reap, .reset = sim_reset };
	CHECK_EQ(blkq_init(&dev, start, count), CC_OK);
}

static uint8_t src[SECTORS * SS];

static void fill_src(void)
{
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 + (i >> 9));
}

/* Completed-prefix model: window bytes from 0 the device finished, as the
 * disk shows them (src differs from the 0xee fill everywhere we look). */
static uint64_t model_prefix(uint64_t start, uint64_t upto)
{
	uint64_t p = 0;
	while (p < upto && !memcmp(disk + start * SS + p, src + p, SS))
		p += SS;
	return p;
}

static int same(uint64_t start, uint64_t len) { return !memcmp(disk + start * SS, src, len); }

/* ---- cases --------------------------------------------------------------- */

/* 64 KiB in 4 KiB writes, four in flight, ending highest slot first: the
 * prefix never counts a write that ended before one below it. */
static void out_of_order(void)
{
	setup(4, 100, 1000);
	sim.reverse = 1;
	sim.latency = 3;
	uint64_t done = 0;
	int ahead = 0;
	for (uint64_t off = 0; off < 65536; off += 4096) {
		CHECK_EQ(blkq_write(off / SS, (uint64_t)(uintptr_t)(src + off), 4096), CC_OK);
		uint64_t model = model_prefix(100, off + 4096);
		CHECKF(blkq_done_prefix() == model, "after the write at %lu: prefix %lu, completed prefix %lu",
		       (unsigned long)off, (unsigned long)blkq_done_prefix(), (unsigned long)model);
		for (uint64_t b = model + SS; b < off + 4096; b += SS) /* a write ended above a gap */
			ahead |= !memcmp(disk + 100 * SS + b, src + b, SS);
		CHECK(blkq_done_prefix() >= done);
		done = blkq_done_prefix();
	}
	CHECKF(ahead, "no write ended out of order: the case tests nothing");
	CHECK_EQ(blkq_flush(), CC_OK);
	CHECK_EQ(blkq_done_prefix(), 65536);
	CHECK(same(100, 65536));
	CHECK_EQ(disk[99 * SS + SS - 1], 0xee);           /* before the window */
	CHECK_EQ(disk[100 * SS + 65536], 0xee);           /* after what was written */
	CHECK_EQ(sim.resets_failed + sim.resets_timeout, 0);
}

/* One write fails twice, then succeeds: two resets, retried in place. */
static void failed_then_ok(void)
{
	setup(4, 0, 0);
	sim.fail_lba = 40;
	sim.fail_times = 2;
	CHECK_EQ(blkq_write(0, (uint64_t)(uintptr_t)src, 65536), CC_OK);
	CHECK_EQ(blkq_flush(), CC_OK);
	CHECK(same(0, 65536));
	CHECK_EQ(blkq_done_prefix(), 65536);
	CHECK_EQ(sim.resets_failed, 2);
	CHECK_EQ(lines_with("failed, try 1 of 4"), 1);
	CHECK_EQ(lines_with("failed, try 2 of 4"), 1);
	CHECK_EQ(lines_with("failed, try 3 of 4"), 0);
}

/* One write always fails: four tries, a reset after each (the last too),
 * CC_ERR_IO, and the prefix exactly up to that write, though writes
 * above it ended; after quiesce the queue takes the header again. */
static void failed_for_good(void)
{
	setup(4, 0, 0);
	sim.fail_lba = 48; /* the write of bytes [24576, 32768) */
	sim.fail_times = NEVER;
	int st = CC_OK;
	for (uint64_t off = 0; off < 131072 && !st; off += MAX_BYTES)
		st = blkq_write(off / SS, (uint64_t)(uintptr_t)(src + off), MAX_BYTES);
	if (!st)
		st = blkq_drain();
	CHECK_EQ(st, CC_ERR_IO);
	CHECK_EQ(lines_with("failed, try 4 of 4"), 1);
	CHECK_EQ(lines_with("failed, try 5 of"), 0);
	CHECK_EQ(sim.resets_failed, BLKQ_TRIES);
	CHECK_EQ(blkq_write(512, (uint64_t)(uintptr_t)src, 4096), CC_ERR_IO); /* refused after a failure */
	blkq_quiesce();
	CHECK_EQ(blkq_done_prefix(), 24576);
	CHECK(same(0, 24576));
	CHECK(!same(0, 32768));
	/* the "incomplete" header, at window sector 0 */
	CHECK_EQ(blkq_write(0, (uint64_t)(uintptr_t)src, 4096), CC_OK);
	CHECK_EQ(blkq_flush(), CC_OK);
}

/* A write that never ends once: blkq's deadline passes, it resets the
 * device and starts every request again; the dump goes on. */
static void stuck_once(void)
{
	setup(4, 0, 0);
	sim.stuck_lba = 16;
	sim.stuck_times = 1;
	CHECK_EQ(blkq_write(0, (uint64_t)(uintptr_t)src, 65536), CC_OK);
	CHECK_EQ(blkq_flush(), CC_OK);
	CHECK(same(0, 65536));
	CHECK_EQ(sim.resets_timeout, 1);
	CHECK_EQ(lines_with("timeout after 15000 ms waiting for request on sector 16"), 1);
	CHECK(now_us >= BLKQ_TIMEOUT_MS * 1000ull);
	CHECK(now_us < 2 * BLKQ_TIMEOUT_MS * 1000ull);
}

/* A write that never ends at all: four deadlines, four resets, then
 * CC_ERR_TIMEOUT; the prefix stops exactly at that write. */
static void stuck_for_good(void)
{
	setup(4, 0, 0);
	sim.stuck_lba = 64; /* bytes [32768, 40960) */
	sim.stuck_times = NEVER;
	int st = CC_OK;
	for (uint64_t off = 0; off < 131072 && !st; off += MAX_BYTES)
		st = blkq_write(off / SS, (uint64_t)(uintptr_t)(src + off), MAX_BYTES);
	if (!st)
		st = blkq_drain();
	CHECK_EQ(st, CC_ERR_TIMEOUT);
	CHECK_EQ(sim.resets_timeout, BLKQ_TRIES);
	CHECK_EQ(lines_with("try 4 of 4"), 1);
	blkq_quiesce();
	CHECK_EQ(blkq_done_prefix(), 32768);
	CHECK(same(0, 32768));
	CHECK(now_us >= BLKQ_TRIES * BLKQ_TIMEOUT_MS * 1000ull);
}

/* A reset that fails ends the queue at once: no retry on a dead device. */
static void reset_fails(void)
{
	setup(1, 0, 0);
	sim.fail_lba = 0;
	sim.fail_times = NEVER;
	sim.reset_fails = 1;
	CHECK_EQ(blkq_write(0, (uint64_t)(uintptr_t)src, 4096), CC_OK);
	CHECK_EQ(blkq_drain(), CC_ERR_IO);
	CHECK_EQ(sim.submits, 1);
	CHECK_EQ(sim.resets_failed, 1);
}

/* The sink (capture/stream.c) clips at the end of the target: the last
 * write is short, the bytes past it are counted, none is written, and
 * the prefix is exactly the data area's end. */
static void short_write_at_the_end(void)
{
	uint64_t win = 100; /* sectors: 51,200 bytes */
	setup(4, 8, win);
	sink_init(4096, blkq_window_bytes(), SS);
	CHECK_EQ(sink_capacity(), win * SS - 4096);
	uint64_t off = 0;
	int st = CC_OK;
	while (!st && off < 65536) {
		st = sink_emit(off, (uint64_t)(uintptr_t)(src + 4096 + off), 8192);
		off += 8192;
	}
	CHECK_EQ(st, CC_OK);
	CHECK_EQ(sink_clipped(), 65536 - (win * SS - 4096));
	CHECK_EQ(sink_wait(65536, "test"), CC_OK);
	CHECK_EQ(blkq_flush(), CC_OK);
	CHECK_EQ(blkq_done_prefix(), win * SS);
	CHECK(!memcmp(disk + 8 * SS + 4096, src + 4096, win * SS - 4096));
	CHECK_EQ(disk[(8 + win) * SS], 0xee); /* nothing past the window */
	CHECK_EQ(disk[8 * SS], 0xee);         /* the header area: not written here */
	/* outside the window: refused, nothing submitted */
	unsigned before = sim.submits;
	CHECK_EQ(blkq_write(win, (uint64_t)(uintptr_t)src, SS), CC_ERR_PARAMS);
	CHECK_EQ(sim.submits, before);
}

/* The requests started (sim.ops): every flush but the last (blkq_flush's)
 * comes after at least `every` bytes of writes since the one before; the
 * number of those early flushes. */
static unsigned flushes_spaced(uint64_t every)
{
	unsigned early = 0, w = 0;
	CHECKF(sim.nops && sim.ops[sim.nops - 1] == 'F', "requests %s: blkq_flush's flush is not last", sim.ops);
	for (unsigned i = 0; i + 1 < sim.nops; i++) {
		if (sim.ops[i] == 'W') {
			w++;
			continue;
		}
		CHECKF(w * (MAX_BYTES / 2) >= every, "requests %s: a flush after %u bytes of writes", sim.ops, w * (MAX_BYTES / 2));
		early++;
		w = 0;
	}
	return early;
}

/* Early flushes (blkq.h): writes of 8 KiB, one flush started after every
 * 16 KiB of them while they go on, never two at once (sim_submit checks);
 * the data is whole. */
static void early_flushes(void)
{
	setup(4, 0, 0);
	blkq_set_flush_every(16384);
	for (uint64_t off = 0; off < 65536; off += 8192)
		CHECK_EQ(blkq_write(off / SS, (uint64_t)(uintptr_t)(src + off), 8192), CC_OK);
	CHECK_EQ(blkq_flush(), CC_OK);
	CHECK(same(0, 65536));
	unsigned fast = blkq_early_flushes();
	CHECK_EQ(flushes_spaced(16384), fast);
	CHECKF(fast >= 2, "requests %s: %u early flushes in 64 KiB", sim.ops, fast);

	/* A flush slower than the writes: the next one waits until it ends,
	 * then comes at the next write. */
	setup(4, 0, 0);
	blkq_set_flush_every(16384);
	sim.flush_latency = 9;
	for (uint64_t off = 0; off < 65536; off += 8192)
		CHECK_EQ(blkq_write(off / SS, (uint64_t)(uintptr_t)(src + off), 8192), CC_OK);
	CHECK_EQ(blkq_flush(), CC_OK);
	CHECK(same(0, 65536));
	CHECK_EQ(flushes_spaced(16384), blkq_early_flushes());
	CHECKF(blkq_early_flushes() >= 1 && blkq_early_flushes() < fast, "requests %s: %u early flushes, %u when fast",
	       sim.ops, blkq_early_flushes(), fast);

	/* One slot (AHCI): a flush would stop the writes; none before the end. */
	setup(1, 0, 0);
	blkq_set_flush_every(16384);
	for (uint64_t off = 0; off < 65536; off += 8192)
		CHECK_EQ(blkq_write(off / SS, (uint64_t)(uintptr_t)(src + off), 8192), CC_OK);
	CHECK_EQ(blkq_flush(), CC_OK);
	CHECK_EQ(blkq_early_flushes(), 0);
	CHECK_EQ(flushes_spaced(16384), 0);

	/* No cache: no flush at all. */
	setup(4, 0, 0);
	dev.has_flush = 0;
	CHECK_EQ(blkq_init(&dev, 0, 0), CC_OK);
	blkq_set_flush_every(16384);
	for (uint64_t off = 0; off < 65536; off += 8192)
		CHECK_EQ(blkq_write(off / SS, (uint64_t)(uintptr_t)(src + off), 8192), CC_OK);
	CHECK_EQ(blkq_flush(), CC_OK);
	CHECK(!strchr(sim.ops, 'F'));

	/* An early flush that always fails fails the dump, after its tries. */
	setup(4, 0, 0);
	blkq_set_flush_every(16384);
	sim.fail_flushes = NEVER;
	int st = CC_OK;
	for (uint64_t off = 0; off < 65536 && !st; off += 8192)
		st = blkq_write(off / SS, (uint64_t)(uintptr_t)(src + off), 8192);
	if (!st)
		st = blkq_drain();
	CHECK_EQ(st, CC_ERR_IO);
	CHECK_EQ(lines_with("flush of sector 0 (0 bytes) failed, try 4 of 4"), 1);
}

/* A refusal by the driver is a device error, not retried. */
static void refused(void)
{
	setup(2, 0, 0);
	sim.refuse = 1;
	CHECK_EQ(blkq_write(0, (uint64_t)(uintptr_t)src, 4096), CC_ERR_DEVICE);
	CHECK_EQ(lines_with("refused a request"), 1);
	CHECK_EQ(blkq_done_prefix(), 0);
}

int main(void)
{
	fill_src();
	out_of_order();
	failed_then_ok();
	failed_for_good();
	stuck_once();
	stuck_for_good();
	reset_fails();
	short_write_at_the_end();
	refused();
	early_flushes();
	CHECK_DONE();
}
