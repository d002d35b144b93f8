/* capture/lz4frame.h - an LZ4 frame writer (LZ4 Frame Format Description
 * v1.6.4), for the page stream of CC_ENC_PAGES (crashcap/dumpfmt.h).
 *
 * Every frame has: version 01, independent blocks, a checksum after every
 * block, the content size in the header, the content checksum at the end,
 * and block maximum size 64 KB (BD = 4).  Its content is gathered from the
 * caller's pieces (pages anywhere in memory, lz4f_put as often as needed)
 * into one staging block of LZ4F_BLOCK_BYTES (each source byte is read
 * once, by that copy: the content checksum, the compressor and a stored
 * block all use the copy, so a source that changes meanwhile - hangcap.efi
 * reads RAM while the firmware runs - still gives a self-consistent
 * frame); a full block is compressed by
 * lz4's own lz4.c (Debian's source, built freestanding: docs/lz4.md) and
 * emitted; lz4f_end emits the last partial block, the EndMark and the
 * content checksum.  A block that compression does not shrink is stored
 * as it is (the high bit of its size); with CC_COMPRESS_NONE every block
 * is stored, so the stream is still LZ4 frames that `lz4 -d` reads.
 *
 * Bytes leave through emit(ctx, p, len), in order: in the payload to the
 * output stream (capture/ostream.h), in tests to a buffer.  The staging
 * block, the compressed-block scratch and lz4's hash table are static
 * (.bss): one frame at a time in the whole program.
 *
 * Use:  lz4f_init(&f, emit, ctx);
 *       lz4f_begin(&f, content_size, CC_COMPRESS_LZ4);
 *       lz4f_put(&f, page, 4096); ...      (content_size bytes in all)
 *       lz4f_end(&f);                      (then lz4f_begin for the next frame)
 * Each returns CC_OK or a CC_ERR_* (crashcap/status.h): the emit callback's
 * error, or CC_ERR_PARAMS for a misuse (more or fewer bytes than
 * content_size, an unknown compress value, a call out of order), with a
 * one-line reason in f->why.  After an error the frame is dead: every
 * further call returns the same error until lz4f_begin. */
#ifndef CAPTURE_LZ4FRAME_H
#define CAPTURE_LZ4FRAME_H
#include <stdint.h>
#include "capture/xxh32.h"
#include "crashcap/dumpfmt.h"

#define LZ4F_BLOCK_BYTES  CC_LZ4F_BLOCK_BYTES /* staged content per block; at most BD's 64 KB (32 KiB: the memory budget, docs/lz4.md) */
#define LZ4F_HEADER_BYTES 15            /* magic 4, FLG, BD, content size 8, HC */
#define LZ4F_TRAILER_BYTES 8            /* EndMark 4, content checksum 4 */
#define LZ4F_BLOCK_OVERHEAD 8           /* block size 4, block checksum 4 */
/* Most bytes a frame of n content bytes can take (every block stored). */
#define LZ4F_MAX_BYTES(n) CC_LZ4F_FRAME_MAX(n)

/* Output sink: write len bytes; CC_OK or a CC_ERR_* that ends the frame. */
typedef int (*lz4f_emit_fn)(void *ctx, const void *p, uint64_t len);

struct lz4f {
	lz4f_emit_fn emit;
	void *ctx;
	int live_source;          /* the source may change while it is read: lz4f_live_source */
	int compress;             /* CC_COMPRESS_* of this frame */
	int status;               /* CC_OK, or the first error (sticky) */
	int open;                 /* between lz4f_begin and lz4f_end */
	const char *why;          /* one line for the last misuse, else 0 */
	uint64_t content_size;    /* promised in the header */
	uint64_t content_put;     /* taken by lz4f_put so far */
	uint32_t staged;          /* bytes in the staging block */
	struct xxh32 content;     /* running content checksum */
	uint64_t frame_bytes;     /* emitted for this frame so far */
	uint64_t blocks_stored;   /* this frame's blocks stored uncompressed */
	uint64_t blocks;          /* this frame's blocks */
};

void lz4f_init(struct lz4f *f, lz4f_emit_fn emit, void *ctx);
/* The source may change while it is read (hangcap.efi: the firmware runs
 * beside the dump): every byte is then copied once into the staging block,
 * and the checksums and the compression all read that copy, so each frame
 * agrees with its own checksums.  Otherwise (the payload: the crashed
 * machine's memory is still) whole blocks are read in place, one copy less. */
void lz4f_live_source(struct lz4f *f);
/* Let helper CPUs pack the blocks of every frame whose source is not
 * live (capture/packq.h, docs/smp.md), with the ring and their lz4
 * states in [mem, mem + bytes), which stays theirs.  Each helper then
 * runs packq_helper_run(ticket), which returns after packq_stop; until
 * packq_set_helpers says how many started, nothing uses the ring.  1 if
 * the ring fits, else 0: the frames are packed on this CPU alone. */
int lz4f_use_helpers(void *mem, uint64_t bytes, unsigned helpers);
/* Emit the frame header.  compress: CC_COMPRESS_LZ4 or CC_COMPRESS_NONE. */
int lz4f_begin(struct lz4f *f, uint64_t content_size, int compress);
/* Take len bytes of content from src (any alignment, any length). */
int lz4f_put(struct lz4f *f, const void *src, uint64_t len);
/* Emit the last block, the EndMark and the content checksum. */
int lz4f_end(struct lz4f *f);

#endif
