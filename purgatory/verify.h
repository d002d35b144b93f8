/* purgatory/verify.h - the digest over the loaded segments.
 *
 * Pure functions over memory, so the host tests run them unchanged on
 * ordinary buffers (a region's start is then a host pointer). */
#ifndef PURGATORY_VERIFY_H
#define PURGATORY_VERIFY_H

#include <stdint.h>
#include "crashcap/purgatory.h"

/* SHA-256 of regions[0..n) in order, as if concatenated; len 0 slots add
 * nothing.  This is the scheme of kexec-tools (update_purgatory /
 * verify_sha256_digest).  Returns the number of bytes hashed. */
uint64_t purg_hash_regions(const struct cc_sha_region *regions, unsigned n,
			   uint8_t out[CC_PURG_DIGEST_SIZE]);

/* 1 if the two digests are equal. */
int purg_digest_equal(const uint8_t *a, const uint8_t *b);

/* 1 if [a, a+alen) and [b, b+blen) share a byte (empty ranges never do). */
int purg_ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen);

#endif
