/* capture/ostream.c - see ostream.h. */
#include "capture/ostream.h"
#include "capture/stream.h"
#include "boot/string.h"
#include "boot/timer.h"
#include "crashcap/status.h"

static uint8_t *ring;      /* nbufs buffers of buf_bytes */
static uint32_t nbufs;
static uint64_t start;    /* data-area offset of stream byte 0 */
static uint64_t pos;      /* bytes appended */
static uint32_t ssize;
static int status = CC_ERR_PARAMS; /* until ostream_init */
static int finished;
static uint64_t waited_us; /* in sink_wait, for buffers to reuse */
static uint32_t buf_bytes; /* each buffer's */

int ostream_init(uint64_t start_off, uint32_t sector_size, void *ring_mem, uint32_t ring_bufs, uint32_t bytes)
{
	if (!sector_size || OSTREAM_BUF_BYTES % sector_size || start_off % sector_size || !ring_mem ||
	    (uint64_t)ring_mem % 4096 || ring_bufs < OSTREAM_MIN_BUFS || !bytes || bytes % OSTREAM_BUF_BYTES)
		return status = CC_ERR_PARAMS;
	buf_bytes = bytes;
	ring = ring_mem;
	nbufs = ring_bufs;
	start = start_off;
	pos = 0;
	ssize = sector_size;
	finished = 0;
	waited_us = 0;
	return status = CC_OK;
}

uint64_t ostream_bytes(void) { return pos; }
uint64_t ostream_waited_us(void) { return waited_us; }
uint32_t ostream_buf_bytes(void) { return buf_bytes; }

/* Stream buffer k (bytes [k * buf_bytes, ...)) lives in ring slot
 * k % nbufs; before that slot is filled again, stream buffer k - nbufs,
 * its last use, must be written. */
static uint8_t *slot(uint64_t k) { return ring + k % nbufs * buf_bytes; }

int ostream_put(const void *p, uint64_t len)
{
	const uint8_t *src = p;
	if (!status && finished)
		status = CC_ERR_PARAMS; /* nothing after the padded end */
	while (len && !status) {
		uint64_t k = pos / buf_bytes;
		uint32_t fill = (uint32_t)(pos % buf_bytes);
		if (!fill && k >= nbufs) {
			uint64_t t0 = timer_now_us();
			status = sink_wait(start + (k - nbufs + 1) * buf_bytes, "output stream, to reuse a buffer");
			waited_us += timer_now_us() - t0;
			if (status)
				break;
		}
		uint32_t n = buf_bytes - fill;
		if (n > len)
			n = (uint32_t)len;
		memcpy(slot(k) + fill, src, n);
		pos += n;
		src += n;
		len -= n;
		if (fill + n == buf_bytes)
			status = sink_emit(start + k * buf_bytes, (uint64_t)slot(k), buf_bytes);
	}
	return status;
}

int ostream_finish(void)
{
	if (status || finished)
		return status;
	finished = 1;
	uint64_t k = pos / buf_bytes;
	uint32_t fill = (uint32_t)(pos % buf_bytes);
	if (!fill)
		return CC_OK;
	uint32_t padded = (fill + ssize - 1) / ssize * ssize;
	memset(slot(k) + fill, 0, padded - fill);
	return status = sink_emit(start + k * buf_bytes, (uint64_t)slot(k), padded);
}
