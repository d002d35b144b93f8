/* tests/unit/test_ostream.c - capture/ostream.c over a sink that behaves
 * like DMA: a write's bytes are taken from the buffer only when
 * sink_wait() covers it (or at the end, like blkq_flush), so a buffer
 * filled again too early leaves wrong bytes on the "disk".  Checks the
 * bytes at every offset, the write sizes and offsets, the zero padding,
 * ostream_bytes(), and errors. */
#include <stdint.h>
#include <stdlib.h>
#include "capture/ostream.h"
#include "capture/stream.h"
#include "crashcap/status.h"
#include "tests/unit/check.h"

#define DISK_BYTES (1u << 20)
static uint8_t disk[DISK_BYTES];

/* The ring the stream is lent: 3 buffers, as capture/dump.c lends, of
 * OSTREAM_BUF_BYTES (the payload's own) or BIG_BUF (capture/main.c's in
 * low RAM). */
#define OSTREAM_BUFS 3
#define BIG_BUF (4 * OSTREAM_BUF_BYTES)
static uint8_t ring[OSTREAM_BUFS][BIG_BUF] __attribute__((aligned(4096)));

/* boot/timer.h: ostream times its waits; the test has no clock. */
uint64_t timer_now_us(void) { return 0; }
static struct { uint64_t off, phys, len; } pending[64];
static unsigned npending, nemits, bad_emits, bad_waits;
static uint64_t emitted_end;
static int wait_status = CC_OK;

static void complete(unsigned i)
{
	memcpy(disk + pending[i].off, (const void *)pending[i].phys, pending[i].len);
	pending[i] = pending[--npending];
}

int sink_emit(uint64_t off, uint64_t phys, uint64_t len)
{
	nemits++;
	if (off % 512 || len % 512 || off + len > DISK_BYTES || npending == 64) {
		bad_emits++;
		return CC_ERR_PARAMS;
	}
	pending[npending].off = off;
	pending[npending].phys = phys;
	pending[npending++].len = len;
	if (off + len > emitted_end)
		emitted_end = off + len;
	return CC_OK;
}

int sink_wait(uint64_t off, const char *what)
{
	(void)what;
	if (wait_status)
		return wait_status;
	if (off > emitted_end)
		bad_waits++; /* waiting for bytes never emitted: the real queue says CC_ERR_PARAMS */
	for (unsigned i = 0; i < npending;)
		if (pending[i].off + pending[i].len <= off)
			complete(i);
		else
			i++;
	return CC_OK;
}

static void drain(void)
{
	while (npending)
		complete(0);
}

static void reset(void)
{
	memset(disk, 0xaa, sizeof(disk));
	npending = nemits = bad_emits = bad_waits = 0;
	emitted_end = 0;
	wait_status = CC_OK;
}

static void one_stream(uint64_t start, uint32_t ssize, size_t total, size_t piece, uint32_t buf)
{
	static uint8_t src[DISK_BYTES];
	for (size_t i = 0; i < total; i++)
		src[i] = (uint8_t)(i * 131 + i / 4096 + 1);
	reset();
	CHECK_EQ(ostream_init(start, ssize, ring, OSTREAM_BUFS, buf), CC_OK);
	CHECK_EQ(ostream_buf_bytes(), buf);
	for (size_t off = 0; off < total; off += piece)
		CHECK_EQ(ostream_put(src + off, total - off < piece ? total - off : piece), CC_OK);
	CHECK_EQ(ostream_bytes(), total);
	CHECK_EQ(ostream_finish(), CC_OK);
	CHECK_EQ(ostream_bytes(), total);
	drain();
	size_t padded = (total + ssize - 1) / ssize * ssize;
	CHECKF(!memcmp(disk + start, src, total), "start %lu piece %zu total %zu: bytes differ", (unsigned long)start, piece, total);
	for (size_t i = total; i < padded; i++)
		CHECKF(disk[start + i] == 0, "padding byte %zu is %x", i, disk[start + i]);
	CHECK_EQ(disk[start + padded], 0xaa); /* nothing past the padding */
	if (start)
		CHECK_EQ(disk[start - 1], 0xaa);
	CHECK_EQ(emitted_end, total ? start + padded : 0);
	CHECK_EQ(nemits, (total + buf - 1) / buf);
	CHECK_EQ(bad_emits, 0);
	CHECK_EQ(bad_waits, 0);
}

