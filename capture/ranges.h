/* capture/ranges.h - building the list of memory ranges to dump.  Pure
 * (host-tested in tests/unit/test_ranges.c). */
#ifndef CAPTURE_RANGES_H
#define CAPTURE_RANGES_H
#include "crashcap/params.h"

/* Append [start, end) rounded out to 4 KiB pages, vaddr 0, src = paddr,
 * keeping the list sorted by address and merging overlaps.  0, or -1 when
 * CC_MAX_RANGES would be exceeded. */
int ranges_add(struct cc_params *p, uint64_t start, uint64_t end);
/* Remove [start, end) (rounded out to pages) from every range, splitting
 * where needed.  0, or -1 when a split does not fit. */
int ranges_remove(struct cc_params *p, uint64_t start, uint64_t end);
/* Sum of range sizes. */
uint64_t ranges_total(const struct cc_params *p);

#endif
