/* loader/kdumpfmt.h - makedumpfile's kdump-compressed ("diskdump") file,
 * header_version 6, as x86-64 readers (makedumpfile, crash, libkdumpfile)
 * lay it out: every long and off_t is 64 bits, little endian.  The layout
 * is written out here with explicit widths and checked offsets; the facts
 * come from makedumpfile's diskdump_mod.h and IMPLEMENTATION.
 *
 *   block 0                       struct kd_header (rest of the block zero)
 *   block 1                       struct kd_sub_header, then the ELF notes
 *   block 1 + sub_hdr_size        bitmap 1 (pfn is RAM), then bitmap 2 (pfn is
 *                                 in the file), each a whole number of blocks
 *   block 1 + sub_hdr_size + bitmap_blocks
 *                                 struct kd_page_desc per bit of bitmap 2, in
 *                                 pfn order, not padded at the end
 *   then                          the page data each desc points at
 *
 * Bitmap bit order: bit (pfn & 7) of byte (pfn >> 3).  docs/dump-format.md
 * lists the values crashcap writes. */
#ifndef LOADER_KDUMPFMT_H
#define LOADER_KDUMPFMT_H

#include <stddef.h>
#include <stdint.h>

#define KD_SIGNATURE      "KDUMP   "   /* 8 bytes, no NUL */
#define KD_HEADER_VERSION 6
#define KD_BLOCK          4096u        /* block_size = page size */
#define KD_UTS_LEN        65           /* each field of struct new_utsname */

/* status of the header and flags of a page_desc (DUMP_DH_*) */
#define KD_COMPRESSED_ZLIB 0x1u
#define KD_INCOMPLETE      0x8u

struct kd_utsname {
	char sysname[KD_UTS_LEN], nodename[KD_UTS_LEN], release[KD_UTS_LEN];
	char version[KD_UTS_LEN], machine[KD_UTS_LEN], domainname[KD_UTS_LEN];
};

struct kd_header {                  /* struct disk_dump_header */
	char signature[8];          /* 0x000 KD_SIGNATURE */
	int32_t header_version;     /* 0x008 */
	struct kd_utsname utsname;  /* 0x00c */
	uint8_t pad0[6];            /* 0x192 struct timeval is 8-aligned */
	int64_t tv_sec, tv_usec;    /* 0x198 timestamp */
	uint32_t status;            /* 0x1a8 KD_COMPRESSED_ZLIB | KD_INCOMPLETE */
	int32_t block_size;         /* 0x1ac */
	int32_t sub_hdr_size;       /* 0x1b0 blocks of sub header and notes */
	uint32_t bitmap_blocks;     /* 0x1b4 both bitmaps */
	uint32_t max_mapnr;         /* 0x1b8 32-bit copy of max_mapnr_64 */
	uint32_t total_ram_blocks;  /* 0x1bc */
	uint32_t device_blocks;     /* 0x1c0 */
	uint32_t written_blocks;    /* 0x1c4 */
	uint32_t current_cpu;       /* 0x1c8 */
	int32_t nr_cpus;            /* 0x1cc */
};                                  /* 0x1d0 */

struct kd_sub_header {              /* struct kdump_sub_header */
	uint64_t phys_base;         /* 0x00 */
	int32_t dump_level;         /* 0x08 */
	int32_t split;              /* 0x0c */
	uint64_t start_pfn, end_pfn;            /* 0x10 split files only */
	uint64_t offset_vmcoreinfo, size_vmcoreinfo; /* 0x20 header_version 3 */
	uint64_t offset_note, size_note;        /* 0x30 header_version 4 */
	uint64_t offset_eraseinfo, size_eraseinfo; /* 0x40 header_version 5 */
	uint64_t start_pfn_64, end_pfn_64, max_mapnr_64; /* 0x50 header_version 6 */
};                                  /* 0x68 */

struct kd_page_desc {               /* page_desc_t */
	uint64_t offset;            /* file offset of the page's data */
	uint32_t size;              /* bytes there */
	uint32_t flags;             /* KD_COMPRESSED_ZLIB, or 0: stored as is */
	uint64_t page_flags;        /* 0 */
};                                  /* 0x18 */

_Static_assert(offsetof(struct kd_header, tv_sec) == 0x198, "timestamp");
_Static_assert(offsetof(struct kd_header, status) == 0x1a8, "status");
_Static_assert(offsetof(struct kd_header, nr_cpus) == 0x1cc, "nr_cpus");
_Static_assert(sizeof(struct kd_header) == 0x1d0, "disk_dump_header");
_Static_assert(offsetof(struct kd_sub_header, offset_vmcoreinfo) == 0x20, "offset_vmcoreinfo");
_Static_assert(offsetof(struct kd_sub_header, max_mapnr_64) == 0x60, "max_mapnr_64");
_Static_assert(sizeof(struct kd_sub_header) == 0x68, "kdump_sub_header");
_Static_assert(sizeof(struct kd_page_desc) == 24, "page_desc");

#endif
