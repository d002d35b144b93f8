/* loader/loadopt.c - see loadopt.h. */
#include "loader/loadopt.h"

int loadopt_description(const uint8_t *opt, size_t len, char *desc, size_t size)
{
	if (len < 6 + 2 || size == 0)
		return -1;
	size_t pathlen = (size_t)opt[4] | (size_t)opt[5] << 8, k = 0;
	for (size_t i = 6; i + 1 < len; i += 2) {
		uint16_t ch = (uint16_t)(opt[i] | opt[i + 1] << 8);
		if (ch == 0) {
			desc[k] = 0;
			return pathlen <= len - (i + 2) ? 0 : -1;
		}
		if (ch < 0x20 || ch > 0x7e || k + 1 >= size)
			return -1;
		desc[k++] = (char)ch;
	}
	return -1;
}
