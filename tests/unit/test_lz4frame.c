/* tests/unit/test_lz4frame.c - frames from capture/lz4frame.c, decoded by
 * Debian's liblz4 (LZ4F_decompress, every checksum checked) and by the lz4
 * command, must give back exactly what was put.
 *
 * Data: random, zeros, text, page-like (zero runs, pointers, small
 * structures).  Sizes: 0, 1, 4096, 65536, 65537, 4 MiB and the writer's
 * block size +-1.  Put in one piece, and in many pieces of odd sizes from
 * places scattered in memory.  Both modes (CC_COMPRESS_LZ4, _NONE).  Then
 * frames with skippable frames between them through `lz4 -d`; corrupted
 * bytes that liblz4 must report; misuse and sink errors; a source that
 * changes while it is read (lz4f_live_source).  Last, the same frames
 * again with two helper threads packing blocks through capture/packq.c,
 * as helper CPUs do in the payload: every frame must still decode to
 * exactly what was put, and the helpers must have packed some blocks. */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <lz4frame.h>
#include "capture/lz4frame.h"
#include "capture/packq.h"
#include "crashcap/dumpfmt.h"
#include "crashcap/params.h"
#include "crashcap/status.h"
#include "tests/unit/check.h"

static int through_helpers; /* test_helpers runs the matrix */

/* ---- the output sink: a growing buffer ---- */
struct outbuf {
	uint8_t *p;
	size_t len, cap;
	size_t fail_after; /* emit fails with CC_ERR_IO once len would pass this; 0 = never */
	unsigned calls;
};

static int emit_buf(void *ctx, const void *p, uint64_t len)
{
	struct outbuf *o = ctx;
	o->calls++;
	if (o->fail_after && o->len + len > o->fail_after)
		return CC_ERR_IO;
	if (o->len + len > o->cap) {
		o->cap = (o->len + len) * 2;
		o->p = realloc(o->p, o->cap);
	}
	memcpy(o->p + o->len, p, len);
	o->len += len;
	return CC_OK;
}

#include "tests/unit/testdata.h"

/* ---- the oracle: liblz4's frame decoder, all checksums on ---- */
/* Decode one frame from f (flen bytes) into out (cap bytes).  Returns the
 * decoded length, or -1 with liblz4's error name in *err. */
static long decode(const uint8_t *f, size_t flen, uint8_t *out, size_t cap, const char **err,
		   LZ4F_frameInfo_t *info)
{
	LZ4F_dctx *d;
	*err = "";
	if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION))) {
		*err = "no context";
		return -1;
	}
	size_t in_done = 0, out_done = 0, hint = 1;
	size_t isz = flen;
	size_t r = LZ4F_getFrameInfo(d, info, f, &isz);
	if (LZ4F_isError(r)) {
		*err = LZ4F_getErrorName(r);
		LZ4F_freeDecompressionContext(d);
		return -1;
	}
	in_done = isz;
	LZ4F_decompressOptions_t opt = { 0 }; /* skipChecksums = 0: check them */
	while (hint && in_done < flen) {
		size_t osz = cap - out_done, in = flen - in_done;
		hint = LZ4F_decompress(d, out + out_done, &osz, f + in_done, &in, &opt);
		if (LZ4F_isError(hint)) {
			*err = LZ4F_getErrorName(hint);
			LZ4F_freeDecompressionContext(d);
			return -1;
		}
		in_done += in;
		out_done += osz;
		if (!in && !osz)
			break;
	}
	LZ4F_freeDecompressionContext(d);
	if (hint) {
		*err = "frame incomplete";
		return -1;
	}
	if (in_done != flen) {
		*err = "bytes after the frame";
		return -1;
	}
	return (long)out_done;
}

/* Write one frame of src[0..n) with pieces of the given sizes (cycled; 0 =
 * one put), each piece copied first to its own place in `scatter` so the
 * writer never sees contiguous input. */
