/* tests/unit/test_dumplevel.c - loader/dumplevel.c: --dump-level and
 * --compress as crashcap load reads them, and their words. */
#include "crashcap/params.h"
#include "loader/dumplevel.h"
#include "tests/unit/check.h"

int main(void)
{
	uint32_t v = 99;
	char buf[160];

	/* Every level 0..31 as its decimal text. */
	for (uint32_t i = 0; i <= CC_DL_MAX; i++) {
		char s[8];
		snprintf(s, sizeof(s), "%u", i);
		v = 99;
		CHECKF(dumplevel_parse(s, &v) == 0 && v == i, "level '%s' read as %u", s, v);
	}
	CHECK(dumplevel_parse("010", &v) == 0 && v == 10); /* decimal, never octal */
	CHECK(dumplevel_parse("031", &v) == 0 && v == 31);
	v = 7;
	CHECK_EQ(dumplevel_parse("32", &v), -1);
	CHECK_EQ(v, 7); /* untouched on failure */
	CHECK_EQ(dumplevel_parse("4294967327", &v), -1); /* 31 + 2^32: no wrap */
	CHECK_EQ(dumplevel_parse("", &v), -1);
	CHECK_EQ(dumplevel_parse("1x", &v), -1);
	CHECK_EQ(dumplevel_parse("0x1f", &v), -1);
	CHECK_EQ(dumplevel_parse("-1", &v), -1);
	CHECK_EQ(dumplevel_parse("+1", &v), -1);
	CHECK_EQ(dumplevel_parse(" 1", &v), -1);
	CHECK_EQ(dumplevel_parse("1 ", &v), -1);

	CHECK(compress_parse("lz4", &v) == 0 && v == CC_COMPRESS_LZ4);
	CHECK(compress_parse("none", &v) == 0 && v == CC_COMPRESS_NONE);
	CHECK_EQ(compress_parse("zstd", &v), -1);
	CHECK_EQ(compress_parse("LZ4", &v), -1);
	CHECK_EQ(compress_parse("", &v), -1);
	CHECK(!strcmp(compress_name(CC_COMPRESS_LZ4), "lz4"));
	CHECK(!strcmp(compress_name(CC_COMPRESS_NONE), "none"));
	CHECK(compress_name(2) == NULL);

	dumplevel_words(0, buf, sizeof(buf));
	CHECK(!strcmp(buf, "nothing"));
	dumplevel_words(CC_DL_ZERO, buf, sizeof(buf));
	CHECK(!strcmp(buf, "zero pages"));
	dumplevel_words(31, buf, sizeof(buf));
	CHECKF(!strcmp(buf, "zero pages, page cache, page cache with private data, user data, free pages"), "%s", buf);
	dumplevel_words(CC_DL_USER | CC_DL_FREE, buf, sizeof(buf));
	CHECKF(!strcmp(buf, "user data, free pages"), "%s", buf);
	dumplevel_words(CC_DL_ZERO | (1u << 5), buf, sizeof(buf));
	CHECKF(!strcmp(buf, "zero pages, bit 5"), "%s", buf);
	memset(buf, 'x', sizeof(buf));
	dumplevel_words(31, buf, 12); /* cut short, still a string */
	CHECKF(!strcmp(buf, "zero pages,"), "'%s'", buf);
	CHECK_DONE();
}
