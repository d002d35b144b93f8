/* tests/tools/lz4_bench.c - how fast the payload's LZ4 compresses on this
 * host (a measurement, not a test): the payload's own objects (lz4.c built
 * freestanding, lz4frame.c, xxh32.c with FREE_CFLAGS), linked into a host
 * program, on page-like data (tests/unit/testdata.h).
 *
 *   build/lz4-bench [MiB]     default 256 MiB of input, each way 3 rounds
 *
 * Prints MB/s (10^6 bytes of input per second, the best of the rounds) of
 * lz4.c's block compressor alone and of the whole frame writer (checksums
 * too), and the output size.  The output goes to a counting sink. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "capture/lz4frame.h"
#include "crashcap/params.h"
#include "tests/unit/testdata.h"
#define LZ4_STATIC_LINKING_ONLY
#include "lz4.h"
/* cc_log and the deadlines of the frame writer's helper ring
 * (capture/packq.c): tests/unit/host_runtime.c.  The bench runs on one
 * CPU, so the ring is never used. */

static uint64_t out_total;
static int count(void *ctx, const void *p, uint64_t len)
{
	(void)ctx;
	(void)p;
	out_total += len;
	return 0;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], 0, 0) : 256;
	size_t n = mib << 20;
	uint8_t *src = malloc(n), *dst = malloc(LZ4F_BLOCK_BYTES);
	static LZ4_stream_t st;
	fill(src, n, PAGES);
	double best_blk = 1e9, best_frame = 1e9;
	uint64_t blk_out = 0;
	for (int r = 0; r < 3; r++) {
		LZ4_initStream(&st, sizeof(st));
		blk_out = 0;
		double t0 = now();
		for (size_t off = 0; off < n; off += LZ4F_BLOCK_BYTES) {
			int c = LZ4_compress_fast_extState_fastReset(&st, (const char *)src + off, (char *)dst,
								     LZ4F_BLOCK_BYTES, LZ4F_BLOCK_BYTES - 1, 1);
			blk_out += c > 0 ? (uint64_t)c : LZ4F_BLOCK_BYTES;
		}
		double t = now() - t0;
		if (t < best_blk)
			best_blk = t;

		struct lz4f f;
		lz4f_init(&f, count, NULL);
		out_total = 0;
		t0 = now();
		lz4f_begin(&f, n, CC_COMPRESS_LZ4);
		for (size_t off = 0; off < n; off += 4096)
			lz4f_put(&f, src + off, 4096); /* page by page, as the payload does */
		if (lz4f_end(&f))
			return fprintf(stderr, "lz4f: %s\n", f.why ? f.why : "error"), 1;
		t = now() - t0;
		if (t < best_frame)
			best_frame = t;
	}
	printf("page-like data, %zu MiB, blocks of %u KiB\n", mib, LZ4F_BLOCK_BYTES >> 10);
	printf("lz4.c block compressor (freestanding build): %.0f MB/s, %.1f%% of input\n", n / best_blk / 1e6,
	       100.0 * blk_out / n);
	printf("frame writer, 4 KiB puts (+ staging copy, XXH32 x2): %.0f MB/s, %lu bytes (%.1f%%)\n",
	       n / best_frame / 1e6, (unsigned long)out_total, 100.0 * out_total / n);
	return 0;
}