static void write_frame(struct lz4f *f, const uint8_t *src, size_t n, int mode, const size_t *pieces,
			uint8_t *scatter)
{
	CHECK_EQ(lz4f_begin(f, n, mode), CC_OK);
	if (!pieces) {
		CHECK_EQ(lz4f_put(f, src, n), CC_OK);
	} else {
		size_t off = 0, sc = 0;
		for (unsigned i = 0; off < n; i++) {
			size_t len = pieces[i % 4];
			if (len > n - off)
				len = n - off;
			uint8_t *at = scatter + (sc + 4096 * (i % 7)) % (2 * 4096); /* here, there, elsewhere */
			memcpy(at, src + off, len);
			if (lz4f_put(f, at, len) != CC_OK) {
				CHECKF(0, "put %zu at %zu failed: %s", len, off, f->why ? f->why : "");
				return;
			}
			memset(at, 0xee, len); /* the writer must have taken the bytes already */
			off += len;
			sc += 64;
		}
	}
	CHECK_EQ(lz4f_end(f), CC_OK);
}

static const size_t pieces_pages[4] = { 4096, 4096, 4096, 4096 };
static const size_t pieces_odd[4] = { 1, 4095, 7, 5000 };

static int test_roundtrip(enum kind k, size_t n, int mode, const size_t *pieces, uint8_t *scatter)
{
	uint8_t *src = malloc(n ? n : 1), *dec = malloc(n + 1);
	fill(src, n, k);
	struct outbuf o = { 0 };
	struct lz4f f;
	lz4f_init(&f, emit_buf, &o);
	write_frame(&f, src, n, mode, pieces, scatter);
	const char *how = pieces == pieces_odd ? "odd pieces" : pieces ? "4 KiB pieces" : "one put";
	const char *err;
	LZ4F_frameInfo_t info;
	long got = decode(o.p, o.len, dec, n + 1, &err, &info);
	CHECKF(got == (long)n, "%s %zu bytes %s mode %d: decoded %ld (%s)", kind_name[k], n, how, mode, got, err);
	CHECKF(got == (long)n && !memcmp(dec, src, n), "%s %zu bytes %s: content differs", kind_name[k], n, how);
	if (got >= 0) {
		CHECK_EQ(info.contentSize, n);
		CHECK_EQ(info.blockSizeID, LZ4F_max64KB);
		CHECK_EQ(info.blockMode, LZ4F_blockIndependent);
		CHECK_EQ(info.contentChecksumFlag, LZ4F_contentChecksumEnabled);
		CHECK_EQ(info.blockChecksumFlag, LZ4F_blockChecksumEnabled);
		CHECK_EQ(info.frameType, LZ4F_frame);
	}
	/* Exact sizes: blocks are LZ4F_BLOCK_BYTES but the last. */
	CHECK_EQ(f.blocks, (n + LZ4F_BLOCK_BYTES - 1) / LZ4F_BLOCK_BYTES);
	CHECK_EQ(f.frame_bytes, o.len);
	if (mode == CC_COMPRESS_NONE || k == RANDOM) {
		CHECKF(o.len == LZ4F_MAX_BYTES(n), "%s %zu mode %d: %zu bytes, not %zu", kind_name[k], n, mode, o.len,
		       (size_t)LZ4F_MAX_BYTES(n));
		CHECK_EQ(f.blocks_stored, f.blocks);
	} else if (n >= 4096 && !through_helpers) {
		/* every whole block shrinks; a short last one may not (with
		 * helpers, a block may be packed by a state that packed other
		 * blocks before: lz4.c's fast reset then finds a little less) */
		CHECKF(o.len < (k == PAGES ? n : n / 2), "%s %zu bytes compressed only to %zu", kind_name[k], n, o.len);
		CHECK(f.blocks_stored <= (n % LZ4F_BLOCK_BYTES ? 1u : 0u));
	}
	free(o.p);
	free(src);
	free(dec);
	return 0;
}

