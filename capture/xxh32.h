/* capture/xxh32.h - XXH32, the 32-bit xxHash (xxHash specification v0.1.1,
 * "XXH32 algorithm description"): the checksum of the LZ4 frame format
 * (header check byte, block and content checksums, all with seed 0).
 * One shot with xxh32(), or streamed over pieces with init/update/digest;
 * both give libxxhash's XXH32() value.  Shared by payload and tests. */
#ifndef CAPTURE_XXH32_H
#define CAPTURE_XXH32_H
#include <stdint.h>

#define XXH32_STRIPE 16 /* bytes consumed per round of the four lanes */

struct xxh32 {
	uint32_t acc[4];              /* the four lane accumulators */
	uint8_t  tail[XXH32_STRIPE];  /* bytes not yet a whole stripe */
	uint32_t ntail;
	uint32_t seed;
	uint64_t total;               /* bytes fed so far */
};

void xxh32_init(struct xxh32 *s, uint32_t seed);
void xxh32_update(struct xxh32 *s, const void *p, uint64_t len);
/* The hash of everything fed so far; the state may go on being fed. */
uint32_t xxh32_digest(const struct xxh32 *s);
uint32_t xxh32(const void *p, uint64_t len, uint32_t seed);

#endif
