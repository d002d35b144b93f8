/* tests/unit/test_loadopt.c - loader/loadopt.c on EFI_LOAD_OPTION bytes
 * as efibootmgr 17 writes them (attributes, FilePathListLength, UCS-2
 * description, device path), built here byte by byte. */
#include <stdint.h>

#include "loader/loadopt.h"
#include "tests/unit/check.h"

/* attributes 1 (active), a path of pathlen bytes after the description */
static size_t make(uint8_t *b, const char *desc, unsigned pathlen, size_t pathbytes)
{
	size_t n = 0;
	b[n++] = 1; b[n++] = 0; b[n++] = 0; b[n++] = 0;
	b[n++] = (uint8_t)pathlen; b[n++] = (uint8_t)(pathlen >> 8);
	for (const char *p = desc; *p; p++) {
		b[n++] = (uint8_t)*p;
		b[n++] = 0;
	}
	b[n++] = 0; b[n++] = 0;
	for (size_t i = 0; i < pathbytes; i++)
		b[n++] = i + 4 == pathbytes ? 0x7f : 0x04; /* filler, then an end node's first byte */
	return n;
}

int main(void)
{
	uint8_t b[256];
	char d[64];

	size_t n = make(b, "crashcap hangcap", 8, 8);
	CHECK_EQ(loadopt_description(b, n, d, sizeof(d)), 0);
	CHECK_STR(d, "crashcap hangcap");
	CHECK_EQ(loadopt_description(b, n - 1, d, sizeof(d)), -1);  /* the path is cut */
	CHECK_EQ(loadopt_description(b, 6 + 2 * 16, d, sizeof(d)), -1); /* no terminator */
	CHECK_EQ(loadopt_description(b, n, d, 16), -1);              /* the room: 16 characters + NUL */
	CHECK_EQ(loadopt_description(b, n, d, 17), 0);
	CHECK_EQ(loadopt_description(b, 7, d, sizeof(d)), -1);
	n = make(b, "", 4, 4);                                       /* an empty description */
	CHECK_EQ(loadopt_description(b, n, d, sizeof(d)), 0);
	CHECK_STR(d, "");
	n = make(b, "UEFI QEMU HARDDISK", 4, 4);
	b[6 + 2 * 4 + 1] = 0x30;                                     /* a character past ASCII */
	CHECK_EQ(loadopt_description(b, n, d, sizeof(d)), -1);
	n = make(b, "tab\there", 4, 4);                              /* a control character */
	CHECK_EQ(loadopt_description(b, n, d, sizeof(d)), -1);
	CHECK_DONE();
}
