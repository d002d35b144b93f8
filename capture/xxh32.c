/* capture/xxh32.c - see xxh32.h.  Step numbers are the specification's. */
#include "capture/xxh32.h"

#define PRIME32_1 0x9E3779B1u
#define PRIME32_2 0x85EBCA77u
#define PRIME32_3 0xC2B2AE3Du
#define PRIME32_4 0x27D4EB2Fu
#define PRIME32_5 0x165667B1u

static uint32_t rotl(uint32_t x, unsigned r) { return (x << r) | (x >> (32 - r)); }

/* Little endian whatever the alignment; gcc makes this one load. */
static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t round32(uint32_t acc, uint32_t lane)
{
	acc = rotl(acc + lane * PRIME32_2, 13) * PRIME32_1;
	/* Keeps gcc from turning the four lanes into SSE2 vectors, which have
	 * no 32-bit multiply and run at half the speed (xxHash does the same). */
	__asm__("" : "+r"(acc));
	return acc;
}

/* Step 2: whole stripes into the four accumulators; in locals, so the
 * four independent lanes run side by side. */
static void stripes(uint32_t acc[4], const uint8_t *p, uint64_t n)
{
	uint32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
	for (; n >= XXH32_STRIPE; p += XXH32_STRIPE, n -= XXH32_STRIPE) {
		a0 = round32(a0, le32(p));
		a1 = round32(a1, le32(p + 4));
		a2 = round32(a2, le32(p + 8));
		a3 = round32(a3, le32(p + 12));
	}
	acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
}

void xxh32_init(struct xxh32 *s, uint32_t seed)
{
	/* Step 1: initialize the accumulators. */
	s->acc[0] = seed + PRIME32_1 + PRIME32_2;
	s->acc[1] = seed + PRIME32_2;
	s->acc[2] = seed;
	s->acc[3] = seed - PRIME32_1;
	s->ntail = 0;
	s->seed = seed;
	s->total = 0;
}

void xxh32_update(struct xxh32 *s, const void *p, uint64_t len)
{
	const uint8_t *b = p;
	s->total += len;
	if (s->ntail) {
		while (len && s->ntail < XXH32_STRIPE) {
			s->tail[s->ntail++] = *b++;
			len--;
		}
		if (s->ntail < XXH32_STRIPE)
			return;
		stripes(s->acc, s->tail, XXH32_STRIPE);
		s->ntail = 0;
	}
	stripes(s->acc, b, len);
	b += len - len % XXH32_STRIPE;
	len %= XXH32_STRIPE;
	while (len--)
		s->tail[s->ntail++] = *b++;
}

uint32_t xxh32_digest(const struct xxh32 *s)
{
	uint32_t h;
	/* Step 3: converge the accumulators; short inputs never used them. */
	if (s->total >= XXH32_STRIPE)
		h = rotl(s->acc[0], 1) + rotl(s->acc[1], 7) + rotl(s->acc[2], 12) + rotl(s->acc[3], 18);
	else
		h = s->seed + PRIME32_5;
	/* Step 4: the input length, modulo 2^32. */
	h += (uint32_t)s->total;
	/* Step 5: the remaining bytes, 4 at a time, then one at a time. */
	const uint8_t *t = s->tail;
	uint32_t n = s->ntail;
	for (; n >= 4; t += 4, n -= 4)
		h = rotl(h + le32(t) * PRIME32_3, 17) * PRIME32_4;
	for (; n; t++, n--)
		h = rotl(h + *t * PRIME32_5, 11) * PRIME32_1;
	/* Step 6: final mix (avalanche). */
	h ^= h >> 15;
	h *= PRIME32_2;
	h ^= h >> 13;
	h *= PRIME32_3;
	h ^= h >> 16;
	return h;
}

uint32_t xxh32(const void *p, uint64_t len, uint32_t seed)
{
	struct xxh32 s;
	xxh32_init(&s, seed);
	xxh32_update(&s, p, len);
	return xxh32_digest(&s);
}
