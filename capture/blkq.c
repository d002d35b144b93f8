/* capture/blkq.c - see blkq.h. */
#include "capture/blkq.h"
#include "boot/console.h"
#include "capture/dumphdr.h"
#include "boot/timer.h"
#include "boot/x86.h"
#include "crashcap/status.h"

struct slot {
	int busy;
	struct blk_req req;
	unsigned tries;
	struct deadline due;
};

static struct blkdev *dev;
static uint64_t win_start, win_count;   /* device sectors */
static struct slot slots[BLK_MAX_SLOTS];
static uint64_t submitted_end;          /* window bytes: end of the highest write */
static int failed;                      /* CC_ERR_* once a request failed for good */
static uint64_t failed_at;              /* window byte offset of that request */
static int quiescing;                   /* blkq_quiesce: no retries, no new requests */
static uint64_t flush_every;            /* bytes of writes between early flushes; 0: none */
static uint64_t unflushed;              /* bytes of writes started since the last flush */
static unsigned early_flushes;          /* started since blkq_init */

int blkq_init(struct blkdev *d, uint64_t lba_start, uint64_t lba_count)
{
	dev = d;
	if (lba_count == 0 && lba_start < d->sectors)
		lba_count = d->sectors - lba_start;
	if (lba_start >= d->sectors || lba_count > d->sectors - lba_start) {
		cc_log("target sectors %lu+%lu do not lie on %s (%lu sectors)", lba_start, lba_count, d->name, d->sectors);
		return CC_ERR_PARAMS;
	}
	win_start = lba_start;
	win_count = lba_count;
	for (unsigned i = 0; i < BLK_MAX_SLOTS; i++)
		slots[i].busy = 0;
	submitted_end = 0;
	failed = 0;
	failed_at = UINT64_MAX;
	quiescing = 0;
	/* Early flushes only where one can run beside the writes: with a
	 * single slot it would stop them for its whole length. */
	flush_every = d->has_flush && d->nslots > 1 ? BLKQ_FLUSH_EVERY : 0;
	unflushed = 0;
	early_flushes = 0;
	return CC_OK;
}

void blkq_set_flush_every(uint64_t bytes)
{
	if (dev->has_flush && dev->nslots > 1)
		flush_every = bytes;
}

unsigned blkq_early_flushes(void) { return early_flushes; }


uint64_t blkq_window_bytes(void) { return win_count * dev->sector_size; }

static uint64_t win_offset(const struct blk_req *r) { return (r->lba - win_start) * dev->sector_size; }

uint64_t blkq_done_prefix(void)
{
	uint64_t p = failed_at < submitted_end ? failed_at : submitted_end;
	for (unsigned i = 0; i < dev->nslots; i++)
		if (slots[i].busy && slots[i].req.op == BLK_OP_WRITE && win_offset(&slots[i].req) < p)
			p = win_offset(&slots[i].req);
	return p;
}

static int start(unsigned s)
{
	struct slot *sl = &slots[s];
	sl->tries++;
	sl->due = deadline_ms(BLKQ_TIMEOUT_MS);
	if (dev->submit(dev, s, &sl->req)) {
		cc_log("%s refused a request (slot %u)", dev->name, s);
		return -1;
	}
	return 0;
}

static void give_up(struct slot *sl, int status)
{
	if (sl->req.op == BLK_OP_WRITE && win_offset(&sl->req) < failed_at)
		failed_at = win_offset(&sl->req);
	failed = status;
	sl->busy = 0;
}

static int any_busy(void)
{
	for (unsigned i = 0; i < dev->nslots; i++)
		if (slots[i].busy)
			return 1;
	return 0;
}

/* Wait until at least one slot finishes (or none is busy).  Retries failed
 * requests; after a timeout resets the device and restarts every request
 * that was in flight. */
static void wait_one(void)
{
	for (;;) {
		if (!any_busy())
			return;
		unsigned s;
		int ok;
		if (dev->reap(dev, &s, &ok) == 1) {
			struct slot *sl = &slots[s];
			if (!sl->busy)
				continue; /* stale completion after a reset */
			if (ok) {
				sl->busy = 0;
				return;
			}
			cc_log("%s: %s of sector %lu (%lu bytes) failed, try %u of %u", dev->name,
			       sl->req.op == BLK_OP_WRITE ? "write" : sl->req.op == BLK_OP_READ ? "read" : "flush",
			       sl->req.lba, sl->req.bytes, sl->tries, BLKQ_TRIES);
			/* Always, even before giving up: the device must take the
			 * "incomplete" header that follows a failure. */
			int reset_ok = dev->reset(dev, BLK_RESET_FAILED) == 0;
			if (quiescing || !reset_ok || sl->tries >= BLKQ_TRIES || start(s))
				give_up(sl, CC_ERR_IO);
			if (failed)
				return;
			continue;
		}
		for (unsigned i = 0; i < dev->nslots; i++) {
			struct slot *sl = &slots[i];
			if (!sl->busy || !deadline_passed(&sl->due))
				continue;
			cc_log("%s: timeout after %u ms waiting for request on sector %lu (%lu bytes) to complete, try %u of %u",
			       dev->name, BLKQ_TIMEOUT_MS, sl->req.lba, sl->req.bytes, sl->tries, BLKQ_TRIES);
			/* Reset first, always: a request left with the device could
			 * complete later into a slot we reuse (or keep the port busy). */
			int reset_ok = dev->reset(dev, BLK_RESET_TIMEOUT) == 0;
			if (quiescing || !reset_ok || sl->tries >= BLKQ_TRIES) {
				/* the reset forgot every request in flight: none is written */
				for (unsigned j = 0; j < dev->nslots; j++)
					if (slots[j].busy)
						give_up(&slots[j], CC_ERR_TIMEOUT);
				return;
			}
			/* The reset forgot every request: start them all again. */
			for (unsigned j = 0; j < dev->nslots; j++)
				if (slots[j].busy && start(j)) {
					give_up(&slots[j], CC_ERR_DEVICE);
					return;
				}
			break;
		}
		cpu_pause();
	}
}

