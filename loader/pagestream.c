/* loader/pagestream.c - see pagestream.h.  The order of the stream and
 * every field's meaning: include/crashcap/dumpfmt.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <lz4frame.h>

#include "capture/xxh32.h"
#include "loader/corehead.h"
#include "loader/pagestream.h"

#define IN_BUF    (CC_LZ4F_BLOCK_MAX + 64) /* bytes of a frame read at a time */
#define CHUNK_MAX ((size_t)CC_CHUNK_PAGES * CC_PAGE_BYTES)

static const char *const excl_names[CC_EXCL_N] = {
	[CC_EXCL_ZERO] = "zero",
	[CC_EXCL_CACHE] = "cache",
	[CC_EXCL_CACHE_PRI] = "cache private",
	[CC_EXCL_USER] = "user",
	[CC_EXCL_FREE] = "free",
	[CC_EXCL_POISON] = "poison",
};

const char *ps_excl_name(unsigned reason)
{
	return reason < CC_EXCL_N ? excl_names[reason] : "?";
}

/* Record the first problem: "data byte OFF: TEXT".  Always -1. */
__attribute__((format(printf, 4, 5)))
static int fail(struct pagestream *ps, uint64_t off, int cut_short, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(ps->error, sizeof(ps->error), "data byte %llu: ", (unsigned long long)off);
	va_start(ap, fmt);
	vsnprintf(ps->error + n, sizeof(ps->error) - (size_t)n, fmt, ap);
	va_end(ap);
	ps->error_offset = off;
	ps->cut_short = cut_short;
	return -1;
}

/* Read exactly len bytes at off, for WHAT (words for the message). */
static int read_at(struct pagestream *ps, void *buf, size_t len, uint64_t off, const char *what)
{
	if (off > ps->src.len || len > ps->src.len - off)
		return fail(ps, off, 1, "%s is cut off: the stream ends at byte %llu (data_written)",
			    what, (unsigned long long)ps->src.len);
	if (ps->src.read(ps->src.ctx, buf, len, off) < 0)
		return fail(ps, off, 0, "%s: read error: %s", what, strerror(errno));
	return 0;
}

/* Read the record header at off; check the magic. */
static int read_skip_hdr(struct pagestream *ps, uint64_t off, struct cc_skip_hdr *sh, uint32_t *type,
			 const char *what)
{
	if (read_at(ps, sh, sizeof(*sh), off, what) < 0)
		return -1;
	if (sh->magic != CC_SKIP_MAGIC)
		return fail(ps, off, 0, "%s: bad magic 0x%08x (a record starts with 0x%08x)%s", what,
			    sh->magic, CC_SKIP_MAGIC,
			    sh->magic == CC_LZ4F_MAGIC ? ": an LZ4 frame where no frame belongs" : "");
	if (sh->size < sizeof(*type))
		return fail(ps, off, 0, "%s: record of %u bytes, too short for its type", what, sh->size);
	return read_at(ps, type, sizeof(*type), off + sizeof(*sh), what);
}

int ps_open(struct pagestream *ps, const struct ps_source *src)
{
	struct cc_skip_hdr sh;
	struct cc_rec_head rh;
	uint32_t type;

	memset(ps, 0, sizeof(*ps));
	ps->src = *src;
	ps->in = malloc(IN_BUF);
	ps->buf = ps_buffer(CHUNK_MAX);
	if (!ps->in || !ps->buf)
		return fail(ps, 0, 0, "out of memory");
	if (LZ4F_isError(LZ4F_createDecompressionContext((LZ4F_dctx **)&ps->dctx, LZ4F_VERSION)))
		return fail(ps, 0, 0, "out of memory for an LZ4 decoder");

	if (read_skip_hdr(ps, 0, &sh, &type, "HEAD record") < 0)
		return -1;
	if (type != CC_REC_HEAD)
		return fail(ps, 0, 0, "HEAD record: type 0x%08x, expected HEAD (0x%08x)", type, CC_REC_HEAD);
	if (sh.size < sizeof(rh))
		return fail(ps, 0, 0, "HEAD record: %u bytes, shorter than its fields", sh.size);
	if (read_at(ps, &rh, sizeof(rh), sizeof(sh), "HEAD record") < 0)
		return -1;
	if (rh.version != CC_FMT_VERSION)
		return fail(ps, 0, 0, "HEAD record: format version %u, this crashcap reads version %u",
			    rh.version, CC_FMT_VERSION);
	if (rh.head_len > PS_HEAD_MAX || sh.size != sizeof(rh) + rh.head_len)
		return fail(ps, 0, 0, "HEAD record: %u bytes with an ELF head of %llu bytes (at most %u, and the record is 16 bytes more)",
			    sh.size, (unsigned long long)rh.head_len, PS_HEAD_MAX);
	ps->head.len = rh.head_len;
	ps->head.bytes = malloc(rh.head_len ? rh.head_len : 1);
	if (!ps->head.bytes)
		return fail(ps, 0, 0, "out of memory for a %llu byte ELF head", (unsigned long long)rh.head_len);
	if (read_at(ps, ps->head.bytes, rh.head_len, sizeof(sh) + sizeof(rh), "HEAD record's ELF head") < 0)
		return -1;
	char why[160];
	if (corehead_parse(&ps->head, why, sizeof(why)) < 0)
		return fail(ps, sizeof(sh) + sizeof(rh), 0, "HEAD record: %s", why);
	ps->pos = ps->good_bytes = sizeof(sh) + sh.size;
	return 0;
}

