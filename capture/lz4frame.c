/* capture/lz4frame.c - see lz4frame.h.  Field names are the LZ4 frame
 * format's (doc/lz4_Frame_format.md in lz4's source, v1.6.4). */
#include "capture/lz4frame.h"
#include "capture/packq.h"
#include "boot/string.h"
#include "crashcap/dumpfmt.h"
#include "crashcap/params.h"
#include "crashcap/status.h"
#define LZ4_STATIC_LINKING_ONLY /* LZ4_compress_fast_extState_fastReset */
#include "lz4.h"

/* FLG byte */
#define FLG_VERSION_01   (1u << 6)  /* bits 7-6: version 01 */
#define FLG_B_INDEP      (1u << 5)  /* blocks do not refer to earlier blocks */
#define FLG_B_CHECKSUM   (1u << 4)  /* XXH32 of each block's data after it */
#define FLG_C_SIZE       (1u << 3)  /* content size in the header */
#define FLG_C_CHECKSUM   (1u << 2)  /* XXH32 of the content after the EndMark */
/* BD byte: bits 6-4 block maximum size; 4 = 64 KB */
#define BD_BLOCK_MAX_64KB (4u << 4)
/* Block size word: the high bit says "stored uncompressed". */
#define BLOCK_UNCOMPRESSED 0x80000000u
#define ENDMARK          0u
/* lz4.c's acceleration (lz4.md, "Speed"): 8 for whole blocks, about 20%
 * faster frames than 1 under TCG for 4.6% more bytes; 1 for a short last
 * block (often one kept page), which 8 would leave stored. */
#define LZ4_ACCELERATION       8
#define LZ4_ACCELERATION_SHORT 1

_Static_assert(LZ4F_BLOCK_BYTES <= CC_LZ4F_BLOCK_MAX, "a block may not exceed BD's 64 KB");
_Static_assert(LZ4F_BLOCK_BYTES < LZ4_MAX_INPUT_SIZE, "lz4.c takes int sizes");
_Static_assert(_Alignof(LZ4_stream_t) >= 8, "lz4's state wants 8-byte alignment");

/* One writer at a time: the staging block, the compressed block (kept only
 * when shorter than the staged one, so LZ4F_BLOCK_BYTES bounds it) and
 * lz4's hash table. */
static uint8_t staging[LZ4F_BLOCK_BYTES];
static uint8_t packed[LZ4F_BLOCK_BYTES];
static LZ4_stream_t lz4_state;

static void pack(void *state, struct packq_job *j);

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int misuse(struct lz4f *f, const char *why)
{
	f->why = why;
	f->status = CC_ERR_PARAMS;
	return f->status;
}

static int out(struct lz4f *f, const void *p, uint64_t len)
{
	if (f->status)
		return f->status;
	f->status = f->emit(f->ctx, p, len);
	f->frame_bytes += len;
	return f->status;
}

static int out_le32(struct lz4f *f, uint32_t v)
{
	uint8_t b[4];
	put_le32(b, v);
	return out(f, b, 4);
}

void lz4f_init(struct lz4f *f, lz4f_emit_fn emit, void *ctx)
{
	*f = (struct lz4f){ .emit = emit, .ctx = ctx };
}

void lz4f_live_source(struct lz4f *f)
{
	f->live_source = 1;
}

int lz4f_use_helpers(void *mem, uint64_t bytes, unsigned helpers)
{
	if (!packq_fit(bytes, helpers, LZ4F_BLOCK_BYTES, sizeof(LZ4_stream_t)))
		return 0;
	packq_init(mem, bytes, helpers, LZ4F_BLOCK_BYTES, sizeof(LZ4_stream_t), pack, &lz4_state, packed);
	for (unsigned t = 0; t < helpers; t++)
		LZ4_initStream(packq_helper_state(t), sizeof(LZ4_stream_t));
	return 1;
}


int lz4f_begin(struct lz4f *f, uint64_t content_size, int compress)
{
	if (f->open && !f->status)
		return misuse(f, "lz4f_begin: the previous frame was not ended");
	*f = (struct lz4f){ .emit = f->emit, .ctx = f->ctx, .live_source = f->live_source, .compress = compress,
			    .open = 1, .content_size = content_size };
	if (compress != CC_COMPRESS_LZ4 && compress != CC_COMPRESS_NONE)
		return misuse(f, "lz4f_begin: compress is neither CC_COMPRESS_LZ4 nor CC_COMPRESS_NONE");
	xxh32_init(&f->content, 0);
	if (compress == CC_COMPRESS_LZ4)
		LZ4_initStream(&lz4_state, sizeof(lz4_state));

	uint8_t h[LZ4F_HEADER_BYTES];
	put_le32(h, CC_LZ4F_MAGIC);
	/* Frame descriptor: FLG, BD, content size; HC checks those. */
	h[4] = FLG_VERSION_01 | FLG_B_INDEP | FLG_B_CHECKSUM | FLG_C_SIZE | FLG_C_CHECKSUM;
	h[5] = BD_BLOCK_MAX_64KB;
	put_le32(h + 6, (uint32_t)content_size);
	put_le32(h + 10, (uint32_t)(content_size >> 32));
	h[14] = (uint8_t)(xxh32(h + 4, 10, 0) >> 8); /* HC: second byte of XXH32(descriptor) */
	return out(f, h, sizeof(h));
}

