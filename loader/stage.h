/* loader/stage.h - building what kexec_load gets: the parameter block
 * (include/crashcap/params.h), the purgatory's patch block
 * (include/crashcap/purgatory.h) and its SHA-256 digest.  Pure: no I/O,
 * every input comes in as data, so the host tests can drive it. */
#ifndef LOADER_STAGE_H
#define LOADER_STAGE_H

#include <stddef.h>
#include <stdint.h>
#include "crashcap/dumpfmt.h"
#include "crashcap/image.h"
#include "crashcap/params.h"
#include "crashcap/purgatory.h"
#include "loader/iomem.h"
#include "loader/layout.h"

/* The low memory the purgatory copies aside before the payload runs, as
 * kexec-tools does for x86_64 (kexec-abi.md 3.4): the RAM below 640 KiB. */
#define STAGE_BACKUP_LIMIT 0xa0000ull

/* Check the header at offset 0 of build/capture.bin: 0, or -1 with why. */
int stage_check_payload(const void *img, size_t len, struct cc_image_header *h, char *why, size_t size);
/* Check the header and patch block of build/purgatory.bin: 0, or -1. */
int stage_check_purgatory(const void *img, size_t len, struct cc_purgatory_header *h, char *why, size_t size);

/* The kernel image as one PT_LOAD: vaddr = _text, paddr = "Kernel code"
 * start, up to the end of "Kernel bss" (else _end), whole pages. */
struct ktext {
	int valid;
	uint64_t vaddr, paddr, size;
};
/* From iomem and the _text/_end virtual addresses (0 = unknown).
 * kt->valid is 0 when "Kernel code" or _text is missing. */
void stage_kernel_text(const struct iomem *m, uint64_t text_vaddr, uint64_t end_vaddr, struct ktext *kt);

/* magic, version, size; everything else zero. */
void stage_params_init(struct cc_params *p);

/* The PT_LOAD list into p->ranges: every "System RAM" line, rounded out to
 * pages and merged, minus every "Crash kernel" and "GART" line; vaddr =
 * page_offset + paddr.  The RAM below STAGE_BACKUP_LIMIT becomes its own
 * range, *backup_index (-1 if there is no such RAM) with *backup_size
 * bytes; the caller points its src at the backup copy once placed.  The
 * kernel image (if kt->valid) goes first.  0, or -1 with why (too many
 * ranges for the payload). */
int stage_ranges(struct cc_params *p, const struct iomem *m, uint64_t page_offset,
		 const struct ktext *kt, int *backup_index, uint64_t *backup_size, char *why, size_t size);

/* Bytes of RAM in p->ranges, not counting the kernel image's second copy. */
uint64_t stage_ram_bytes(const struct cc_params *p, const struct ktext *kt);
/* The size of the core file the payload will write (ELF head with the
 * notes at their largest, then every range). */
uint64_t stage_core_size(const struct cc_params *p);

/* The largest a CC_ENC_PAGES data area (include/crashcap/dumpfmt.h) can
 * be for p: the HEAD record with the ELF head of stage_core_size's raw
 * ELF before zero runs (one PT_LOAD per range, notes at their largest),
 * one CHUNK record per CC_CHUNK_PAGES pages of each range, each followed
 * by an LZ4 frame that keeps every page and compresses none (stored
 * blocks: 4-byte size and 4-byte checksum each, frame header at its
 * largest, end mark, content checksum), and the END record.  Real dumps
 * are far smaller: this is what the target must hold to be sure. */
uint64_t stage_pages_size_bound(const struct cc_params *p);

/* Fill pi->regions with {mem, bufsz} of every hashed segment that loads
 * bytes, in segment order, and pi->digest with SHA-256 over those bytes
 * (buf).  The zero fill up to memsz is not hashed: it is the payload's
 * .bss, which boot/head.asm clears on entry.  0, or -1 if more than
 * CC_PURG_MAX_REGIONS segments are hashed. */
int stage_digest(const struct segment *segs, unsigned n, struct cc_purgatory_info *pi);

/* Write pi over the patch block of the purgatory image copy img (which
 * stage_check_purgatory accepted), keeping the build's magic, version and
 * size. */
void stage_patch_purgatory(void *img, const struct cc_purgatory_header *h, const struct cc_purgatory_info *pi);

#endif
