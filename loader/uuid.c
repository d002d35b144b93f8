/* loader/uuid.c - see uuid.h. */
#include "loader/uuid.h"
#include "loader/hexdigit.h"

/* Dashes follow bytes 4, 6, 8 and 10: 8-4-4-4-12 hex digits. */
static int dash_after(int byte)
{
	return byte == 4 || byte == 6 || byte == 8 || byte == 10;
}

void uuid_format(const uint8_t uuid[16], char out[UUID_TEXT_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	char *p = out;
	for (int i = 0; i < 16; i++) {
		if (dash_after(i))
			*p++ = '-';
		*p++ = hex[uuid[i] >> 4];
		*p++ = hex[uuid[i] & 0xf];
	}
	*p = '\0';
}

int uuid_parse(const char *s, uint8_t uuid[16])
{
	uint8_t tmp[16];
	for (int i = 0; i < 16; i++) {
		if (dash_after(i) && *s++ != '-')
			return -1;
		int hi = hex_digit(s[0]);
		int lo = hi < 0 ? -1 : hex_digit(s[1]);
		if (lo < 0)
			return -1;
		tmp[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	if (*s != '\0')
		return -1;
	for (int i = 0; i < 16; i++)
		uuid[i] = tmp[i];
	return 0;
}
