/* loader/dumplevel.h - the dump level (makedumpfile's -d bits, CC_DL_* in
 * include/crashcap/params.h) and the compression (CC_COMPRESS_*) as
 * `crashcap load` reads them and as load and status print them.  Pure. */
#ifndef LOADER_DUMPLEVEL_H
#define LOADER_DUMPLEVEL_H

#include <stddef.h>
#include <stdint.h>

/* Decimal digits only (no sign, no space, no 0x; "010" is ten, never
 * octal), value 0..CC_DL_MAX: 0, or -1. */
int dumplevel_parse(const char *s, uint32_t *level);

/* "lz4" or "none": 0 and *c = CC_COMPRESS_*, or -1. */
int compress_parse(const char *s, uint32_t *c);
/* The word for a CC_COMPRESS_* value, or NULL if there is none. */
const char *compress_name(uint32_t c);

/* What the bits of level leave out, in words and bit order, e.g. "zero
 * pages, page cache, user data"; "nothing" for 0; bits above CC_DL_MAX
 * are named "bit N".  Always NUL-terminated (cut short if size is small). */
void dumplevel_words(uint32_t level, char *buf, size_t size);

#endif
