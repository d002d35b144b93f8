/* tests/unit/test_string.c - boot/string.c's memcpy, memmove and memset
 * (string instructions: quadword steps, then the tail byte by byte),
 * linked in place of the C library's, against byte loops: every length
 * 0..300, every alignment of source and destination within 8 bytes, the
 * bytes around the destination untouched, overlapping moves both ways. */
#include <stdint.h>
#include <stdio.h>
#include "boot/string.h"
#include "tests/unit/check.h"

#define MAXLEN 300
#define GUARD  16

/* Called through volatile pointers, so gcc cannot inline its own copy. */
static void *(*volatile cpy)(void *, const void *, size_t) = memcpy;
static void *(*volatile mov)(void *, const void *, size_t) = memmove;
static void *(*volatile set)(void *, int, size_t) = memset;

static uint8_t src[MAXLEN + 2 * GUARD], dst[MAXLEN + 2 * GUARD], want[MAXLEN + 2 * GUARD];

static void pattern(volatile uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 131 + seed * 17 + 1);
}

static void copies(void)
{
	unsigned bad = 0;
	for (size_t len = 0; len <= MAXLEN; len++)
		for (unsigned sa = 0; sa < 8; sa++)
			for (unsigned da = 0; da < 8; da++) {
				pattern(src, sizeof(src), 1);
				pattern(dst, sizeof(dst), 2);
				pattern(want, sizeof(want), 2);
				for (size_t i = 0; i < len; i++) /* the reference, byte by byte */
					((volatile uint8_t *)want)[GUARD + da + i] = src[GUARD + sa + i];
				void *r = cpy(dst + GUARD + da, src + GUARD + sa, len);
				if (r != dst + GUARD + da || memcmp(dst, want, sizeof(dst))) {
					if (bad++ < 5)
						CHECKF(0, "memcpy of %zu bytes, source +%u, destination +%u", len, sa, da);
				}
			}
	CHECKF(!bad, "%u memcpy cases wrong", bad);
}

static void sets(void)
{
	static const int values[] = { 0, 0x5a, 0x80, 0xff, -1, 0x1234 };
	unsigned bad = 0;
	for (unsigned v = 0; v < sizeof(values) / sizeof(values[0]); v++)
		for (size_t len = 0; len <= MAXLEN; len++)
			for (unsigned da = 0; da < 8; da++) {
				pattern(dst, sizeof(dst), 3);
				pattern(want, sizeof(want), 3);
				for (size_t i = 0; i < len; i++)
					((volatile uint8_t *)want)[GUARD + da + i] = (uint8_t)values[v];
				void *r = set(dst + GUARD + da, values[v], len);
				if (r != dst + GUARD + da || memcmp(dst, want, sizeof(dst))) {
					if (bad++ < 5)
						CHECKF(0, "memset of %zu bytes to %#x at +%u", len, values[v], da);
				}
			}
	CHECKF(!bad, "%u memset cases wrong", bad);
}

/* memmove within one buffer: the destination below, above and equal to
 * the source, overlapping or not. */
static void moves(void)
{
	unsigned bad = 0;
	for (size_t len = 0; len <= 80; len++)
		for (int shift = -20; shift <= 20; shift++) {
			size_t from = 100, to = (size_t)((int)from + shift);
			pattern(dst, sizeof(dst), 4);
			pattern(want, sizeof(want), 4);
			uint8_t tmp[MAXLEN];
			for (size_t i = 0; i < len; i++)
				((volatile uint8_t *)tmp)[i] = dst[from + i];
			for (size_t i = 0; i < len; i++)
				((volatile uint8_t *)want)[to + i] = tmp[i];
			void *r = mov(dst + to, dst + from, len);
			if (r != dst + to || memcmp(dst, want, sizeof(dst))) {
				if (bad++ < 5)
					CHECKF(0, "memmove of %zu bytes by %d", len, shift);
			}
		}
	CHECKF(!bad, "%u memmove cases wrong", bad);
}

int main(void)
{
	copies();
	sets();
	moves();
	CHECK_DONE();
}
