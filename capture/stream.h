/* capture/stream.h - the dump as a byte stream into the target's data area.
 *
 * The writer feeds extents of physical memory to an encoder; the encoder
 * emits bytes to the sink at increasing offsets.  The raw encoder passes
 * extents straight through (the disk DMAs from the RAM being dumped); an
 * lz4 encoder will compress into buffers of its own and emit those.  The
 * sink turns offsets into target sectors and clips at the end of the target:
 * bytes past it are counted as lost, never written. */
#ifndef CAPTURE_STREAM_H
#define CAPTURE_STREAM_H
#include <stdint.h>

struct encoder {
	/* Consume len bytes at physical address phys.  CC_OK or CC_ERR_*. */
	int (*put)(struct encoder *e, uint64_t phys, uint64_t len);
	/* Emit whatever is buffered.  CC_OK or CC_ERR_*. */
	int (*finish)(struct encoder *e);
	uint64_t in_bytes;   /* consumed */
	uint64_t out_bytes;  /* emitted to the sink */
};

/* Sink: the data area is target bytes [data_offset, capacity). */
void sink_init(uint64_t data_offset, uint64_t window_bytes, uint32_t sector_size);
/* Emit len bytes from phys at data-area offset off.  CC_OK, or CC_ERR_* on
 * a device error; clipping at the end is not an error (see sink_clipped). */
int sink_emit(uint64_t off, uint64_t phys, uint64_t len);
/* Wait until data-area bytes [0, off) are known written (bytes past the end
 * of the target are never written, so not waited for): before a buffer
 * emitted from is filled again.  CC_OK or CC_ERR_* (blkq_wait_prefix). */
int sink_wait(uint64_t off, const char *what);
/* Bytes that did not fit. */
uint64_t sink_clipped(void);
uint64_t sink_capacity(void);

void encoder_raw_init(struct encoder *e);

#endif
