/* crashcap/purgatory.h - the purgatory image header and its patch block.
 *
 * build/purgatory.bin starts with struct cc_purgatory_header (offset 0).
 * At CC_PURG_OFF_INFO follows struct cc_purgatory_info, the block the
 * loader fills in its copy of the image before kexec_load(): what to
 * hash, the expected digest, where the payload and its parameter block
 * are, the optional 640 KiB backup and what to do on failure.  The build
 * emits the block with magic, version and size set and every other field
 * zero; the loader keeps those three and writes the rest.  The purgatory
 * only reads the block.
 *
 * Emitted by purgatory/entry.asm through the CC_PURG_* constants below
 * (build/gen/purgatory-layout.inc, generated from purgatory/layout.c); the
 * C structs are checked against the same constants here.  Every address
 * is physical, every field little endian and naturally aligned.
 * Described in docs/purgatory.md.
 */
#ifndef CRASHCAP_PURGATORY_H
#define CRASHCAP_PURGATORY_H

#include <stdint.h>

#define CC_PURG_MAGIC        0x3148475255504343ull /* "CCPURGH1": image header */
#define CC_PURG_INFO_MAGIC   0x3149475255504343ull /* "CCPURGI1": patch block */
#define CC_PURG_VERSION      1                     /* of both */

/* ---- image header, offset 0 of build/purgatory.bin ---------------------- */
#define CC_PURG_HDR_OFF_MAGIC       0x00
#define CC_PURG_HDR_OFF_VERSION     0x08
#define CC_PURG_HDR_OFF_HDR_SIZE    0x0c
#define CC_PURG_HDR_OFF_ENTRY       0x10 /* offset of the kexec entry point */
#define CC_PURG_HDR_OFF_INFO        0x14 /* offset of struct cc_purgatory_info */
#define CC_PURG_HDR_OFF_INFO_SIZE   0x18
#define CC_PURG_HDR_OFF_FILE_SIZE   0x1c /* bytes of purgatory.bin */
#define CC_PURG_HDR_OFF_MEM_SIZE    0x20 /* bytes in memory (file + stack) */
#define CC_PURG_HDR_OFF_ALIGN       0x24 /* required alignment of the load address */
#define CC_PURG_HDR_SIZE            0x40

/* The patch block sits at this pinned offset (also recorded in the header). */
#define CC_PURG_OFF_INFO            CC_PURG_HDR_SIZE
#define CC_PURG_LOAD_ALIGN          4096

/* ---- the patch block ------------------------------------------------------ */
#define CC_PURG_MAX_REGIONS   16 /* == KEXEC_SEGMENT_MAX, as kexec-tools */
#define CC_PURG_DIGEST_SIZE   32 /* SHA-256 */

#define CC_PURG_INFO_OFF_MAGIC        0x000
#define CC_PURG_INFO_OFF_VERSION      0x008
#define CC_PURG_INFO_OFF_SIZE         0x00c
#define CC_PURG_INFO_OFF_REGIONS      0x010
#define CC_PURG_INFO_OFF_DIGEST       0x110
#define CC_PURG_INFO_OFF_ENTRY        0x130
#define CC_PURG_INFO_OFF_PARAMS       0x138
#define CC_PURG_INFO_OFF_BACKUP_SRC   0x140
#define CC_PURG_INFO_OFF_BACKUP_DST   0x148
#define CC_PURG_INFO_OFF_BACKUP_SIZE  0x150
#define CC_PURG_INFO_OFF_ACTION_FAIL  0x158
#define CC_PURG_INFO_OFF_TEST_FLAGS   0x15c
#define CC_PURG_INFO_OFF_SERIAL_PORT  0x160
#define CC_PURG_INFO_SIZE             0x180

/* Test-only behaviour (set only by test runs of the loader). */
#define CC_PURG_TEST_FORCE_MISMATCH (1u << 0) /* corrupt the computed digest: exercises the failure path */

#ifndef __ASSEMBLER__

/* One hashed range of physical memory. */
struct cc_sha_region {
	uint64_t start; /* 0x00 physical address */
	uint64_t len;   /* 0x08 bytes; 0 = unused slot */
};

struct cc_purgatory_header {
	uint64_t magic;        /* 0x00 CC_PURG_MAGIC */
	uint32_t version;      /* 0x08 CC_PURG_VERSION */
	uint32_t header_size;  /* 0x0c CC_PURG_HDR_SIZE */
	uint32_t entry_offset; /* 0x10 kexec entry = load address + this */
	uint32_t info_offset;  /* 0x14 CC_PURG_OFF_INFO */
	uint32_t info_size;    /* 0x18 CC_PURG_INFO_SIZE */
	uint32_t file_size;    /* 0x1c segment bufsz */
	uint32_t mem_size;     /* 0x20 segment memsz (round up to 4096) */
	uint32_t load_align;   /* 0x24 CC_PURG_LOAD_ALIGN */
	uint8_t  reserved[24]; /* 0x28 zero */
};                         /* 0x40 */

