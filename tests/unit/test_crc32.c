/* tests/unit/test_crc32.c - capture/crc32.c against known CRC-32 vectors
 * (the values of zlib's crc32()). */
#include "capture/crc32.h"
#include "tests/unit/check.h"

static uint32_t crc_of(const char *s)
{
	return crc32_update(0, s, strlen(s));
}

int main(void)
{
	static const unsigned char zeros[32];

	CHECK_EQ(crc32_update(0, "", 0), 0);
	CHECK_EQ(crc_of("123456789"), 0xcbf43926);
	CHECK_EQ(crc_of("a"), 0xe8b7be43);
	CHECK_EQ(crc_of("The quick brown fox jumps over the lazy dog"), 0x414fa339);
	CHECK_EQ(crc32_update(0, zeros, sizeof(zeros)), 0x190a55ad);

	/* chained calls give the CRC of the concatenation */
	CHECK_EQ(crc32_update(crc32_update(0, "1234", 4), "56789", 5), 0xcbf43926);
	CHECK_EQ(crc32_update(crc_of("123456789"), "", 0), 0xcbf43926);
	CHECK_DONE();
}
