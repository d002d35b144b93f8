/* tests/unit/test_format.c - boot/format.c (cc_snprintf). */
#include <limits.h>
#include <stdint.h>

#include "boot/format.h"
#include "tests/unit/check.h"

/* Format into a roomy buffer; check the text and the returned length. */
#define CHECK_FMT(want, ...) do { \
	char buf_[128]; \
	int n_ = cc_snprintf(buf_, sizeof(buf_), __VA_ARGS__); \
	CHECK_STR(buf_, want); \
	CHECK_EQ(n_, strlen(want)); \
} while (0)

static void test_integers(void)
{
	CHECK_FMT("0", "%d", 0);
	CHECK_FMT("42", "%d", 42);
	CHECK_FMT("-42", "%d", -42);
	CHECK_FMT("-42", "%i", -42);
	CHECK_FMT("-2147483648", "%d", INT_MIN);
	CHECK_FMT("4294967295", "%u", UINT_MAX);
	CHECK_FMT("-9223372036854775808", "%lld", LLONG_MIN);
	CHECK_FMT("18446744073709551615", "%lu", ULONG_MAX);
	CHECK_FMT("12345", "%zu", (size_t)12345);
}

static void test_hex(void)
{
	CHECK_FMT("deadbeef", "%x", 0xdeadbeefu);
	CHECK_FMT("DEADBEEF", "%X", 0xdeadbeefu);
	CHECK_FMT("fedcba9876543210", "%lx", (unsigned long)0xfedcba9876543210ull);
	CHECK_FMT("fedcba9876543210", "%llx", 0xfedcba9876543210ull);
	CHECK_FMT("100000000", "%lx", (unsigned long)UINT64_C(0x100000000));
	CHECK_FMT("0000000000001000", "%016lx", (unsigned long)0x1000);
	CHECK_FMT("0", "%x", 0u);
	/* without l, only the low 32 bits are taken */
	CHECK_FMT("ffffffff", "%x", (unsigned)-1);
}

static void test_widths(void)
{
	CHECK_FMT("   42", "%5d", 42);
	CHECK_FMT("42   |", "%-5d|", 42);
	CHECK_FMT("00042", "%05d", 42);
	CHECK_FMT("  -42", "%5d", -42);
	CHECK_FMT("-0042", "%05d", -42);
	CHECK_FMT("-42  |", "%-5d|", -42);
	CHECK_FMT("123456", "%3d", 123456);   /* width is a minimum */
	CHECK_FMT("  ab|", "%4s|", "ab");
	CHECK_FMT("ab  |", "%-4s|", "ab");
	CHECK_FMT("   x", "%4c", 'x');
	CHECK_FMT("000000ff", "%08x", 0xffu);
}

static void test_strings_and_misc(void)
{
	const char *volatile null_str = NULL; /* opaque: gcc would reject a literal NULL */

	CHECK_FMT("hello world", "hello %s", "world");
	CHECK_FMT("(null)", "%s", null_str);
	CHECK_FMT("100%", "100%%");
	CHECK_FMT("a", "%c", 'a');
	CHECK_FMT("0x1000", "%p", (void *)0x1000);
	CHECK_FMT("0xffff888000000000", "%p", (void *)0xffff888000000000ull);
	CHECK_FMT("", "%s", "");
}

static void test_truncation(void)
{
	char buf[8];

	memset(buf, 'z', sizeof(buf));
	CHECK_EQ(cc_snprintf(buf, 4, "%s", "hello"), 5);  /* length the full text needs */
	CHECK_STR(buf, "hel");
	CHECK_EQ(buf[4], 'z');                            /* nothing written past size */

	CHECK_EQ(cc_snprintf(buf, sizeof(buf), "%d", 1234567), 7); /* exactly fits */
	CHECK_STR(buf, "1234567");
	CHECK_EQ(cc_snprintf(buf, sizeof(buf), "%d", 12345678), 8);
	CHECK_STR(buf, "1234567");

	memset(buf, 'z', sizeof(buf));
	CHECK_EQ(cc_snprintf(buf, 1, "abc"), 3);
	CHECK_EQ(buf[0], '\0');
	CHECK_EQ(buf[1], 'z');

	memset(buf, 'z', sizeof(buf));
	CHECK_EQ(cc_snprintf(buf, 0, "abc%d", 42), 5);    /* size 0: nothing written */
	CHECK_EQ(buf[0], 'z');
	CHECK_EQ(cc_snprintf(NULL, 0, "%016lx", 1ul), 16);
}

int main(void)
{
	test_integers();
	test_hex();
	test_widths();
	test_strings_and_misc();
	test_truncation();
	CHECK_DONE();
}