void ps_close(struct pagestream *ps)
{
	if (ps->dctx)
		LZ4F_freeDecompressionContext(ps->dctx);
	if (!ps->shares_head) {
		free(ps->head.ranges);
		free(ps->head.bytes);
	}
	free(ps->in);
	free(ps->buf);
	free(ps->frame);
	ps->dctx = NULL;
	ps->head.ranges = NULL;
	ps->head.bytes = NULL;
	ps->in = ps->buf = ps->frame = NULL;
	ps->frame_cap = 0;
}

void *ps_buffer(size_t n)
{
	const size_t huge = 2u << 20;
	void *p;

	if (n < huge)
		return malloc(n);
	if (posix_memalign(&p, huge, n) != 0)
		return NULL;
	madvise(p, n / huge * huge, MADV_HUGEPAGE); /* a wish: without THP, 4 KiB pages */
	return p;
}

int ps_fork(struct pagestream *f, const struct pagestream *ps)
{
	memset(f, 0, sizeof(*f));
	f->src = ps->src;
	f->head = ps->head;
	f->shares_head = 1;
	f->pos = ps->pos;
	f->good_bytes = ps->good_bytes;
	f->chunks = ps->chunks;
	f->pages = ps->pages;
	f->kept = ps->kept;
	f->zero = ps->zero;
	f->range = ps->range;
	f->range_done = ps->range_done;
	f->in = malloc(IN_BUF);
	if (!f->in)
		return fail(f, 0, 0, "out of memory");
	if (LZ4F_isError(LZ4F_createDecompressionContext((LZ4F_dctx **)&f->dctx, LZ4F_VERSION)))
		return fail(f, 0, 0, "out of memory for an LZ4 decoder");
	return 0;
}

/* Skip ranges that are wholly tiled (or empty), and aliases, which no
 * chunk tiles. */
static void next_range(struct pagestream *ps)
{
	while (ps->range < ps->head.nranges &&
	       (ps->range_done == ps->head.ranges[ps->range].size || ps->head.ranges[ps->range].alias)) {
		ps->range++;
		ps->range_done = 0;
	}
}

static unsigned popcount_bits(const uint8_t *bits, unsigned from, unsigned to)
{
	unsigned n = 0;
	for (unsigned i = from; i < to; i++)
		n += (bits[i >> 3] >> (i & 7)) & 1;
	return n;
}

static unsigned popcount_kept(const struct cc_rec_chunk *c, unsigned from, unsigned to)
{
	return popcount_bits(c->kept, from, to);
}

/* Pages marked both kept and zero. */
static unsigned kept_and_zero(const struct cc_rec_chunk *c)
{
	unsigned n = 0;
	for (unsigned i = 0; i < CC_CHUNK_PAGES / 8; i++)
		n += (unsigned)__builtin_popcount(c->kept[i] & c->zero[i]);
	return n;
}