struct cc_purgatory_info {
	uint64_t magic;        /* 0x000 CC_PURG_INFO_MAGIC (set by the build) */
	uint32_t version;      /* 0x008 CC_PURG_VERSION (set by the build) */
	uint32_t size;         /* 0x00c CC_PURG_INFO_SIZE (set by the build) */
	/* Hashed in slot order into ONE digest, as if the regions were
	 * concatenated; len 0 slots are skipped.  Never cover the purgatory's
	 * own segment: its stack and GDT pointer change while it runs. */
	struct cc_sha_region regions[CC_PURG_MAX_REGIONS]; /* 0x010 */
	uint8_t  digest[CC_PURG_DIGEST_SIZE];               /* 0x110 expected SHA-256 */
	uint64_t entry;        /* 0x130 payload entry (capture.bin load + entry64_offset) */
	uint64_t params;       /* 0x138 struct cc_params, passed in RDI */
	uint64_t backup_src;   /* 0x140 copy [src, src+size) ... */
	uint64_t backup_dst;   /* 0x148 ... to dst after a good check */
	uint64_t backup_size;  /* 0x150 bytes; 0 = no backup */
	uint32_t action_fail;  /* 0x158 CC_ACTION_* (params.h); POWEROFF halts here */
	uint32_t test_flags;   /* 0x15c CC_PURG_TEST_* */
	uint16_t serial_port;  /* 0x160 16550 base, 0 = COM1 (0x3f8) */
	uint8_t  reserved[30]; /* 0x162 zero */
};                         /* 0x180 */

_Static_assert(sizeof(struct cc_sha_region) == 16, "cc_sha_region layout");
_Static_assert(sizeof(struct cc_purgatory_header) == CC_PURG_HDR_SIZE, "purgatory header size");
_Static_assert(__builtin_offsetof(struct cc_purgatory_header, version) == CC_PURG_HDR_OFF_VERSION, "hdr.version");
_Static_assert(__builtin_offsetof(struct cc_purgatory_header, header_size) == CC_PURG_HDR_OFF_HDR_SIZE, "hdr.header_size");
_Static_assert(__builtin_offsetof(struct cc_purgatory_header, entry_offset) == CC_PURG_HDR_OFF_ENTRY, "hdr.entry_offset");
_Static_assert(__builtin_offsetof(struct cc_purgatory_header, info_offset) == CC_PURG_HDR_OFF_INFO, "hdr.info_offset");
_Static_assert(__builtin_offsetof(struct cc_purgatory_header, info_size) == CC_PURG_HDR_OFF_INFO_SIZE, "hdr.info_size");
_Static_assert(__builtin_offsetof(struct cc_purgatory_header, file_size) == CC_PURG_HDR_OFF_FILE_SIZE, "hdr.file_size");
_Static_assert(__builtin_offsetof(struct cc_purgatory_header, mem_size) == CC_PURG_HDR_OFF_MEM_SIZE, "hdr.mem_size");
_Static_assert(__builtin_offsetof(struct cc_purgatory_header, load_align) == CC_PURG_HDR_OFF_ALIGN, "hdr.load_align");

_Static_assert(sizeof(struct cc_purgatory_info) == CC_PURG_INFO_SIZE, "purgatory info size");
_Static_assert(__builtin_offsetof(struct cc_purgatory_info, version) == CC_PURG_INFO_OFF_VERSION, "info.version");
_Static_assert(__builtin_offsetof(struct cc_purgatory_info, size) == CC_PURG_INFO_OFF_SIZE, "info.size");
_Static_assert(__builtin_offsetof(struct cc_purgatory_info, regions) == CC_PURG_INFO_OFF_REGIONS, "info.regions");
_Static_assert(__builtin_offsetof(struct cc_purgatory_info, digest) == CC_PURG_INFO_OFF_DIGEST, "info.digest");
_Static_assert(__builtin_offsetof(struct cc_purgatory_info, entry) == CC_PURG_INFO_OFF_ENTRY, "info.entry");
_Static_assert(__builtin_offsetof(struct cc_purgatory_info, params) == CC_PURG_INFO_OFF_PARAMS, "info.params");
_Static_assert(__builtin_offsetof(struct cc_purgatory_info, backup_src) == CC_PURG_INFO_OFF_BACKUP_SRC, "info.backup_src");
_Static_assert(__builtin_offsetof(struct cc_purgatory_info, backup_dst) == CC_PURG_INFO_OFF_BACKUP_DST, "info.backup_dst");
_Static_assert(__builtin_offsetof(struct cc_purgatory_info, backup_size) == CC_PURG_INFO_OFF_BACKUP_SIZE, "info.backup_size");
_Static_assert(__builtin_offsetof(struct cc_purgatory_info, action_fail) == CC_PURG_INFO_OFF_ACTION_FAIL, "info.action_fail");
_Static_assert(__builtin_offsetof(struct cc_purgatory_info, test_flags) == CC_PURG_INFO_OFF_TEST_FLAGS, "info.test_flags");
_Static_assert(__builtin_offsetof(struct cc_purgatory_info, serial_port) == CC_PURG_INFO_OFF_SERIAL_PORT, "info.serial_port");

#endif /* __ASSEMBLER__ */

#endif
