/* capture/crc32.h - CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320), the
 * same value as zlib's crc32(0, buf, len).  Shared by payload and loader. */
#ifndef CAPTURE_CRC32_H
#define CAPTURE_CRC32_H
#include <stddef.h>
#include <stdint.h>

/* crc32_update(0, buf, len) gives the CRC of buf; chain calls for streams. */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t len);

#endif