static int free_slot(void)
{
	for (;;) {
		for (unsigned i = 0; i < dev->nslots; i++)
			if (!slots[i].busy)
				return (int)i;
		wait_one();
		if (failed)
			return -1;
	}
}

/* Start a flush in a free slot, without waiting for it. */
static void start_flush(void)
{
	int s = free_slot();
	if (s < 0)
		return;
	slots[s] = (struct slot){ .busy = 1, .req = { BLK_OP_FLUSH, 0, 0, 0 } };
	unflushed = 0;
	if (start((unsigned)s))
		give_up(&slots[s], CC_ERR_DEVICE);
}

/* After every flush_every bytes of writes: a flush while the writes go on,
 * unless one is still running (then at the next write).  It commits the
 * writes that ended before it, so the device's cache is written out while
 * the dump goes on, instead of all at once in blkq_flush; nothing relies on
 * it (blkq_flush still drains and flushes).  A failure counts as any
 * request's: retried, then the dump fails. */
static void early_flush(void)
{
	for (unsigned i = 0; i < dev->nslots; i++)
		if (slots[i].busy && slots[i].req.op == BLK_OP_FLUSH)
			return;
	early_flushes++;
	start_flush();
}

static int queue(uint32_t op, uint64_t lba, uint64_t phys, uint64_t bytes)
{
	uint64_t ss = dev->sector_size;
	if (bytes % ss || lba > win_count || bytes / ss > win_count - lba) {
		cc_log("refusing %lu bytes at target sector %lu: outside the target (%lu sectors)", bytes, lba, win_count);
		return CC_ERR_PARAMS;
	}
	while (bytes && !failed) {
		uint64_t n = bytes < dev->max_bytes ? bytes : dev->max_bytes;
		n -= n % ss;
		int s = free_slot();
		if (s < 0)
			break;
		slots[s] = (struct slot){ .busy = 1, .req = { op, win_start + lba, phys, n } };
		if (op == BLK_OP_WRITE && (lba * ss + n) > submitted_end)
			submitted_end = lba * ss + n;
		if (start((unsigned)s))
			give_up(&slots[s], CC_ERR_DEVICE);
		lba += n / ss;
		phys += n;
		bytes -= n;
		if (op == BLK_OP_WRITE && flush_every && (unflushed += n) >= flush_every)
			early_flush();
	}
	return failed;
}

int blkq_write(uint64_t lba, uint64_t phys, uint64_t bytes)
{
	return failed ? failed : queue(BLK_OP_WRITE, lba, phys, bytes);
}

int blkq_wait_prefix(uint64_t bytes, const char *what)
{
	while (blkq_done_prefix() < bytes && !failed && any_busy())
		wait_one(); /* each call ends a request or passes a deadline */
	uint64_t done = blkq_done_prefix();
	if (done >= bytes)
		return CC_OK;
	if (failed) {
		cc_log("%s: gave up waiting for target bytes below %lu to be written: %s (written: %lu)",
		       what, bytes, cc_status_name((uint32_t)failed), done);
		return failed;
	}
	cc_log("%s: waits for target bytes below %lu, but only %lu were ever queued", what, bytes, submitted_end);
	return CC_ERR_PARAMS;
}

int blkq_drain(void)
{
	while (any_busy() && !failed)
		wait_one();
	return failed;
}

void blkq_quiesce(void)
{
	quiescing = 1;
	while (any_busy())
		wait_one(); /* each request ends: done, failed, or timed out */
	quiescing = 0;
	failed = 0;
}

int blkq_read(uint64_t lba, uint64_t phys, uint64_t bytes)
{
	int st = queue(BLK_OP_READ, lba, phys, bytes);
	return st ? st : blkq_drain();
}

int blkq_flush(void)
{
	int st = blkq_drain();
	if (st || !dev->has_flush)
		return st;
	start_flush();
	return blkq_drain();
}
