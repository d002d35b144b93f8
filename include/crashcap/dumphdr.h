/* crashcap/dumphdr.h - the header at the start of every crashcap target.
 *
 * The single definition of the on-disk format (described in prose in
 * docs/dump-format.md).  The target's first CC_HDR_AREA bytes hold this
 * header; the dump itself (an ELF64 core file, later optionally lz4
 * framed) starts at byte CC_DATA_OFFSET of the target, so
 *     dd if=TARGET bs=64K skip=1
 * yields a core file readelf, gdb and crash accept.  All fields little
 * endian.  checksum = CRC-32 (IEEE 802.3, as zlib's crc32) over the first
 * header_size bytes with the checksum field taken as zero.
 */
#ifndef CRASHCAP_DUMPHDR_H
#define CRASHCAP_DUMPHDR_H

#include <stdint.h>

#define CC_HDR_MAGIC      "CRASHCAP"   /* 8 bytes, no terminator on disk */
#define CC_HDR_VERSION    1
#define CC_HDR_AREA       4096         /* bytes reserved for the header */
#define CC_DATA_OFFSET    65536        /* byte offset of the dump in the target */

/* state: the life of one target. */
#define CC_STATE_EMPTY       0 /* armed by the loader, no dump yet */
#define CC_STATE_IN_PROGRESS 1 /* the payload started writing */
#define CC_STATE_COMPLETE    2 /* every write and the flush succeeded */
#define CC_STATE_INCOMPLETE  3 /* stopped early: see status and data_written */
#define CC_STATE_SAVED       4 /* `crashcap save` copied it out */

/* encoding of the bytes at CC_DATA_OFFSET. */
#define CC_ENC_ELF   0 /* plain ELF64 core file */
#define CC_ENC_LZ4   1 /* never written (was: ELF core inside one lz4 frame); refused */
#define CC_ENC_PAGES 2 /* filtered pages in frames: crashcap/dumpfmt.h */

struct cc_dump_header {
	char     magic[8];      /* 0x00 CC_HDR_MAGIC */
	uint32_t version;       /* 0x08 CC_HDR_VERSION */
	uint32_t header_size;   /* 0x0c sizeof(struct cc_dump_header) */
	uint8_t  uuid[16];      /* 0x10 identifies this target */
	uint32_t state;         /* 0x20 CC_STATE_* */
	uint32_t encoding;      /* 0x24 CC_ENC_* */
	uint64_t data_offset;   /* 0x28 CC_DATA_OFFSET */
	uint64_t data_written;  /* 0x30 bytes of the dump known written */
	uint64_t data_total;    /* 0x38 bytes the whole dump needs */
	uint64_t target_bytes;  /* 0x40 size of the target */
	uint64_t start_time;    /* 0x48 Unix seconds (RTC, UTC assumed) */
	uint64_t end_time;      /* 0x50 Unix seconds, 0 while in progress */
	uint32_t status;        /* 0x58 CC_OK or CC_ERR_* (status.h) */
	uint32_t sector_size;   /* 0x5c */
	uint64_t ram_bytes;     /* 0x60 bytes of memory in the PT_LOADs */
	uint64_t elapsed_ms;    /* 0x68 payload entry to commit */
	uint32_t dump_level;    /* 0x70 CC_DL_* bits applied (params.h); 0 for CC_ENC_ELF */
	uint32_t level_asked;   /* 0x74 CC_DL_* bits the loader asked for */
	uint32_t compress;      /* 0x78 CC_COMPRESS_* (CC_ENC_PAGES only) */
	uint32_t checksum;      /* 0x7c CRC-32, see above */
};

#ifndef __ASSEMBLER__
_Static_assert(sizeof(struct cc_dump_header) == 128, "dump header layout");
_Static_assert(__builtin_offsetof(struct cc_dump_header, checksum) == 0x7c, "checksum offset");
_Static_assert(CC_DATA_OFFSET % CC_HDR_AREA == 0, "data offset alignment");
#endif

#endif
