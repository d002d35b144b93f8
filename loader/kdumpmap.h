/* loader/kdumpmap.h - the two bitmaps of a kdump-compressed file
 * (loader/kdumpfmt.h) and the page_desc index they give each page.
 *
 * Bitmap 1: the pfns of RAM, the union of the HEAD's ranges.  The
 * kernel-image range (vaddr 0xffffffff80000000 and up) is a second view of
 * RAM that is already there: its pfns are the RAM's, not others.
 * Bitmap 2: the pfns whose data is in the file, the union over both views
 * of the pages a chunk kept, plus every pfn of the kernel-image view that
 * a chunk covered (km_fill_kernel): the kernel's static data must be
 * readable, and what the level left out there reads as zeros, as in the
 * ELF form.  A page's descriptor is the rank of its pfn in bitmap 2.
 * Pure: no I/O. */
#ifndef LOADER_KDUMPMAP_H
#define LOADER_KDUMPMAP_H

#include <stdint.h>
#include "crashcap/dumpfmt.h"
#include "loader/pagestream.h"

#define KM_MAX_PADDR (1ull << 52) /* x86-64 physical addresses have at most 52 bits */

struct kdump_map {
	uint64_t max_mapnr;     /* pfns 0 .. max_mapnr - 1: the end of the highest range */
	uint64_t words;         /* 64-bit words of one bitmap, a whole number of blocks */
	uint64_t *ram;          /* bitmap 1 */
	uint64_t *dumped;       /* bitmap 2 */
	uint64_t *seen;         /* pfns some chunk covered, kept or not */
	uint64_t *done;         /* pfns whose data the writer has placed */
	uint64_t *rank;         /* per block of 8 words: bits of bitmap 2 before it (km_index) */
	uint64_t nram, ndumped; /* bits set (ndumped after km_index) */
};

/* Size the bitmaps for the ranges and fill bitmap 1.  0, or -1 with why
 * (a range beyond KM_MAX_PADDR, or no memory). */
int km_init(struct kdump_map *m, const struct ps_range *r, unsigned n, char *why, size_t whylen);
void km_free(struct kdump_map *m);
/* The chunk's kept pages go into bitmap 2, all its pages into seen. */
void km_mark_chunk(struct kdump_map *m, const struct cc_rec_chunk *c);
/* Every seen pfn of a kernel-image range (vaddr CC_KERNEL_MAP and up) goes
 * into bitmap 2.  Returns how many were not there yet. */
uint64_t km_fill_kernel(struct kdump_map *m, const struct ps_range *r, unsigned n);
/* Count bitmap 2: ndumped and the ranks. */
void km_index(struct kdump_map *m);
/* Descriptor index of pfn, which must be set in bitmap 2. */
uint64_t km_rank(const struct kdump_map *m, uint64_t pfn);
/* Bytes of one bitmap in the file. */
uint64_t km_bitmap_bytes(const struct kdump_map *m);

static inline int km_test(const uint64_t *b, uint64_t pfn)
{
	return (int)((b[pfn >> 6] >> (pfn & 63)) & 1);
}

static inline void km_set(uint64_t *b, uint64_t pfn)
{
	b[pfn >> 6] |= 1ull << (pfn & 63);
}

#endif