/* The frame parameters dumpfmt.h fixes. */
static const char *frame_params_wrong(const LZ4F_frameInfo_t *fi, uint64_t content)
{
	if (fi->frameType != LZ4F_frame)
		return "not an LZ4 frame";
	if (fi->blockSizeID != LZ4F_max64KB)
		return "block maximum size is not 64 KiB";
	if (fi->blockMode != LZ4F_blockIndependent)
		return "blocks are linked, not independent";
	if (fi->contentChecksumFlag != LZ4F_contentChecksumEnabled)
		return "no content checksum";
	if (fi->blockChecksumFlag != LZ4F_blockChecksumEnabled)
		return "no block checksums";
	if (fi->dictID != 0)
		return "a dictionary ID";
	if (fi->contentSize != content)
		return "content size is not the chunk's kept pages";
	return NULL;
}

/* Where the bytes a frame may take end: at the end of the stream, or for a
 * frame read whole (ps_decode_kept) at the end the walk found for it. */
static uint64_t frame_limit(const struct pagestream *ps)
{
	return ps->whole ? ps->frame_off + ps->frame_len : ps->src.len;
}

/* len bytes of a frame at off (len no more than frame_limit allows): in the
 * frame read whole, or read from the source into ps->in.  NULL after fail. */
static const unsigned char *frame_bytes(struct pagestream *ps, uint64_t off, size_t len, const char *what)
{
	if (!ps->whole)
		return read_at(ps, ps->in, len, off, what) < 0 ? NULL : ps->in;
	if (off < ps->frame_off || off > frame_limit(ps) || len > frame_limit(ps) - off) {
		fail(ps, off, 0, "%s: the frame does not end where its block sizes said (byte %llu)", what,
		     (unsigned long long)frame_limit(ps));
		return NULL;
	}
	return ps->whole + (off - ps->frame_off);
}

/* The header of the LZ4 frame at off, whose content is content bytes:
 * magic, LZ4F_getFrameInfo (which checks the header's checksum) and the
 * payload's parameters.  Resets ps->dctx and leaves it past the header;
 * *hdr_len = the header's length, *hint (unless NULL) = liblz4's size of
 * what to feed it next (the first block).  Shared by decoding and skimming, so
 * both refuse the same headers. */
static int frame_header(struct pagestream *ps, uint64_t off, size_t content, size_t *hdr_len, size_t *hint,
			const char *what)
{
	LZ4F_frameInfo_t fi;
	uint32_t magic;
	const unsigned char *b;
	uint64_t limit = frame_limit(ps);

	LZ4F_resetDecompressionContext(ps->dctx);
	if (!(b = frame_bytes(ps, off, sizeof(magic), what)))
		return -1;
	memcpy(&magic, b, sizeof(magic));
	if (magic != CC_LZ4F_MAGIC)
		return fail(ps, off, 0, "%s: bad magic 0x%08x (an LZ4 frame starts with 0x%08x)", what,
			    magic, CC_LZ4F_MAGIC);
	size_t n = limit - off < LZ4F_HEADER_SIZE_MAX ? (size_t)(limit - off) : LZ4F_HEADER_SIZE_MAX;
	if (!(b = frame_bytes(ps, off, n, what)))
		return -1;
	memset(&fi, 0, sizeof(fi));
	size_t r = LZ4F_getFrameInfo(ps->dctx, &fi, b, &n);
	if (LZ4F_isError(r))
		return fail(ps, off, !ps->whole && n < LZ4F_HEADER_SIZE_MAX && off + n == ps->src.len,
			    "%s: frame header: %s", what, LZ4F_getErrorName(r));
	const char *wrong = frame_params_wrong(&fi, content);
	if (wrong)
		return fail(ps, off, 0, "%s: %s (content size %llu, %zu bytes of pages)", what, wrong,
			    (unsigned long long)fi.contentSize, content);
	*hdr_len = n;
	if (hint)
		*hint = r;
	return 0;
}

/* Decode the LZ4 frame at off whose content is content bytes into
 * ps->buf; *frame_len = its length.  what names it for messages.  The
 * frame's bytes are read from the source a block at a time, or taken from
 * memory where it was read whole (ps->whole: ps_decode_kept).  With
 * unchecked, liblz4 is told to skip the checksums (skipChecksums): the
 * caller verifies them (whole_checksums). */
