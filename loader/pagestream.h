/* loader/pagestream.h - read the data area of a CC_ENC_PAGES target
 * (include/crashcap/dumpfmt.h): the HEAD record, every CHUNK record with
 * its LZ4 frame decoded and checked, and the END record.
 *
 * Nothing in the stream is trusted: every size, index, address and count is
 * checked against the format and against what came before, and every LZ4
 * frame is decoded with its block and content checksums before its pages
 * are handed on.  The first thing that does not fit stops the walk; the
 * stream is good up to the end of the last complete chunk before it.
 *
 * Offsets in messages are data-area byte offsets (0 = the HEAD record's
 * first byte, i.e. the target's byte data_offset). */
#ifndef LOADER_PAGESTREAM_H
#define LOADER_PAGESTREAM_H

#include <stddef.h>
#include <stdint.h>
#include "capture/elf.h"
#include "crashcap/dumpfmt.h"

#define PS_HEAD_MAX   (16u << 20) /* bytes of ELF head a HEAD record may carry */
#define PS_RANGES_MAX 65533u      /* PT_LOADs in the HEAD: e_phnum is 16 bits, one is PT_NOTE */
#define PS_ALIAS_MAX  4u          /* kernel-image views without bytes of their own (aliases) a HEAD may have */

/* Where the stream comes from: read(ctx, buf, len, off) reads exactly len
 * bytes at data-area offset off and returns 0, or -1 with errno set.  len is
 * how many bytes may be read (data_written). */
struct ps_source {
	int (*read)(void *ctx, void *buf, size_t len, uint64_t off);
	void *ctx;
	uint64_t len;
};

/* One memory range: a PT_LOAD of the HEAD.  An alias (dumpfmt.h) is the
 * kernel image's second view of RAM: no chunks tile it; `within` is the
 * last range (in stream order) that holds some of its pages. */
struct ps_range {
	uint64_t paddr, vaddr, size;
	int alias;
	unsigned within;
};

/* The HEAD, checked: an ELF64 x86-64 core head whose first program header
 * is PT_NOTE and whose others are PT_LOADs, page aligned, notes inside. */
struct ps_head {
	unsigned char *bytes;     /* the ELF head as recorded */
	uint64_t len;
	Elf64_Ehdr ehdr;
	const unsigned char *notes; /* inside bytes */
	uint64_t notes_len;
	struct ps_range *ranges;
	unsigned nranges;
};

/* What a walk hands on.  chunk() gets each chunk whose frame decoded, with
 * its nkept pages in address order (NULL when the walk skims); a non-zero
 * return stops the walk (ps->stopped is set, no stream error is recorded). */
struct ps_visitor {
	int (*chunk)(void *ctx, const struct cc_rec_chunk *c, const unsigned char *pages);
	void *ctx;
};

struct pagestream {
	struct ps_source src;
	struct ps_head head;
	/* Set by the caller before ps_walk: every record is read and checked,
	 * but each LZ4 frame is only walked, block header by block header, to
	 * its end (its frame header checked, every block no larger than the
	 * format allows, the frame no longer than its bound): its pages are
	 * not decoded and its checksums not verified.  A skimming walk finds
	 * everything wrong with the records and the frames' shape, nothing
	 * wrong inside a block: a reader that skims must decode the same
	 * chunks afterwards before it trusts a byte of them. */
	int skim;
	/* Set by the caller before a skimming ps_walk (loader/pagepipe.h):
	 * each chunk's LZ4 frame is also read whole, once, into frame,
	 * frame_len bytes read at data-area offset frame_off, for the visitor,
	 * which may take the buffer and leave another (or NULL) in its place.
	 * The walk makes frame at least PS_FRAME_BUF(the chunk's kept bytes)
	 * long (frame_cap; ps_close frees it).  Its checksums are not
	 * verified: ps_decode_kept does that. */
	int keep_frames;
	unsigned char *frame;
	size_t frame_cap;
	uint64_t frame_off, frame_len; /* the chunk's frame (frame_len 0: no pages kept, no frame) */
	/* progress of the walk */
	uint64_t pos;           /* data-area offset of the next record */
	uint64_t good_bytes;    /* stream bytes up to the end of the last complete chunk (or the HEAD) */
	uint64_t chunks;        /* complete chunks handed on */
	uint64_t pages, kept;   /* pages covered and kept by those chunks */
	uint64_t zero;          /* pages of those chunks left out as all zero (zero[] bits) */
	unsigned range;         /* first range not wholly tiled by those chunks */
	uint64_t range_done;    /* bytes of that range tiled */
	int complete;           /* the END record was read, consistent, and ends the stream */
	struct cc_rec_end end;
	int stopped;            /* the visitor stopped the walk */
	/* the first problem: "" while there is none */
	char error[240];
	uint64_t error_offset;
	int cut_short;          /* the problem is that the stream ends (data_written) */
	/* working memory */
	void *dctx;             /* LZ4F_dctx */
	unsigned char *in, *buf;  /* a frame read at a time; a chunk's pages decoded */
	int shares_head;        /* a fork (ps_fork): the HEAD is another's */
	const unsigned char *whole; /* ps_decode_kept: the frame in memory, read from here, not from src */
};

