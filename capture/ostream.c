/* capture/ostream.c - see ostream.h. */
#include "capture/ostream.h"
#include "capture/stream.h"
#include "boot/string.h"
#include "boot/timer.h"
#include "crashcap/status.h"

static uint8_t *ring;      /* nbufs buffers of OSTREAM_BUF_BYTES */
static uint32_t nbufs;
static uint64_t start;    /* data-area offset of stream byte 0 */
static uint64_t pos;      /* bytes appended */
static uint32_t ssize;
static int status = CC_ERR_PARAMS; /* until ostream_init */
static int finished;
static uint64_t waited_us; /* in sink_wait, for buffers to reuse */

int ostream_init(uint64_t start_off, uint32_t sector_size, void *ring_mem, uint32_t ring_bufs)
{
	if (!sector_size || OSTREAM_BUF_BYTES % sector_size || start_off % sector_size || !ring_mem ||
	    (uint64_t)ring_mem % 4096 || ring_bufs < OSTREAM_MIN_BUFS)
		return status = CC_ERR_PARAMS;
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

/* Stream buffer k (bytes [k * OSTREAM_BUF_BYTES, ...)) lives in ring slot
 * k % nbufs; before that slot is filled again, stream buffer k - nbufs,
 * its last use, must be written. */
static uint8_t *slot(uint64_t k) { return ring + k % nbufs * OSTREAM_BUF_BYTES; }

int ostream_put(const void *p, uint64_t len)
{
	const uint8_t *src = p;
	if (!status && finished)
		status = CC_ERR_PARAMS; /* nothing after the padded end */
	while (len && !status) {
		uint64_t k = pos / OSTREAM_BUF_BYTES;
		uint32_t fill = (uint32_t)(pos % OSTREAM_BUF_BYTES);
		if (!fill && k >= nbufs) {
			uint64_t t0 = timer_now_us();
			status = sink_wait(start + (k - nbufs + 1) * OSTREAM_BUF_BYTES, "output stream, to reuse a buffer");
			waited_us += timer_now_us() - t0;
			if (status)
				break;
		}
		uint32_t n = OSTREAM_BUF_BYTES - fill;
		if (n > len)
			n = (uint32_t)len;
		memcpy(slot(k) + fill, src, n);
		pos += n;
		src += n;
		len -= n;
		if (fill + n == OSTREAM_BUF_BYTES)
			status = sink_emit(start + k * OSTREAM_BUF_BYTES, (uint64_t)slot(k), OSTREAM_BUF_BYTES);
	}
	return status;
}

int ostream_finish(void)
{
	if (status || finished)
		return status;
	finished = 1;
	uint64_t k = pos / OSTREAM_BUF_BYTES;
	uint32_t fill = (uint32_t)(pos % OSTREAM_BUF_BYTES);
	if (!fill)
		return CC_OK;
	uint32_t padded = (fill + ssize - 1) / ssize * ssize;
	memset(slot(k) + fill, 0, padded - fill);
	return status = sink_emit(start + k * OSTREAM_BUF_BYTES, (uint64_t)slot(k), padded);
}