static int decode_frame(struct pagestream *ps, uint64_t off, size_t content, uint64_t *frame_len,
			const char *what, int unchecked)
{
	LZ4F_dctx *d = ps->dctx;
	LZ4F_decompressOptions_t opt = { .skipChecksums = (unsigned)!!unchecked };
	size_t n, r;

	if (frame_header(ps, off, content, &n, &r, what) < 0)
		return -1;

	/* Compressed or stored, a frame of content bytes is at most this long
	 * in blocks of CC_LZ4F_BLOCK_BYTES, the payload's (dumpfmt.h). */
	uint64_t bound = CC_LZ4F_FRAME_MAX((uint64_t)content);
	uint64_t pos = off + n;
	size_t produced = 0;
	for (;;) {
		if (pos - off > bound)
			return fail(ps, off, 0, "%s: longer than any frame of %zu bytes can be (%llu bytes)",
				    what, content, (unsigned long long)bound);
		uint64_t limit = frame_limit(ps);
		if (pos >= limit && ps->whole)
			return fail(ps, pos, 0, "%s (starts at byte %llu): the frame does not end where its block sizes said (byte %llu)",
				    what, (unsigned long long)off, (unsigned long long)limit);
		if (pos >= limit)
			return fail(ps, pos, 1, "%s is cut off: the stream ends at byte %llu (data_written)",
				    what, (unsigned long long)ps->src.len);
		/* r is liblz4's hint: the bytes of the next block (header,
		 * data, checksum), so an error is named at its block */
		size_t in = r < IN_BUF ? r : IN_BUF;
		if (in > limit - pos)
			in = (size_t)(limit - pos);
		const unsigned char *b = frame_bytes(ps, pos, in, what);
		if (!b)
			return -1;
		size_t out = content - produced;
		r = LZ4F_decompress(d, ps->buf + produced, &out, b, &in, &opt);
		if (LZ4F_isError(r))
			return fail(ps, pos, 0, "%s (starts at byte %llu), the block here: %s", what,
				    (unsigned long long)off, LZ4F_getErrorName(r));
		produced += out;
		pos += in;
		if (r == 0)
			break;
		if (in == 0 && out == 0)
			return fail(ps, pos, 0, "%s (starts at byte %llu): more content than its %zu bytes",
				    what, (unsigned long long)off, content);
	}
	if (produced != content)
		return fail(ps, off, 0, "%s: %zu bytes of content, the chunk needs %zu", what, produced, content);
	if (ps->whole && pos != frame_limit(ps))
		return fail(ps, pos, 0, "%s (starts at byte %llu): the frame does not end where its block sizes said (byte %llu)",
			    what, (unsigned long long)off, (unsigned long long)frame_limit(ps));
	*frame_len = pos - off;
	return 0;
}

static uint32_t get_le32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v)); /* x86-64: little endian */
	return v;
}

/* A frame of frame_len bytes in memory, decoded to out (content bytes):
 * does every block's checksum match its bytes, and the content checksum
 * the content (lz4_Frame_format.md: XXH32, seed 0), and does the frame
 * end with its content checksum?  1 or 0. */
static int whole_checksums(const unsigned char *f, uint64_t frame_len, const unsigned char *out, size_t content)
{
	size_t hdr = LZ4F_headerSize(f, frame_len);
	if (LZ4F_isError(hdr))
		return 0;
	for (uint64_t p = hdr;;) {
		if (frame_len < 4 || p > frame_len - 4)
			return 0;
		uint32_t bsize = get_le32(f + p);
		if (bsize == 0) /* the end mark, then the content checksum */
			return p + 8 == frame_len && get_le32(f + p + 4) == xxh32(out, content, 0);
		uint64_t len = bsize & 0x7fffffffu;
		if (len > CC_LZ4F_BLOCK_MAX || frame_len - p - 4 < len + 4)
			return 0;
		if (get_le32(f + p + 4 + len) != xxh32(f + p + 4, len, 0))
			return 0;
		p += 4 + len + 4;
	}
}

