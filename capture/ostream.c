/* capture/ostream.c - see ostream.h. */
#include "capture/ostream.h"
#include "capture/stream.h"
#include "boot/string.h"
#include "crashcap/status.h"

static uint8_t ring[OSTREAM_BUFS][OSTREAM_BUF_BYTES] __attribute__((aligned(4096)));
static uint64_t start;    /* data-area offset of stream byte 0 */
static uint64_t pos;      /* bytes appended */
static uint32_t ssize;
static int status = CC_ERR_PARAMS; /* until ostream_init */
static int finished;

int ostream_init(uint64_t start_off, uint32_t sector_size)
{
	if (!sector_size || OSTREAM_BUF_BYTES % sector_size || start_off % sector_size)
		return status = CC_ERR_PARAMS;
	start = start_off;
	pos = 0;
	ssize = sector_size;
	finished = 0;
	return status = CC_OK;
}

uint64_t ostream_bytes(void) { return pos; }

/* Stream buffer k (bytes [k * OSTREAM_BUF_BYTES, ...)) lives in ring slot
 * k % OSTREAM_BUFS; before that slot is filled again, stream buffer
 * k - OSTREAM_BUFS, its last use, must be written. */
static uint8_t *slot(uint64_t k) { return ring[k % OSTREAM_BUFS]; }

int ostream_put(const void *p, uint64_t len)
{
	const uint8_t *src = p;
	if (!status && finished)
		status = CC_ERR_PARAMS; /* nothing after the padded end */
	while (len && !status) {
		uint64_t k = pos / OSTREAM_BUF_BYTES;
		uint32_t fill = (uint32_t)(pos % OSTREAM_BUF_BYTES);
		if (!fill && k >= OSTREAM_BUFS) {
			status = sink_wait(start + (k - OSTREAM_BUFS + 1) * OSTREAM_BUF_BYTES, "output stream, to reuse a buffer");
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