/* Pack one block with a CPU's own lz4 state: compressed if that is
 * shorter, else stored; the block checksum of the data as stored.  Runs
 * on helper CPUs too (capture/packq.h): it touches nothing but j, the
 * state and the source. */
static void pack(void *state, struct packq_job *j)
{
	const uint8_t *data = j->src;
	uint32_t size = j->n | BLOCK_UNCOMPRESSED;
	if (j->accel) {
		/* Room for one byte less than the input: 0 means "not shorter". */
		int c = LZ4_compress_fast_extState_fastReset(state, (const char *)j->src, (char *)j->packed, (int)j->n,
							     (int)j->n - 1, j->accel);
		if (c > 0) {
			data = j->packed;
			size = (uint32_t)c;
		}
	}
	j->data = data;
	j->size_word = size;
	j->checksum = xxh32(data, size & ~BLOCK_UNCOMPRESSED, 0);
}

/* Size word, data, block checksum. */
static int emit_block(struct lz4f *f, const struct packq_job *j)
{
	f->blocks++;
	f->blocks_stored += (j->size_word & BLOCK_UNCOMPRESSED) != 0;
	out_le32(f, j->size_word);
	out(f, j->data, j->size_word & ~BLOCK_UNCOMPRESSED);
	return out_le32(f, j->checksum);
}

/* Emit the oldest block the helpers have, waiting for it (bounded). */
static int emit_oldest(struct lz4f *f)
{
	struct packq_job *j = packq_oldest();
	emit_block(f, j);
	packq_done();
	return f->status;
}

static int emit_pending(struct lz4f *f)
{
	while (packq_pending() && !f->status)
		emit_oldest(f);
	return f->status;
}

/* One data block of the frame.  With helper CPUs a block read in place
 * is handed to the ring and emitted when it comes back in order; a staged
 * one (staging is refilled at once), and every block when there are no
 * helpers, is packed here, after what the ring still holds. */
static int block(struct lz4f *f, const uint8_t *src, uint32_t n)
{
	int accel = f->compress != CC_COMPRESS_LZ4 ? 0 : n < LZ4F_BLOCK_BYTES ? LZ4_ACCELERATION_SHORT : LZ4_ACCELERATION;
	xxh32_update(&f->content, src, n);
	if (accel && !f->live_source && src != staging && packq_usable()) {
		struct packq_job *j;
		while (!(j = packq_free()) && packq_usable() && !f->status)
			emit_oldest(f);
		if (j && packq_usable() && !f->status) {
			j->src = src;
			j->n = n;
			j->accel = accel;
			packq_give(j);
			return f->status;
		}
	}
	if (emit_pending(f)) /* in order: what the ring holds goes first */
		return f->status;
	struct packq_job j = { .src = src, .n = n, .accel = accel, .packed = packed };
	pack(&lz4_state, &j);
	return emit_block(f, &j);
}

int lz4f_put(struct lz4f *f, const void *src, uint64_t len)
{
	const uint8_t *p = src;
	if (f->status)
		return f->status;
	if (!f->open)
		return misuse(f, "lz4f_put: no frame begun");
	if (len > f->content_size - f->content_put)
		return misuse(f, "lz4f_put: more bytes than the frame's content size");
	f->content_put += len;
	/* block() reads its bytes for the content checksum and then for the
	 * compression or the store: with a live source, staging is the one
	 * copy all of them read. */
	while (len && !f->status) {
		if (!f->live_source && !f->staged && len >= LZ4F_BLOCK_BYTES) {
			/* a whole block in place: no copy */
			block(f, p, LZ4F_BLOCK_BYTES);
			p += LZ4F_BLOCK_BYTES;
			len -= LZ4F_BLOCK_BYTES;
			continue;
		}
		uint32_t n = LZ4F_BLOCK_BYTES - f->staged;
		if (n > len)
			n = (uint32_t)len;
		memcpy(staging + f->staged, p, n);
		f->staged += n;
		p += n;
		len -= n;
		if (f->staged == LZ4F_BLOCK_BYTES) {
			block(f, staging, f->staged);
			f->staged = 0;
		}
	}
	return f->status;
}

int lz4f_end(struct lz4f *f)
{
	if (f->status)
		return f->status;
	if (!f->open)
		return misuse(f, "lz4f_end: no frame begun");
	if (f->content_put != f->content_size)
		return misuse(f, "lz4f_end: fewer bytes put than the frame's content size");
	if (f->staged)
		block(f, staging, f->staged);
	f->staged = 0;
	emit_pending(f);
	out_le32(f, ENDMARK);
	out_le32(f, xxh32_digest(&f->content));
	f->open = 0;
	return f->status;
}
