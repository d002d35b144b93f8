/* capture/coremap.h - which bytes of each memory range go into the core
 * file: zero-run elision.
 *
 * Each range is scanned in blocks of COREMAP_BLOCK bytes.  A run of
 * all-zero blocks at least min_run bytes long is left out of the file: the
 * PT_LOAD before it ends with p_memsz > p_filesz (ELF: the bytes between
 * p_filesz and p_memsz read as zeros), and a new PT_LOAD starts where
 * non-zero data resumes.  A range that starts with such a run gets a
 * PT_LOAD with p_filesz 0.  Every byte of every range stays covered by
 * exactly one PT_LOAD, in address order; all sizes are whole pages.
 *
 * The number of PT_LOADs is bounded by cap: when one more split would
 * exceed it, min_run doubles and the runs already left out that are
 * shorter than the new minimum are written after all (their PT_LOADs
 * merge), until the split fits or is itself no longer long enough.  So
 * elision never makes a dump fail; the result is the layout a scan with
 * the final min_run would have given.  A run that ends its range costs no
 * PT_LOAD (the range's last one just gets p_memsz > p_filesz): it is left
 * out whenever it is at least the first minimum, whatever the cap.
 *
 * The scan reads memory once and the write pass reads it again: this relies
 * on the crashed machine's memory not changing in between (only the payload
 * runs, the other CPUs are stopped, bus mastering is off on every device
 * but the target).  Pure: memory is read through the range's src address,
 * which the payload has identity mapped (host-tested in
 * tests/unit/test_coremap.c with host buffers as src). */
#ifndef CAPTURE_COREMAP_H
#define CAPTURE_COREMAP_H
#include <stddef.h>
#include <stdint.h>
#include "crashcap/dumpfmt.h"
#include "crashcap/params.h"

#define COREMAP_BLOCK      4096ull        /* scan granularity: one page */
#define COREMAP_MIN_RUN    (1ull << 20)   /* shortest zero run left out, at first */
#define COREMAP_MAX_SEGS   1024           /* PT_LOADs at most (the head has room for fewer) */
#define COREMAP_KERNEL_MAP CC_KERNEL_MAP /* __START_KERNEL_map: vaddr of the kernel image */

/* One PT_LOAD: bytes [off, off + memsz) of range `range`; the first filesz
 * of them are in the file (read from src + off), the rest are zeros. */
struct cm_seg {
	uint64_t off;
	uint64_t filesz;
	uint64_t memsz;
	uint32_t range;
	uint32_t pad;
};

struct coremap {
	struct cm_seg *seg;
	uint32_t cap;        /* room in seg[], at least nr_ranges */
	uint32_t n;          /* segments closed so far */
	uint32_t nr_ranges;  /* ranges in all; each needs one segment */
	uint32_t started;    /* ranges begun */
	uint64_t min_run;    /* zero runs inside a range shorter than this are written */
	uint64_t end_min_run;/* the same for a run that ends its range: fixed */
	uint32_t raised;     /* how often min_run doubled */
	/* the range being scanned */
	uint32_t cur;        /* UINT32_MAX between ranges */
	uint64_t cur_size;
	uint64_t open_off;   /* start of the segment not closed yet */
	uint64_t run_start;  /* start of the zero run up to here, or NO_RUN */
	uint64_t pos;        /* bytes of the range classified so far */
};

/* Empty map for nr_ranges ranges with room for cap segments.  0, or -1 if
 * cap < nr_ranges. */
int coremap_init(struct coremap *m, struct cm_seg *buf, uint32_t cap, uint32_t nr_ranges, uint64_t min_run);

/* Building by hand, range by range, block by block (what coremap_scan does;
 * the unit test also drives it directly).  Ranges must be begun in order
 * 0, 1, ...; blocks come in order and cover the range exactly; len is a
 * multiple of 4096. */
void coremap_begin(struct coremap *m, uint32_t range, uint64_t size);
void coremap_block(struct coremap *m, uint64_t len, int zero);
void coremap_end(struct coremap *m);
/* A range kept whole: one segment, filesz = memsz = size, not scanned. */
void coremap_whole(struct coremap *m, uint32_t range, uint64_t size);

/* Are len bytes at p all zero?  len a multiple of 64, p 8-byte aligned. */
int coremap_is_zero(const void *p, uint64_t len);

/* Called between pieces of a scan with the bytes of all ranges scanned so
 * far (for the payload's progress lines). */
typedef void (*coremap_tick)(void *ctx, uint64_t scanned);

/* Bytes coremap_scan reads: the ranges it scans. */
uint64_t coremap_scan_bytes(const struct cc_params *p, int elide);
/* The whole map of p: every range scanned from its src, except the
 * kernel-image range (vaddr >= COREMAP_KERNEL_MAP), which is kept whole,
 * and every range when elide is 0.  tick (may be NULL) is called after
 * every `piece` bytes scanned and at the end. */
void coremap_scan(struct coremap *m, const struct cc_params *p, int elide,
		  coremap_tick tick, void *ctx, uint64_t piece);

/* Sums over the finished map. */
uint64_t coremap_file_bytes(const struct coremap *m);
uint64_t coremap_mem_bytes(const struct coremap *m);

#endif
