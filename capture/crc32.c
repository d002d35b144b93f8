/* capture/crc32.c - bitwise CRC-32: small, table-free; it only ever covers
 * a 128-byte header. */
#include "capture/crc32.h"

#define CRC32_POLY_REFLECTED 0xedb88320u

uint32_t crc32_update(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (CRC32_POLY_REFLECTED & -(crc & 1));
	}
	return ~crc;
}