int ps_decode_kept(struct pagestream *d, const struct cc_rec_chunk *c, uint64_t frame_off,
		   const unsigned char *frame, uint64_t frame_len, unsigned char *out)
{
	char what[64];
	uint64_t len;

	d->error[0] = '\0';
	if (!c->nkept)
		return 0;
	snprintf(what, sizeof(what), "chunk %llu LZ4 frame", (unsigned long long)c->seq);
	d->whole = frame;
	d->frame_off = frame_off;
	d->frame_len = frame_len;
	d->buf = out;
	size_t content = (size_t)c->nkept * CC_PAGE_BYTES;
	/* liblz4 verifies the content checksum with its streaming XXH32, which
	 * Debian's build runs at a fifth of the speed of a one-shot XXH32 (gcc
	 * makes SSE2 vectors of its four lanes, which have no 32-bit multiply):
	 * most of a save's time.  So the frame is decoded with the checksums
	 * skipped, then every block checksum and the content checksum are
	 * verified here in one shot each (capture/xxh32.c).  On any problem it
	 * is decoded again with liblz4 verifying everything, which finds the
	 * first problem in stream order and words it as ps_walk does; only
	 * that decoding can then make it good. */
	int rc = decode_frame(d, frame_off, content, &len, what, 1);
	if (rc < 0 || !whole_checksums(frame, frame_len, out, content)) {
		d->error[0] = '\0';
		rc = decode_frame(d, frame_off, content, &len, what, 0);
	}
	d->whole = NULL;
	d->buf = NULL;
	return rc;
}

/* Skimming (pagestream.h): walk the LZ4 frame at off, whose content is
 * content bytes, to its end without decoding it; *frame_len = its length.
 * The frame format (lz4_Frame_format.md): the header, then blocks, each a
 * 32-bit little-endian size (the top bit: stored, not compressed; 0: the
 * end mark) then the block's bytes and its 4-byte checksum, then after the
 * end mark the 4-byte content checksum.
 *
 * With ps->keep_frames the frame's bytes are read too, into ps->frame:
 * each block, its checksum and the next size word in one read, as far as
 * the stream goes; the walk, and where it stops, are the same.  What is
 * written stays inside PS_FRAME_BUF(content): pos - off is at most the
 * bound when a block is read, and a block, its checksum and a size word
 * add 65544. */
static int skim_frame(struct pagestream *ps, uint64_t off, size_t content, uint64_t *frame_len,
		      const char *what)
{
	uint32_t bsize;
	size_t n;
	int have_size = 0; /* keeping: the size word at pos is in keep already */

	if (frame_header(ps, off, content, &n, NULL, what) < 0)
		return -1;
	if (ps->keep_frames && ps->frame_cap < PS_FRAME_BUF(content)) {
		size_t cap = ps_grow(ps->frame_cap, PS_FRAME_BUF(content), PS_FRAME_BUF(PS_CHUNK_BYTES));
		free(ps->frame);
		ps->frame_cap = 0;
		if (!(ps->frame = ps_buffer(cap)))
			return fail(ps, off, 0, "%s: out of memory to read it", what);
		ps->frame_cap = cap;
	}
	unsigned char *keep = ps->keep_frames ? ps->frame : NULL;
	if (keep)
		memcpy(keep, ps->in, n); /* frame_header read it there */

	uint64_t bound = CC_LZ4F_FRAME_MAX((uint64_t)content);
	uint64_t pos = off + n;
	for (;;) { /* the bound checked where decode_frame checks it: before each block */
		if (pos - off > bound)
			return fail(ps, off, 0, "%s: longer than any frame of %zu bytes can be (%llu bytes)",
				    what, content, (unsigned long long)bound);
		if (!have_size && read_at(ps, keep ? keep + (pos - off) : (unsigned char *)&bsize, sizeof(bsize), pos, what) < 0)
			return -1;
		if (keep)
			memcpy(&bsize, keep + (pos - off), sizeof(bsize));
		if (bsize == 0) { /* the end mark, then the content checksum */
			pos += sizeof(bsize) + 4;
			if (keep && pos <= ps->src.len && read_at(ps, keep + (pos - 4 - off), 4, pos - 4, what) < 0)
				return -1;
			break;
		}
		uint32_t len = bsize & 0x7fffffffu;
		if (len > CC_LZ4F_BLOCK_MAX)
			return fail(ps, pos, 0, "%s (starts at byte %llu), the block here: %u bytes, more than a block of %u can be",
				    what, (unsigned long long)off, len, CC_LZ4F_BLOCK_MAX);
		if (keep) { /* the block, its checksum, the next size word */
			uint64_t at = pos + sizeof(bsize), want = (uint64_t)len + 4 + sizeof(bsize);
			uint64_t got = at >= ps->src.len ? 0 : ps->src.len - at < want ? ps->src.len - at : want;
			if (got && read_at(ps, keep + (at - off), (size_t)got, at, what) < 0)
				return -1;
			have_size = got == want;
		}
		pos += sizeof(bsize) + len + 4; /* 4: the block checksum */
	}
	if (pos > ps->src.len)
		return fail(ps, ps->src.len, 1, "%s is cut off: the stream ends at byte %llu (data_written)",
			    what, (unsigned long long)ps->src.len);
	*frame_len = pos - off;
	return 0;
}