/* ---- corruption: liblz4 must say so ---- */
static void test_corruption(void)
{
	size_t n = 3 * LZ4F_BLOCK_BYTES / 2;
	uint8_t *src = malloc(n), *dec = malloc(n);
	for (int mode = CC_COMPRESS_NONE; mode <= CC_COMPRESS_LZ4; mode++) {
		fill(src, n, TEXT);
		struct outbuf o = { 0 };
		struct lz4f f;
		lz4f_init(&f, emit_buf, &o);
		write_frame(&f, src, n, mode, NULL, NULL);
		uint32_t b0 = o.p[15] | o.p[16] << 8 | o.p[17] << 16 | (uint32_t)o.p[18] << 24;
		size_t b0len = b0 & 0x7fffffff;
		struct { const char *what; size_t at; } cases[] = {
			{ "header check byte HC", 14 },
			{ "FLG", 4 },
			{ "data of block 0", 19 + b0len / 2 },
			{ "last byte of block 0", 19 + b0len - 1 },
			{ "checksum of block 0", 19 + b0len + 1 },
			{ "content checksum", o.len - 2 },
		};
		for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			const char *err;
			LZ4F_frameInfo_t info;
			o.p[cases[i].at] ^= 0x10;
			long got = decode(o.p, o.len, dec, n, &err, &info);
			CHECKF(got < 0, "mode %d: corrupt %s (byte %zu) not detected", mode, cases[i].what, cases[i].at);
			o.p[cases[i].at] ^= 0x10;
		}
		const char *err;
		LZ4F_frameInfo_t info;
		CHECKF(decode(o.p, o.len, dec, n, &err, &info) == (long)n, "mode %d: restored frame: %s", mode, err);
		free(o.p);
	}
	free(src);
	free(dec);
}

/* ---- misuse and sink errors ---- */
static void test_errors(void)
{
	uint8_t b[100] = { 0 };
	struct outbuf o = { 0 };
	struct lz4f f;
	lz4f_init(&f, emit_buf, &o);
	CHECK_EQ(lz4f_put(&f, b, 1), CC_ERR_PARAMS);        /* nothing begun */
	CHECK(f.why != NULL);
	CHECK_EQ(lz4f_begin(&f, 10, CC_COMPRESS_LZ4), CC_OK);
	CHECK_EQ(lz4f_put(&f, b, 11), CC_ERR_PARAMS);       /* past the content size */
	CHECK_EQ(lz4f_end(&f), CC_ERR_PARAMS);              /* sticky */
	CHECK_EQ(lz4f_begin(&f, 10, CC_COMPRESS_LZ4), CC_OK);
	CHECK_EQ(lz4f_put(&f, b, 9), CC_OK);
	CHECK_EQ(lz4f_end(&f), CC_ERR_PARAMS);              /* one byte short */
	CHECK_EQ(lz4f_begin(&f, 10, 7), CC_ERR_PARAMS);     /* unknown mode */
	CHECK_EQ(lz4f_begin(&f, 10, CC_COMPRESS_NONE), CC_OK);
	CHECK_EQ(lz4f_begin(&f, 10, CC_COMPRESS_NONE), CC_ERR_PARAMS); /* not ended */
	free(o.p);

	/* The sink fails in the middle: the error comes back, and stays. */
	uint8_t *big = calloc(1, 4 * LZ4F_BLOCK_BYTES);
	struct outbuf o2 = { .fail_after = 100 };
	lz4f_init(&f, emit_buf, &o2);
	CHECK_EQ(lz4f_begin(&f, 4 * LZ4F_BLOCK_BYTES, CC_COMPRESS_NONE), CC_OK);
	CHECK_EQ(lz4f_put(&f, big, 4 * LZ4F_BLOCK_BYTES), CC_ERR_IO);
	unsigned calls = o2.calls;
	CHECK_EQ(lz4f_end(&f), CC_ERR_IO);
	CHECK_EQ(o2.calls, calls); /* nothing more emitted after the error */
	free(o2.p);
	free(big);
}

/* ---- the lz4 command: frames with skippable frames between them ---- */
static void put_le32(struct outbuf *o, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	emit_buf(o, b, 4);
}

