/* capture/ostream.h - the payload's byte stream into the target's data
 * area, for output that is made in the payload (LZ4 frames, records of
 * CC_ENC_PAGES) rather than DMAed from the dumped RAM.
 *
 * Bytes appended with ostream_put are copied into a ring of DMA buffers
 * that the caller lends (in .bss, which the payload
 * identity maps: a buffer's address is its physical address).  A full buffer is
 * written at its stream offset through the sink (capture/stream.h), and
 * filled again only once the sink says it is written (sink_wait, bounded by
 * the queue's deadlines).  ostream_finish writes the last partial buffer,
 * padded with zeros to the sector size; it does not wait or flush
 * (blkq_flush does).  Offsets are data-area offsets as the sink's: the
 * stream starts at `start` and byte i of it goes to start + i.  Bytes past
 * the end of the target are dropped by the sink and counted by
 * sink_clipped(), not reported as an error here.
 *
 * Use: sink_init(...); ostream_init(0, sector_size, ring, n, bytes); ostream_put(...)...;
 *      ostream_finish(); blkq_flush().
 * Each call returns CC_OK or a CC_ERR_* (crashcap/status.h); after an
 * error every call returns it again.  One stream in the whole program. */
#ifndef CAPTURE_OSTREAM_H
#define CAPTURE_OSTREAM_H
#include <stdint.h>

#define OSTREAM_BUF_BYTES (32u * 1024)  /* the smallest buffer, one disk write; a multiple of every sector size */
#define OSTREAM_MIN_BUFS  2             /* one filling while one is written */

/* start: data-area offset of the first byte, a multiple of sector_size.
 * CC_ERR_PARAMS if it is not, or if sector_size does not divide a buffer. */
/* ring: nbufs buffers of buf_bytes (a multiple of OSTREAM_BUF_BYTES), 4 KiB
 * aligned, the stream's until the next ostream_init.  CC_ERR_PARAMS also
 * for fewer than OSTREAM_MIN_BUFS buffers, another buffer size or a ring
 * not 4 KiB aligned. */
int ostream_init(uint64_t start, uint32_t sector_size, void *ring, uint32_t nbufs, uint32_t buf_bytes);
int ostream_put(const void *p, uint64_t len);
int ostream_finish(void);
/* Bytes appended so far: the exact stream length, without the padding. */
uint64_t ostream_bytes(void);
/* Microseconds spent waiting for the disk to give a buffer back. */
uint64_t ostream_waited_us(void);
/* The ring's buffer size (ostream_init's buf_bytes). */
uint32_t ostream_buf_bytes(void);

#endif
