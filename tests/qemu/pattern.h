/* tests/qemu/pattern.h - the crash drill's pattern page, defined once for
 * the guest side (tests/qemu/patterns.c) and the host side that looks for
 * it in a vmcore (tests/tools/vmcore_probe.c, --find).
 *
 * pattern(S, i): bytes 0-7 "CCPATTRN", 8-15 S, 16-23 i (little endian), the
 * rest a xorshift64* stream seeded by splitmix64(S ^ i * golden ratio).  The
 * header makes a misplaced page recognisable in a hex dump and lets a scan
 * test a page in one compare; the stream makes every page different and
 * random (nothing for a compressor to squeeze). */
#ifndef CRASHCAP_TESTS_PATTERN_H
#define CRASHCAP_TESTS_PATTERN_H

#include <stdint.h>
#include <string.h>

#define PATTERN_PAGE 4096u
#define PATTERN_MAGIC "CCPATTRN"
#define PATTERN_HEAD 24u /* magic, seed, index */

static inline uint64_t pattern_splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static inline uint64_t pattern_le64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int b = 7; b >= 0; b--)
		v = v << 8 | p[b];
	return v;
}

/* Page i of seed S into p (PATTERN_PAGE bytes). */
static inline void pattern_fill(unsigned char *p, uint64_t seed, uint64_t index)
{
	uint64_t s = pattern_splitmix64(seed ^ (index * 0x9e3779b97f4a7c15ull));
	if (!s)
		s = 1; /* xorshift never leaves 0 */
	memcpy(p, PATTERN_MAGIC, 8);
	for (int b = 0; b < 8; b++) {
		p[8 + b] = (unsigned char)(seed >> (8 * b));
		p[16 + b] = (unsigned char)(index >> (8 * b));
	}
	for (unsigned off = PATTERN_HEAD; off < PATTERN_PAGE; off += 8) {
		s ^= s >> 12;
		s ^= s << 25;
		s ^= s >> 27;
		uint64_t v = s * 0x2545f4914f6cdd1dull;
		for (int b = 0; b < 8; b++)
			p[off + b] = (unsigned char)(v >> (8 * b));
	}
}

/* The seed and index a page claims in its header: 1, or 0 if it has no
 * pattern header.  Only pattern_fill() of them says whether it is one. */
static inline int pattern_claims(const unsigned char *p, uint64_t *seed, uint64_t *index)
{
	if (memcmp(p, PATTERN_MAGIC, 8))
		return 0;
	*seed = pattern_le64(p + 8);
	*index = pattern_le64(p + 16);
	return 1;
}

#endif