/* Bytes to read a frame of n bytes of content whole: the longest such
 * frame (CC_LZ4F_FRAME_MAX), a block more (the bound is checked before each
 * block) and the next size word.  About 4.07 MiB for a whole chunk. */
#define PS_FRAME_BUF(n) (CC_LZ4F_FRAME_MAX((uint64_t)(n)) + CC_LZ4F_BLOCK_MAX + 16)
#define PS_CHUNK_BYTES ((size_t)CC_CHUNK_PAGES * CC_PAGE_BYTES)

/* A buffer of n bytes for a frame or a chunk's pages (free() it), or
 * NULL.  From 2 MiB on it is 2 MiB aligned and asks for transparent huge
 * pages (madvise): the walk on threads has a dozen such buffers, and
 * touching them a 4 KiB page at a time cost more page faults than the
 * rest of a save. */
void *ps_buffer(size_t n);

/* What to grow a buffer of cap bytes to so that it holds need bytes (need
 * at most full): doubling from 64 KiB, at most full.  A buffer is made
 * again a few times at most, not for every chunk a little larger. */
static inline size_t ps_grow(size_t cap, size_t need, size_t full)
{
	size_t n = cap ? cap : 65536;
	while (n < need)
		n *= 2;
	return n < full ? n : full;
}

/* Read and check the HEAD record: 0, or -1 with ps->error set. */
int ps_open(struct pagestream *ps, const struct ps_source *src);
/* Walk the chunks (at most max_chunks of them; UINT64_MAX for all) and the
 * END record.  0 when the stream is whole (ps->complete), else -1: either
 * ps->error says what is wrong at ps->error_offset, or the visitor stopped
 * it, or max_chunks were handed on. */
int ps_walk(struct pagestream *ps, const struct ps_visitor *v, uint64_t max_chunks);
void ps_close(struct pagestream *ps);

/* For loader/pagepipe.h, which walks on several threads. */
/* A second walker of ps's stream (for another thread), where ps is now: it
 * shares ps's HEAD (read only; ps must stay open while f is) and has its
 * own LZ4 decoder and buffers.  0, or -1 with f->error set; ps_close it
 * either way. */
int ps_fork(struct pagestream *f, const struct pagestream *ps);
/* Decode chunk c's frame, read whole by a keep_frames walk (frame_len bytes
 * from data-area offset frame_off), into out (c->nkept pages), checked as
 * ps_walk checks it: the frame header, every block, the block checksums and
 * the content checksum, and that it ends where the walk found its end.
 * d is a fork, for its decoder and its error.  0, or -1 with d->error set
 * (the words and the offset ps_walk would give). */
int ps_decode_kept(struct pagestream *d, const struct cc_rec_chunk *c, uint64_t frame_off,
		   const unsigned char *frame, uint64_t frame_len, unsigned char *out);
/* Count chunk c as handed on, the next record at data-area offset next:
 * what ps_walk does after its visitor takes a chunk. */
void ps_count_chunk(struct pagestream *ps, const struct cc_rec_chunk *c, uint64_t next);

/* Words for the END record's excluded[] reasons. */
const char *ps_excl_name(unsigned reason);

#endif
