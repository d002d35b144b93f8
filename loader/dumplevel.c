/* loader/dumplevel.c - see dumplevel.h. */
#include <stdio.h>
#include <string.h>

#include "crashcap/params.h"
#include "loader/dumplevel.h"

int dumplevel_parse(const char *s, uint32_t *level)
{
	uint32_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (uint32_t)(*s - '0');
		if (v > CC_DL_MAX)
			return -1;
	}
	*level = v;
	return 0;
}

static const char *const compress_names[] = {
	[CC_COMPRESS_NONE] = "none",
	[CC_COMPRESS_LZ4] = "lz4",
};

int compress_parse(const char *s, uint32_t *c)
{
	for (uint32_t i = 0; i < sizeof(compress_names) / sizeof(compress_names[0]); i++)
		if (!strcmp(s, compress_names[i])) {
			*c = i;
			return 0;
		}
	return -1;
}

const char *compress_name(uint32_t c)
{
	return c < sizeof(compress_names) / sizeof(compress_names[0]) ? compress_names[c] : NULL;
}

static const char *const level_words[] = {
	"zero pages", "page cache", "page cache with private data", "user data", "free pages",
};

void dumplevel_words(uint32_t level, char *buf, size_t size)
{
	size_t used = 0;

	if (!size)
		return;
	buf[0] = '\0';
	if (!level) {
		snprintf(buf, size, "nothing");
		return;
	}
	for (unsigned bit = 0; bit < 32 && used < size; bit++) {
		if (!(level & (1u << bit)))
			continue;
		const char *sep = used ? ", " : "";
		int n = bit < sizeof(level_words) / sizeof(level_words[0])
			? snprintf(buf + used, size - used, "%s%s", sep, level_words[bit])
			: snprintf(buf + used, size - used, "%sbit %u", sep, bit);
		if (n < 0)
			return;
		used += (size_t)n;
	}
}
