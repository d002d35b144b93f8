/* tests/unit/testdata.h - test inputs for compressors (the LZ4 frame test
 * and the LZ4 benchmark): random, zeros, text, and page-like data (4 KiB
 * pages of zeros, direct-map pointers, small structs, noise).  Header only;
 * deterministic (xorshift64 from a fixed seed). */
#ifndef TESTS_UNIT_TESTDATA_H
#define TESTS_UNIT_TESTDATA_H
#include <stdint.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static inline uint64_t next(void)
{
	rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
	return rng;
}

enum kind { RANDOM, ZEROS, TEXT, PAGES, NKINDS };
static const char *const kind_name[] = { "random", "zeros", "text", "pages" };

static inline void fill(uint8_t *b, size_t n, enum kind k)
{
	static const char *words[] = { "kernel ", "page ", "struct ", "memory ", "crash ", "dump ",
				       "the ", "of ", "0x", "\n", "lz4 ", "frame " };
	size_t i = 0;
	switch (k) {
	case RANDOM:
		for (; i < n; i++)
			b[i] = (uint8_t)next();
		break;
	case ZEROS:
		memset(b, 0, n);
		break;
	case TEXT:
		while (i < n) {
			const char *w = words[next() % 12];
			for (; *w && i < n; w++)
				b[i++] = (uint8_t)*w;
		}
		break;
	case PAGES:
		/* 4 KiB pages of what a kernel holds: zero pages, arrays of
		 * pointers into the direct map, small structs, some noise. */
		for (size_t pg = 0; pg < n; pg += 4096) {
			size_t end = n - pg < 4096 ? n - pg : 4096;
			unsigned t = next() % 4;
			for (size_t j = 0; j < end; j += 8) {
				uint64_t v = 0;
				if (t == 1)
					v = 0xffff888000000000ull | (next() & 0x3ffffff8ull);
				else if (t == 2)
					v = (j % 64 == 0) ? 0xffff888100000000ull + pg * 64 + j : (j % 64 == 8 ? 1 : 0);
				else if (t == 3)
					v = next() % 3 ? next() : 0;
				for (size_t k2 = 0; k2 < 8 && j + k2 < end; k2++)
					b[pg + j + k2] = (uint8_t)(v >> (8 * k2));
			}
		}
		break;
	default:
		break;
	}
}

#endif
