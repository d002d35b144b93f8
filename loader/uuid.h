/* loader/uuid.h - the 16-byte target UUID as text (8-4-4-4-12 hex). */
#ifndef LOADER_UUID_H
#define LOADER_UUID_H

#include <stdint.h>

#define UUID_TEXT_LEN 36 /* without the terminating NUL */

/* out receives UUID_TEXT_LEN characters plus a NUL, lowercase hex. */
void uuid_format(const uint8_t uuid[16], char out[UUID_TEXT_LEN + 1]);
/* Accepts exactly the canonical form (either case): 0, or -1 if s is not one. */
int uuid_parse(const char *s, uint8_t uuid[16]);

#endif
