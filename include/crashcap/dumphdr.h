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
 *
 * Versions: 2 (written since the hang capture, 136 bytes) appends origin
 * and origin_reserved after the checksum; 1 (128 bytes, the checksum last)
 * is read as origin CC_ORIGIN_PANIC.  Readers accept exactly these two
 * (version, header_size) pairs.
 */
#ifndef CRASHCAP_DUMPHDR_H
#define CRASHCAP_DUMPHDR_H

#include <stdint.h>

#define CC_HDR_MAGIC      "CRASHCAP"   /* 8 bytes, no terminator on disk */
#define CC_HDR_VERSION    2            /* written; CC_HDR_VERSION_V1 is still read */
#define CC_HDR_VERSION_V1 1
#define CC_HDR_SIZE_V1    128          /* header_size of version 1: up to the checksum */
#define CC_HDR_SIZE       136          /* header_size of version 2 */
#define CC_HDR_AREA       4096         /* bytes reserved for the header */
#define CC_DATA_OFFSET    65536        /* byte offset of the dump in the target */

/* state: the life of one target. */
#define CC_STATE_EMPTY       0 /* armed by the loader, no dump yet */
#define CC_STATE_IN_PROGRESS 1 /* the payload started writing */
#define CC_STATE_COMPLETE    2 /* every write and the flush succeeded */
#define CC_STATE_INCOMPLETE  3 /* stopped early: see status and data_written */
#define CC_STATE_SAVED       4 /* `crashcap save` copied it out */

/* origin: what made the dump (version 2; version 1 is CC_ORIGIN_PANIC). */
#define CC_ORIGIN_PANIC 0 /* the capture payload, after a panic (kdump's path): CPU notes as the kernel saved them */
#define CC_ORIGIN_HANG  1 /* hangcap.efi after an unplanned reset (watchdog, BMC): no CPU registers */

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
	uint32_t origin;        /* 0x80 CC_ORIGIN_* (version 2) */
	uint32_t origin_reserved; /* 0x84 zero (version 2) */
};

#ifndef __ASSEMBLER__
_Static_assert(sizeof(struct cc_dump_header) == CC_HDR_SIZE, "dump header layout");
_Static_assert(__builtin_offsetof(struct cc_dump_header, checksum) == 0x7c, "checksum offset");
_Static_assert(__builtin_offsetof(struct cc_dump_header, checksum) + 4 == CC_HDR_SIZE_V1, "version 1 ends at the checksum");
_Static_assert(__builtin_offsetof(struct cc_dump_header, origin) == 0x80, "origin offset");
_Static_assert(__builtin_offsetof(struct cc_dump_header, origin_reserved) == 0x84, "origin_reserved offset");
_Static_assert(CC_HDR_SIZE <= CC_HDR_AREA, "the header fits its area");
_Static_assert(CC_DATA_OFFSET % CC_HDR_AREA == 0, "data offset alignment");
#endif

#endif