static void skippable(struct outbuf *o, size_t len)
{
	put_le32(o, CC_SKIP_MAGIC);
	put_le32(o, (uint32_t)len);
	for (size_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)next();
		emit_buf(o, &c, 1);
	}
}

static void test_lz4_command(void)
{
	char dir[] = "/tmp/test_lz4frame.XXXXXX";
	if (!mkdtemp(dir)) {
		CHECKF(0, "mkdtemp failed");
		return;
	}
	size_t sizes[] = { 70000, 0, 4096, 1 << 20 };
	struct outbuf o = { 0 }, want = { 0 };
	struct lz4f f;
	lz4f_init(&f, emit_buf, &o);
	for (unsigned i = 0; i < 4; i++) {
		uint8_t *src = malloc(sizes[i] + 1);
		fill(src, sizes[i], (enum kind)(3 - i));
		skippable(&o, 0xa0);
		write_frame(&f, src, sizes[i], i & 1 ? CC_COMPRESS_NONE : CC_COMPRESS_LZ4, NULL, NULL);
		emit_buf(&want, src, sizes[i]);
		free(src);
	}
	skippable(&o, 0x58);
	char in[64], outp[64], cmd[256];
	snprintf(in, sizeof(in), "%s/in.lz4", dir);
	snprintf(outp, sizeof(outp), "%s/out", dir);
	FILE *fp = fopen(in, "wb");
	CHECK(fp && fwrite(o.p, 1, o.len, fp) == o.len);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "lz4 -d -q -f %s %s", in, outp);
	int rc = system(cmd);
	CHECKF(rc == 0, "%s: exit %d", cmd, rc);
	fp = fopen(outp, "rb");
	uint8_t *got = malloc(want.len + 1);
	size_t glen = fp ? fread(got, 1, want.len + 1, fp) : 0;
	if (fp)
		fclose(fp);
	CHECKF(glen == want.len && !memcmp(got, want.p, want.len), "lz4 -d gave %zu bytes, want %zu", glen, want.len);

	/* and a corrupted block makes the command fail */
	o.p[8 + 0xa0 + 15 + 4 + 100] ^= 1;
	fp = fopen(in, "wb");
	CHECK(fp && fwrite(o.p, 1, o.len, fp) == o.len);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "lz4 -d -q -f %s %s 2>/dev/null", in, outp);
	CHECKF(system(cmd) != 0, "lz4 -d accepted a corrupted block");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	free(got);
	free(o.p);
	free(want.p);
}

/* ---- a source that changes while it is read ---- */
/* The sink scribbles on the source each time it takes bytes, as the
 * firmware changes RAM beside hangcap.efi.  A stored (random) block is
 * emitted from where it was read and its block checksum computed after:
 * read in place, the checksum no longer matches the bytes written; with
 * lz4f_live_source every frame must still decode, and give back what was
 * read (a mix of old and new bytes, whatever it is). */
struct scribble {
	struct outbuf o;
	uint8_t *src;
	size_t n;
};

static int emit_scribble(void *ctx, const void *p, uint64_t len)
{
	struct scribble *s = ctx;
	for (size_t i = 0; i < s->n; i += 509)
		s->src[i]++;
	return emit_buf(&s->o, p, len);
}

static void test_live_source(int live)
{
	size_t n = 2 * LZ4F_BLOCK_BYTES;
	struct scribble sc = { .src = malloc(n), .n = n };
	uint8_t *dec = malloc(n + 1);
	fill(sc.src, n, RANDOM);
	struct lz4f f;
	lz4f_init(&f, emit_scribble, &sc);
	if (live)
		lz4f_live_source(&f);
	CHECK_EQ(lz4f_begin(&f, n, CC_COMPRESS_LZ4), CC_OK);
	CHECK_EQ(lz4f_put(&f, sc.src, n), CC_OK);
	CHECK_EQ(lz4f_end(&f), CC_OK);
	const char *err;
	LZ4F_frameInfo_t info;
	long got = decode(sc.o.p, sc.o.len, dec, n + 1, &err, &info);
	if (live)
		CHECKF(got == (long)n, "live source: decoded %ld (%s), want %zu", got, err, n);
	else
		CHECKF(got < 0, "a source read in place that changed under the writer decoded (%ld): the test shows nothing",
		       got);
	free(sc.o.p);
	free(sc.src);
	free(dec);
}

