/* crashcap/dumpfmt.h - the data area of a CC_ENC_PAGES target: a dump
 * filtered by page type (dump levels) and stored in LZ4 frames.
 *
 * The data area (from the header's data_offset, data_total bytes) is a
 * sequence of frames as the LZ4 frame format defines them (spec v1.6.4), so
 * `lz4 -d` walks it: crashcap's own records travel in skippable frames,
 * which every LZ4 decoder skips, and page contents in ordinary LZ4 frames.
 * All integers little endian.  In order:
 *
 *   HEAD   one record: the ELF64 core head (Elf64_Ehdr, PT_NOTE, one
 *          PT_LOAD per memory range with p_filesz = p_memsz = range size,
 *          then the notes), as a raw ELF dump with every byte written
 *          would have it (p_offset included; readers recompute it).  `crashcap save` rewrites
 *          the PT_LOADs to match what was kept.
 *   CHUNK  for every memory range in PT_LOAD order, its pages in address
 *          order, in chunks of at most CC_CHUNK_PAGES pages: a record with
 *          the chunk's place and a bitmap of the pages kept, then - only if
 *          nkept > 0 - one LZ4 frame whose content is exactly the nkept
 *          kept pages, in address order (content size and content checksum
 *          present, independent blocks of at most 64 KiB, each with its
 *          block checksum).  Chunks tile each range exactly, without gaps.
 *   END    one record: counts, so a reader knows the stream is whole.
 *
 * A stream cut short (I/O error, target full) is still readable up to its
 * last complete chunk.  Documented in docs/dump-format.md. */
#ifndef CRASHCAP_DUMPFMT_H
#define CRASHCAP_DUMPFMT_H

#include <stdint.h>

#define CC_FMT_VERSION      1
#define CC_PAGE_BYTES       4096u
#define CC_CHUNK_PAGES      1024u          /* 4 MiB of memory per chunk at most */

#define CC_LZ4F_MAGIC       0x184D2204u    /* LZ4 frame */
#define CC_LZ4F_BLOCK_MAX   65536u         /* block maximum size: BD = 4 (64 KB) */
#define CC_LZ4F_BLOCK_BYTES 32768u         /* content per block the payload writes (the loader's size bound counts these) */
/* The most bytes a frame of n content bytes takes as the payload writes it
 * (every block stored): header 15 (magic, FLG, BD, content size, HC), per
 * block a size word and a checksum, EndMark and content checksum 8.  `save`
 * refuses a frame longer than this. */
#define CC_LZ4F_FRAME_MAX(n) (15 + 8 + ((n) + CC_LZ4F_BLOCK_BYTES - 1) / CC_LZ4F_BLOCK_BYTES * 8 + (n))
#define CC_KERNEL_MAP       0xffffffff80000000ull /* __START_KERNEL_map: a PT_LOAD whose vaddr is at
                                               * or above this is the kernel image's view of RAM */
#define CC_SKIP_MAGIC       0x184D2A5Cu    /* skippable frame, nibble 0xC: crashcap records */

/* Every record: a skippable frame.  magic = CC_SKIP_MAGIC, size = bytes of
 * the record body that follows (the body starts with its type). */
struct cc_skip_hdr {
	uint32_t magic;  /* 0x00 CC_SKIP_MAGIC */
	uint32_t size;   /* 0x04 body bytes */
};

#define CC_REC_HEAD   0x44414548u  /* "HEAD" */
#define CC_REC_CHUNK  0x4b4e4843u  /* "CHNK" */
#define CC_REC_END    0x21444e45u  /* "END!" */

struct cc_rec_head {
	uint32_t type;      /* 0x00 CC_REC_HEAD */
	uint32_t version;   /* 0x04 CC_FMT_VERSION */
	uint64_t head_len;  /* 0x08 bytes of ELF head that follow this struct */
};                          /* then head_len bytes: the ELF head */

struct cc_rec_chunk {
	uint32_t type;      /* 0x00 CC_REC_CHUNK */
	uint32_t range;     /* 0x04 index of the memory range (PT_LOAD order, 0 = first PT_LOAD) */
	uint64_t paddr;     /* 0x08 physical address of page 0 of the chunk */
	uint32_t npages;    /* 0x10 pages covered, 1..CC_CHUNK_PAGES */
	uint32_t nkept;     /* 0x14 bits set in kept[]: pages in the LZ4 frame that follows */
	uint64_t seq;       /* 0x18 chunk number in the stream, from 0 */
	uint8_t  kept[CC_CHUNK_PAGES / 8]; /* 0x20 bit (i & 7) of byte i >> 3: page i is kept */
	uint8_t  zero[CC_CHUNK_PAGES / 8]; /* 0xa0 the same bit: page i is left out because it is all
	                                    * zero (CC_EXCL_ZERO), never set with its kept bit; a
	                                    * reader may give it back as zeros (makedumpfile's
	                                    * format keeps zero pages as one shared zero page) */
};                          /* 0x120: the body size is always sizeof(struct cc_rec_chunk) */

/* Why pages were left out, for the END record's counts. */
#define CC_EXCL_ZERO      0
#define CC_EXCL_CACHE     1
#define CC_EXCL_CACHE_PRI 2
#define CC_EXCL_USER      3
#define CC_EXCL_FREE      4
#define CC_EXCL_POISON    5  /* hwpoison or logically offline: left out at every
                                level (like makedumpfile), never read */
#define CC_EXCL_N         6

struct cc_rec_end {
	uint32_t type;                /* 0x00 CC_REC_END */
	uint32_t dump_level;          /* 0x04 CC_DL_* applied */
	uint64_t chunks;              /* 0x08 chunk records written */
	uint64_t pages;               /* 0x10 pages covered by all chunks */
	uint64_t kept;                /* 0x18 pages kept */
	uint64_t excluded[CC_EXCL_N]; /* 0x20 pages left out, by reason */
	uint64_t unsure;              /* 0x50 pages kept because their struct page could not be read or made no sense */
	uint64_t raw_bytes;           /* 0x58 kept * CC_PAGE_BYTES */
};                                    /* 0x60 */

#ifndef __ASSEMBLER__
_Static_assert(sizeof(struct cc_skip_hdr) == 8, "skippable frame header");
_Static_assert(sizeof(struct cc_rec_head) == 16, "head record");
_Static_assert(sizeof(struct cc_rec_chunk) == 0x120, "chunk record");
_Static_assert(sizeof(struct cc_rec_end) == 0x60, "end record");
#endif

#endif
