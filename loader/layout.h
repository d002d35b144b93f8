/* loader/layout.h - where the segments go inside the crash region.
 *
 * The segments are placed in the order given, from the start of the
 * region upward, each at the next address that satisfies its alignment
 * (at least 4 KiB) with memsz rounded up to whole pages, because
 * kexec_load refuses anything else (kexec-abi.md 1.2).  What is left above
 * the last segment must hold the pages the kernel itself allocates in the
 * region at load time: control page, identity page tables, vmcoreinfo copy
 * (kexec-abi.md 1.3); layout_slack() estimates them.  Pure: host-tested in
 * tests/unit/test_layout.c. */
#ifndef LOADER_LAYOUT_H
#define LOADER_LAYOUT_H

#include <stdint.h>

#define LAYOUT_PAGE 4096ull

/* One kexec segment as the loader stages it. */
struct segment {
	const char *name;   /* "purgatory", "payload", "params", "backup" */
	const void *buf;    /* bufsz bytes copied to mem; the rest is zeroed */
	uint64_t bufsz;
	uint64_t memsz;     /* layout_place() rounds it up to a page multiple */
	uint64_t align;     /* power of two; below 4 KiB means 4 KiB */
	uint64_t mem;       /* physical address, set by layout_place() */
	int hashed;         /* covered by the purgatory's SHA-256 */
};

/* Bytes to leave free for the kernel's pages: one page per GiB of RAM
 * (2 MiB-page identity map: a PMD page per GiB) plus 16 pages (PGD, PUDs,
 * control page, vmcoreinfo copy, spare), and never under 64 KiB. */
uint64_t layout_slack(uint64_t ram_bytes);

#define LAYOUT_OK         0
#define LAYOUT_TOO_SMALL -1 /* *need says how many bytes the region must have */
#define LAYOUT_BAD       -2 /* bufsz > memsz, alignment not a power of two, overflow */

/* Place segs[0..n) in [region_start, region_end) (end exclusive) with
 * slack bytes to spare above them.  *need receives the bytes needed from
 * region_start (segments, alignment gaps and slack) in every case. */
int layout_place(uint64_t region_start, uint64_t region_end, struct segment *segs,
		 unsigned n, uint64_t slack, uint64_t *need);

#endif