static void *helper_thread(void *arg)
{
	packq_helper_run((unsigned)(uintptr_t)arg);
	return NULL;
}

/* A napping helper thread waits for its doorbell, and for nothing else:
 * a lost wake-up leaves it napping until packq_stop rings every bell. */
static void host_nap(const volatile uint32_t *doorbell)
{
	while (!*doorbell)
		sched_yield();
}

static void host_wake(unsigned ticket) { (void)ticket; }

/* The frames of main's matrix (LZ4 only), packed by two helper threads
 * and this one, emitted in order; the helpers spin when idle (no ops) or
 * nap until woken. */
static void test_helpers(const size_t *sizes, unsigned nsizes, uint8_t *scatter, const struct packq_ops *ops)
{
	enum { HELPERS = 2 };
	size_t bytes = 1u << 20;
	void *mem = aligned_alloc(4096, bytes);
	pthread_t t[HELPERS];
	CHECK(lz4f_use_helpers(mem, bytes, HELPERS));
	for (unsigned i = 0; i < HELPERS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, helper_thread, (void *)(uintptr_t)i), 0);
	packq_set_helpers(HELPERS, ops);
	through_helpers = 1;
	for (unsigned s = 0; s < nsizes; s++)
		for (int k = 0; k < NKINDS; k++) {
			test_roundtrip((enum kind)k, sizes[s], CC_COMPRESS_LZ4, NULL, scatter);
			test_roundtrip((enum kind)k, sizes[s], CC_COMPRESS_LZ4, pieces_pages, scatter);
		}
	CHECKF(packq_usable(), "the ring was given up: a helper thread held a block %u ms", PACKQ_WAIT_MS);
	packq_stop();
	for (unsigned i = 0; i < HELPERS; i++)
		pthread_join(t[i], NULL);
	uint64_t h0 = packq_packed_by(0), h1 = packq_packed_by(1), by_main = packq_packed_by(-1);
	printf("helpers %s: %lu and %lu blocks packed by 2 helper threads, %lu by the main thread\n",
	       ops ? "napping" : "spinning", (unsigned long)h0, (unsigned long)h1, (unsigned long)by_main);
	CHECKF(h0 > 0 && h1 > 0, "a helper thread packed no block (%lu, %lu; main %lu)", (unsigned long)h0,
	       (unsigned long)h1, (unsigned long)by_main);
	packq_set_helpers(0, NULL);
	through_helpers = 0;
	free(mem);
}

int main(void)
{
	uint8_t *scatter = malloc(3 * 4096 + 8192);
	const size_t sizes[] = { 0, 1, 4096, LZ4F_BLOCK_BYTES - 1, LZ4F_BLOCK_BYTES, LZ4F_BLOCK_BYTES + 1,
				 65536, 65537, 4u << 20 };
	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (int k = 0; k < NKINDS; k++)
			for (int mode = CC_COMPRESS_NONE; mode <= CC_COMPRESS_LZ4; mode++) {
				test_roundtrip((enum kind)k, sizes[s], mode, NULL, scatter);
				test_roundtrip((enum kind)k, sizes[s], mode, pieces_pages, scatter);
				if (sizes[s] < (1u << 20))
					test_roundtrip((enum kind)k, sizes[s], mode, pieces_odd, scatter);
			}
	test_corruption();
	test_errors();
	test_lz4_command();
	test_live_source(0);
	test_live_source(1);
	test_helpers(sizes, sizeof(sizes) / sizeof(sizes[0]), scatter, NULL);
	struct packq_ops ops = { host_nap, host_wake };
	test_helpers(sizes, sizeof(sizes) / sizeof(sizes[0]), scatter, &ops);
	free(scatter);
	CHECK_DONE();
}
