/* capture/blkq.h - the request queue between the dump writer and a disk
 * driver: splits transfers to the device's limit, keeps up to nslots in
 * flight, gives each a real-time deadline, retries a failed or timed-out
 * request a bounded number of times, and refuses any request outside the
 * target window [lba_start, lba_start + lba_count). */
#ifndef CAPTURE_BLKQ_H
#define CAPTURE_BLKQ_H
#include <stdint.h>
#include "drivers/blkdev.h"

#define BLKQ_TRIES          4      /* first attempt + 3 retries */
#define BLKQ_TIMEOUT_MS     15000  /* per request */
#define BLKQ_FLUSH_EVERY    (64ull << 20) /* bytes of writes between early flushes */
#define BLKQ_FLUSH_EVERY_FRAMED (16ull << 20) /* the same for the framed stream, tens of MB: its last flush is most of what is left at the end */

/* Sets the window in device sectors.  The window must lie on the device. */
int blkq_init(struct blkdev *d, uint64_t lba_start, uint64_t lba_count);
/* Queue a write of `bytes` from physical `phys` at window sector `lba`.
 * Returns CC_OK, or CC_ERR_* once a request has failed every try (then
 * nothing more is accepted). */
int blkq_write(uint64_t lba, uint64_t phys, uint64_t bytes);
/* Synchronous read into physical `phys` (our own buffer). */
int blkq_read(uint64_t lba, uint64_t phys, uint64_t bytes);
/* Wait for everything in flight; CC_OK or CC_ERR_*. */
int blkq_drain(void);
/* Drain, then a cache flush where the device has one. */
int blkq_flush(void);
/* Early flushes: where the device has a cache and more than one slot,
 * blkq_write starts a flush (without waiting for it) after every
 * BLKQ_FLUSH_EVERY bytes of writes, so that the cache is written out while
 * the dump goes on rather than all in blkq_flush.  No guarantee rests on
 * them.  The interval can be changed after blkq_init (the framed stream
 * uses BLKQ_FLUSH_EVERY_FRAMED; tests); the count is of those started
 * since blkq_init. */
void blkq_set_flush_every(uint64_t bytes);
unsigned blkq_early_flushes(void);
/* Bytes of writes known complete, counted from window sector 0 as one
 * contiguous prefix (what a header may claim as written). */
uint64_t blkq_done_prefix(void);
uint64_t blkq_window_bytes(void);
/* Wait until blkq_done_prefix() >= bytes, to reuse a buffer written from.
 * Bounded by the requests' own deadlines and retries (BLKQ_TIMEOUT_MS,
 * BLKQ_TRIES).  CC_OK; the failure's CC_ERR_* if a request failed first;
 * CC_ERR_PARAMS if those bytes were never queued.  On an error, one line
 * names `what` waited and for which bytes. */
int blkq_wait_prefix(uint64_t bytes, const char *what);
/* After a failure: wait until every request in flight has ended (done,
 * failed - no retries now - or timed out, which resets the device), then
 * accept requests again, to commit an "incomplete" header.
 * blkq_done_prefix() then counts every failure. */
void blkq_quiesce(void);

#endif
