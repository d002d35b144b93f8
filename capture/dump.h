/* capture/dump.h - one dump, from the target check to the committed
 * header.  Order (docs/dump-format.md):
 *   1. read the target's first 4 KiB; if the loader recorded a UUID, the
 *      header there must carry it, else nothing is written at all;
 *   2. header "in progress" (state 1), written and drained;
 *   3. the ELF core file at CC_DATA_OFFSET, clipped at the end of the target;
 *   4. drain, flush the device cache;
 *   5. header "complete" with the final size - or "incomplete" with the
 *      status and how many bytes are known written. */
#ifndef CAPTURE_DUMP_H
#define CAPTURE_DUMP_H
#include "crashcap/params.h"
#include "drivers/blkdev.h"

/* CC_OK or CC_ERR_*. */
int dump_run(const struct cc_params *p, struct blkdev *bd);

/* A note of the caller's, added to the head after the crashed kernel's
 * (hangcap.efi: "no registers" and the firmware's ranges).  The payload
 * adds none.  The memory must stay until dump_run returns. */
struct dump_note {
	const char *name;
	uint32_t type;
	const void *desc;
	uint32_t len;
};
/* Set the notes the next dump_run adds (at most DUMP_MAX_EXTRA_NOTES). */
#define DUMP_MAX_EXTRA_NOTES 4
void dump_set_extra_notes(const struct dump_note *notes, unsigned n);

/* A larger output ring for the framed stream than the payload's own
 * 3 x OSTREAM_BUF_BYTES (fewer, larger disk writes: each write costs the
 * same fixed time, most of all under a hypervisor): nbufs buffers of
 * buf_bytes at ring, which stay the dump's until dump_run returns. */
void dump_use_ring(void *ring, uint32_t nbufs, uint32_t buf_bytes);
/* The larger ring both images lend where they have the memory: 3 disk
 * writes of 128 KiB in place of 3 of 32 KiB.  Under TCG a write costs
 * about 100 us whatever its size (benchmark.md). */
#define DUMP_RING_BUFS  3
#define DUMP_RING_BYTES (128u * 1024)

#endif