/* The chunk record at off: check it against the tiling so far, decode its
 * frame, hand it on. */
static int read_chunk(struct pagestream *ps, uint64_t off, const struct ps_visitor *v)
{
	struct cc_rec_chunk c;
	char what[64];
	uint64_t frame_len = 0;

	snprintf(what, sizeof(what), "chunk %llu record", (unsigned long long)ps->chunks);
	if (read_at(ps, &c, sizeof(c), off + sizeof(struct cc_skip_hdr), what) < 0)
		return -1;
	next_range(ps);
	if (c.seq != ps->chunks)
		return fail(ps, off, 0, "%s: sequence number %llu", what, (unsigned long long)c.seq);
	if (ps->range == ps->head.nranges)
		return fail(ps, off, 0, "%s: a chunk after the last range is whole (range %u, paddr 0x%llx)",
			    what, c.range, (unsigned long long)c.paddr);
	const struct ps_range *r = &ps->head.ranges[ps->range];
	uint64_t want = r->paddr + ps->range_done;
	uint64_t left = (r->size - ps->range_done) / CC_PAGE_BYTES;
	if (c.range != ps->range || c.paddr != want)
		return fail(ps, off, 0, "%s: chunk outside its place: range %u paddr 0x%llx, expected range %u paddr 0x%llx",
			    what, c.range, (unsigned long long)c.paddr, ps->range, (unsigned long long)want);
	if (c.npages < 1 || c.npages > CC_CHUNK_PAGES || c.npages > left)
		return fail(ps, off, 0, "%s: %u pages, outside its range (1 to %llu pages left in range %u)",
			    what, c.npages, (unsigned long long)(left < CC_CHUNK_PAGES ? left : CC_CHUNK_PAGES),
			    ps->range);
	unsigned set = popcount_kept(&c, 0, c.npages);
	if (set != c.nkept || popcount_kept(&c, c.npages, CC_CHUNK_PAGES))
		return fail(ps, off, 0, "%s: nkept %u, but the bitmap keeps %u of its %u pages and %u beyond them",
			    what, c.nkept, set, c.npages, popcount_kept(&c, c.npages, CC_CHUNK_PAGES));
	if (kept_and_zero(&c) || popcount_bits(c.zero, c.npages, CC_CHUNK_PAGES))
		return fail(ps, off, 0, "%s: %u pages marked both kept and zero, %u zero bits beyond its %u pages",
			    what, kept_and_zero(&c), popcount_bits(c.zero, c.npages, CC_CHUNK_PAGES), c.npages);

	uint64_t frame_off = off + sizeof(struct cc_skip_hdr) + sizeof(c);
	if (c.nkept) {
		snprintf(what, sizeof(what), "chunk %llu LZ4 frame", (unsigned long long)ps->chunks);
		size_t content = (size_t)c.nkept * CC_PAGE_BYTES;
		if ((ps->skim ? skim_frame(ps, frame_off, content, &frame_len, what)
			      : decode_frame(ps, frame_off, content, &frame_len, what, 0)) < 0)
			return -1;
	}
	ps->frame_off = frame_off;
	ps->frame_len = frame_len;
	if (v && v->chunk && v->chunk(v->ctx, &c, ps->skim ? NULL : ps->buf)) {
		ps->stopped = 1;
		return -1;
	}
	ps_count_chunk(ps, &c, frame_off + frame_len);
	return 0;
}

