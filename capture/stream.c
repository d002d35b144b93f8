/* capture/stream.c - see stream.h: the sink and the raw encoder. */
#include "capture/stream.h"
#include "capture/blkq.h"
#include "crashcap/status.h"

static uint64_t data_off, capacity, clipped;
static uint32_t ssize;

void sink_init(uint64_t data_offset, uint64_t window_bytes, uint32_t sector_size)
{
	data_off = data_offset;
	capacity = window_bytes > data_offset ? window_bytes - data_offset : 0;
	capacity -= capacity % sector_size;
	ssize = sector_size;
	clipped = 0;
}

uint64_t sink_clipped(void) { return clipped; }
uint64_t sink_capacity(void) { return capacity; }

int sink_emit(uint64_t off, uint64_t phys, uint64_t len)
{
	uint64_t n = off >= capacity ? 0 : (len < capacity - off ? len : capacity - off);
	clipped += len - n;
	if (!n)
		return CC_OK;
	/* Offsets and lengths are 4 KiB multiples except at the clip point. */
	n -= n % ssize;
	return blkq_write((data_off + off) / ssize, phys, n);
}

int sink_wait(uint64_t off, const char *what)
{
	return blkq_wait_prefix(data_off + (off < capacity ? off : capacity), what);
}

static int raw_put(struct encoder *e, uint64_t phys, uint64_t len)
{
	int st = sink_emit(e->out_bytes, phys, len);
	e->in_bytes += len;
	e->out_bytes += len;
	return st;
}

static int raw_finish(struct encoder *e)
{
	(void)e;
	return CC_OK;
}

void encoder_raw_init(struct encoder *e)
{
	*e = (struct encoder){ .put = raw_put, .finish = raw_finish };
}
