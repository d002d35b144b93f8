/* purgatory/sha256.h - SHA-256 (FIPS 180-4), pure and freestanding.
 *
 * No allocation, no library calls, no global state: the same file runs in
 * the purgatory (no SSE) and in host programs (the loader, the tests). */
#ifndef PURGATORY_SHA256_H
#define PURGATORY_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_BLOCK_SIZE  64
#define SHA256_DIGEST_SIZE 32

struct sha256_ctx {
	uint32_t h[8];                   /* chaining value */
	uint64_t total;                  /* message bytes so far */
	uint8_t  buf[SHA256_BLOCK_SIZE]; /* partial block */
	uint32_t buflen;                 /* bytes in buf, < SHA256_BLOCK_SIZE */
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, uint8_t out[SHA256_DIGEST_SIZE]);
/* One call for a whole buffer. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

#endif