void ps_count_chunk(struct pagestream *ps, const struct cc_rec_chunk *c, uint64_t next)
{
	next_range(ps); /* where read_chunk found the chunk's place */
	ps->chunks++;
	ps->pages += c->npages;
	ps->kept += c->nkept;
	ps->zero += popcount_bits(c->zero, 0, c->npages);
	ps->range_done += (uint64_t)c->npages * CC_PAGE_BYTES;
	ps->pos = ps->good_bytes = next;
	next_range(ps);
}

/* The END record at off: every range tiled, counts that match. */
static int read_end(struct pagestream *ps, uint64_t off)
{
	struct cc_rec_end *e = &ps->end;
	const char *what = "END record";

	if (read_at(ps, e, sizeof(*e), off + sizeof(struct cc_skip_hdr), what) < 0)
		return -1;
	next_range(ps);
	if (ps->range < ps->head.nranges)
		return fail(ps, off, 0, "END record before range %u is whole (tiled up to paddr 0x%llx of 0x%llx..0x%llx)",
			    ps->range, (unsigned long long)(ps->head.ranges[ps->range].paddr + ps->range_done),
			    (unsigned long long)ps->head.ranges[ps->range].paddr,
			    (unsigned long long)(ps->head.ranges[ps->range].paddr + ps->head.ranges[ps->range].size));
	uint64_t excluded = 0;
	for (unsigned i = 0; i < CC_EXCL_N; i++) {
		if (e->excluded[i] > ps->pages)
			excluded = UINT64_MAX;
		else if (excluded != UINT64_MAX)
			excluded += e->excluded[i];
	}
	if (e->chunks != ps->chunks || e->pages != ps->pages || e->kept != ps->kept ||
	    e->raw_bytes != ps->kept * CC_PAGE_BYTES || excluded != ps->pages - ps->kept || e->unsure > e->kept ||
	    e->excluded[CC_EXCL_ZERO] != ps->zero)
		return fail(ps, off, 0, "END record counts %llu chunks, %llu pages, %llu kept, %llu excluded, %llu zero; the stream has %llu, %llu, %llu, %llu, %llu",
			    (unsigned long long)e->chunks, (unsigned long long)e->pages,
			    (unsigned long long)e->kept, (unsigned long long)excluded,
			    (unsigned long long)e->excluded[CC_EXCL_ZERO],
			    (unsigned long long)ps->chunks, (unsigned long long)ps->pages,
			    (unsigned long long)ps->kept, (unsigned long long)(ps->pages - ps->kept),
			    (unsigned long long)ps->zero);
	ps->pos = off + sizeof(struct cc_skip_hdr) + sizeof(*e);
	if (ps->pos != ps->src.len)
		return fail(ps, ps->pos, 0, "%llu bytes after the END record",
			    (unsigned long long)(ps->src.len - ps->pos));
	ps->complete = 1;
	return 0;
}

int ps_walk(struct pagestream *ps, const struct ps_visitor *v, uint64_t max_chunks)
{
	for (;;) {
		struct cc_skip_hdr sh;
		uint32_t type;
		uint64_t off = ps->pos;
		char what[64];

		snprintf(what, sizeof(what), "record after chunk %llu", (unsigned long long)ps->chunks - 1);
		if (!ps->chunks)
			snprintf(what, sizeof(what), "record after the HEAD");
		if (off == ps->src.len) {
			next_range(ps);
			return fail(ps, off, 1, "the stream ends (data_written) before the END record, %s",
				    ps->range < ps->head.nranges ? "with memory left to cover" : "after the last chunk");
		}
		if (read_skip_hdr(ps, off, &sh, &type, what) < 0)
			return -1;
		if (type == CC_REC_CHUNK) {
			if (sh.size != sizeof(struct cc_rec_chunk))
				return fail(ps, off, 0, "chunk %llu record: %u bytes, expected %zu",
					    (unsigned long long)ps->chunks, sh.size, sizeof(struct cc_rec_chunk));
			if (ps->chunks >= max_chunks)
				return -1;
			if (read_chunk(ps, off, v) < 0)
				return -1;
		} else if (type == CC_REC_END) {
			if (sh.size != sizeof(struct cc_rec_end))
				return fail(ps, off, 0, "END record: %u bytes, expected %zu", sh.size,
					    sizeof(struct cc_rec_end));
			return read_end(ps, off);
		} else {
			return fail(ps, off, 0, "%s: type 0x%08x, expected a chunk or END", what, type);
		}
	}
}
