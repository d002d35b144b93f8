/* loader/hexdigit.h - the value of one hexadecimal digit, for the loader's
 * text parsers (UUIDs, VMCOREINFO).  Inline: the host tools that link one
 * parser without the other need no extra object. */
#ifndef LOADER_HEXDIGIT_H
#define LOADER_HEXDIGIT_H

/* 0..15, or -1 if c is not a hexadecimal digit (either case). */
static inline int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
