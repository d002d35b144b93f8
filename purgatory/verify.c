/* purgatory/verify.c - hash the loaded segments and compare. */
#include "purgatory/verify.h"
#include "purgatory/sha256.h"

uint64_t purg_hash_regions(const struct cc_sha_region *regions, unsigned n,
			   uint8_t out[CC_PURG_DIGEST_SIZE])
{
	struct sha256_ctx c;
	uint64_t total = 0;

	sha256_init(&c);
	for (unsigned i = 0; i < n; i++) {
		if (!regions[i].len)
			continue;
		/* Physical address == pointer: the kexec identity map covers
		 * every segment (kexec-abi.md 2.4). */
		sha256_update(&c, (const void *)(uintptr_t)regions[i].start, regions[i].len);
		total += regions[i].len;
	}
	sha256_final(&c, out);
	return total;
}

int purg_digest_equal(const uint8_t *a, const uint8_t *b)
{
	uint8_t diff = 0;

	for (int i = 0; i < CC_PURG_DIGEST_SIZE; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

int purg_ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	if (!alen || !blen)
		return 0;
	/* Written without a + alen, which can wrap. */
	return a < b ? b - a < alen : a - b < blen;
}
