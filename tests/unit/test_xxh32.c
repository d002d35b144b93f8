/* tests/unit/test_xxh32.c - capture/xxh32.c against Debian's libxxhash
 * (XXH32 from libxxhash-dev, the oracle) on every length from 0 to 300,
 * many seeds and alignments, streamed in pieces of every size, plus the
 * values the LZ4 frame format needs (empty input, seed 0). */
#include <stdlib.h>
#include <xxhash.h>
#include "capture/xxh32.h"
#include "tests/unit/check.h"

#define MAXLEN 300

int main(void)
{
	static uint8_t buf[MAXLEN + 8];
	uint64_t x = 0x243f6a8885a308d3ull;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		buf[i] = (uint8_t)x;
	}

	/* Known answers, independent of both implementations. */
	CHECK_EQ(xxh32("", 0, 0), 0x02cc5d05);
	CHECK_EQ(xxh32("a", 1, 0), 0x550d7456);
	CHECK_EQ(xxh32("abc", 3, 0), 0x32d153ff);

	static const uint32_t seeds[] = { 0, 1, 0x9e3779b1, 0xffffffff };
	for (unsigned si = 0; si < sizeof(seeds) / sizeof(seeds[0]); si++)
		for (size_t len = 0; len <= MAXLEN; len++)
			for (size_t align = 0; align < 4; align++) {
				uint32_t want = XXH32(buf + align, len, seeds[si]);
				CHECKF(xxh32(buf + align, len, seeds[si]) == want, "len %zu align %zu seed %x", len, align, seeds[si]);
			}

	/* Streamed in pieces of every size from 1 to 40: same value. */
	for (size_t piece = 1; piece <= 40; piece++)
		for (size_t len = 0; len <= MAXLEN; len += 7) {
			struct xxh32 s;
			xxh32_init(&s, 0);
			for (size_t off = 0; off < len; off += piece)
				xxh32_update(&s, buf + off, len - off < piece ? len - off : piece);
			CHECKF(xxh32_digest(&s) == XXH32(buf, len, 0), "len %zu in pieces of %zu", len, piece);
		}

	/* A digest in the middle does not disturb the stream. */
	struct xxh32 s;
	xxh32_init(&s, 0);
	xxh32_update(&s, buf, 100);
	CHECK_EQ(xxh32_digest(&s), XXH32(buf, 100, 0));
	xxh32_update(&s, buf + 100, 150);
	CHECK_EQ(xxh32_digest(&s), XXH32(buf, 250, 0));

	/* One large input (1 MiB of pattern) */
	size_t big = 1u << 20;
	uint8_t *b = malloc(big);
	for (size_t i = 0; i < big; i++)
		b[i] = (uint8_t)(i * 2654435761u >> 13);
	CHECK_EQ(xxh32(b, big, 0), XXH32(b, big, 0));
	free(b);
	CHECK_DONE();
}