int main(void)
{
	static const size_t pieces[] = { 1, 7, 4096, 5000, OSTREAM_BUF_BYTES, 3 * OSTREAM_BUF_BYTES + 1 };
	static const size_t totals[] = { 0, 1, 511, 512, OSTREAM_BUF_BYTES, OSTREAM_BUF_BYTES + 1,
					 OSTREAM_BUFS * OSTREAM_BUF_BYTES * 5 + 1000, 700000 };
	for (unsigned p = 0; p < sizeof(pieces) / sizeof(pieces[0]); p++)
		for (unsigned t = 0; t < sizeof(totals) / sizeof(totals[0]); t++) {
			one_stream(0, 512, totals[t], pieces[p], OSTREAM_BUF_BYTES);
			one_stream(8192, 4096, totals[t], pieces[p], OSTREAM_BUF_BYTES);
			one_stream(8192, 4096, totals[t], pieces[p], BIG_BUF);
		}

	/* bad setup */
	CHECK_EQ(ostream_init(100, 512, ring, OSTREAM_BUFS, OSTREAM_BUF_BYTES), CC_ERR_PARAMS);
	CHECK_EQ(ostream_init(0, 512, ring, OSTREAM_BUFS, OSTREAM_BUF_BYTES + 4096), CC_ERR_PARAMS); /* not whole 32 KiB */
	CHECK_EQ(ostream_init(0, 512, ring, OSTREAM_BUFS, 0), CC_ERR_PARAMS);
	CHECK_EQ(ostream_put("x", 1), CC_ERR_PARAMS);
	CHECK_EQ(ostream_init(0, 0, ring, OSTREAM_BUFS, OSTREAM_BUF_BYTES), CC_ERR_PARAMS);
	CHECK_EQ(ostream_init(0, 3000, ring, OSTREAM_BUFS, OSTREAM_BUF_BYTES), CC_ERR_PARAMS);
	CHECK_EQ(ostream_init(0, 512, ring, 1, OSTREAM_BUF_BYTES), CC_ERR_PARAMS);            /* one buffer: no overlap */
	CHECK_EQ(ostream_init(0, 512, ring[0] + 512, 2, OSTREAM_BUF_BYTES), CC_ERR_PARAMS);  /* not 4 KiB aligned */

	/* nothing after finish */
	reset();
	CHECK_EQ(ostream_init(0, 512, ring, OSTREAM_BUFS, OSTREAM_BUF_BYTES), CC_OK);
	CHECK_EQ(ostream_put("abc", 3), CC_OK);
	CHECK_EQ(ostream_finish(), CC_OK);
	CHECK_EQ(ostream_put("d", 1), CC_ERR_PARAMS);

	/* a failed wait stops the stream, and it stays stopped */
	static uint8_t big[OSTREAM_BUFS * OSTREAM_BUF_BYTES * 2];
	reset();
	CHECK_EQ(ostream_init(0, 512, ring, OSTREAM_BUFS, OSTREAM_BUF_BYTES), CC_OK);
	wait_status = CC_ERR_TIMEOUT;
	CHECK_EQ(ostream_put(big, sizeof(big)), CC_ERR_TIMEOUT);
	CHECK_EQ(nemits, OSTREAM_BUFS); /* the ring filled once, then no reuse */
	CHECK_EQ(ostream_put(big, 1), CC_ERR_TIMEOUT);
	CHECK_EQ(ostream_finish(), CC_ERR_TIMEOUT);
	CHECK_DONE();
}
