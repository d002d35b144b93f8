/* tests/unit/test_rtc.c - days_from_civil (drivers/civil_time.c), the
 * calendar arithmetic of drivers/rtc.c, against the C library's timegm()
 * and gmtime_r() and against known day numbers. */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "drivers/civil_time.h"
#include "tests/unit/check.h"

static int64_t libc_days(int64_t y, unsigned m, unsigned d)
{
	struct tm tm = { 0 };
	tm.tm_year = (int)(y - 1900);
	tm.tm_mon = (int)m - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = 12; /* away from any edge */
	time_t t = timegm(&tm);
	return ((int64_t)t - 12 * 3600) / 86400;
}

#define CHECK_DAY(y, m, d, want) do { \
	CHECK_EQ(days_from_civil(y, m, d), (int64_t)(want)); \
	CHECK_EQ(libc_days(y, m, d), (int64_t)(want)); \
} while (0)

static void test_known(void)
{
	CHECK_DAY(1970, 1, 1, 0);
	CHECK_DAY(1970, 1, 2, 1);
	CHECK_DAY(1969, 12, 31, -1);
	CHECK_DAY(1971, 1, 1, 365);
	CHECK_DAY(1972, 3, 1, 365 + 365 + 31 + 29);  /* 1972 is leap */
	CHECK_DAY(2000, 1, 1, 10957);
	CHECK_DAY(2000, 2, 29, 11016);              /* 2000 is leap (400) */
	CHECK_DAY(2000, 3, 1, 11017);
	CHECK_DAY(2038, 1, 19, 24855);              /* the 32-bit time_t day */
	CHECK_DAY(2038, 1, 20, 24856);
	CHECK_DAY(2100, 2, 28, 47540);
	CHECK_DAY(2100, 3, 1, 47541);               /* 2100 is not leap (100) */
	CHECK_DAY(1900, 3, 1, -25508);              /* nor 1900 */
	CHECK_DAY(2400, 2, 29, 157113);             /* 2400 is */
	CHECK_DAY(1600, 3, 1, -135080);
}

/* Every day from 1600 to 2500 (both eras of the 400-year cycle, the
 * negative side too), against gmtime_r of the day's seconds. */
static void test_every_day(void)
{
	int64_t first = libc_days(1600, 1, 1), last = libc_days(2500, 12, 31);
	int bad = 0;
	for (int64_t day = first; day <= last; day++) {
		time_t t = (time_t)(day * 86400);
		struct tm tm;
		if (!gmtime_r(&t, &tm)) {
			CHECK(0);
			break;
		}
		int64_t got = days_from_civil(tm.tm_year + 1900ll, (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday);
		if (got != day && bad++ < 5)
			fprintf(stderr, "  %04d-%02d-%02d: %lld, want %lld\n", tm.tm_year + 1900, tm.tm_mon + 1,
				tm.tm_mday, (long long)got, (long long)day);
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(last - first + 1, 901 * 365 + 219); /* leap days in 1600..2500 */
}

/* The RTC's range (years 1900-3099 from the century register) against
 * timegm, the first and last days of each month, and whole seconds as
 * rtc_unix_time() composes them. */
static void test_rtc_range(void)
{
	static const unsigned mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int bad = 0;
	for (int64_t y = 1900; y < 3100; y++)
		for (unsigned m = 1; m <= 12; m++) {
			int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
			unsigned end = mdays[m - 1] + (m == 2 && leap);
			for (unsigned d = 1; d <= end; d += end - 1) {
				struct tm tm = { .tm_year = (int)(y - 1900), .tm_mon = (int)m - 1, .tm_mday = (int)d,
						 .tm_hour = 23, .tm_min = 59, .tm_sec = 58 };
				int64_t want = (int64_t)timegm(&tm);
				int64_t got = days_from_civil(y, m, d) * 86400 + 23 * 3600 + 59 * 60 + 58;
				if (got != want && bad++ < 5)
					fprintf(stderr, "  %lld-%02u-%02u: %lld, want %lld\n", (long long)y, m, d,
						(long long)got, (long long)want);
			}
		}
	CHECK_EQ(bad, 0);
}

int main(void)
{
	if (sizeof(time_t) < 8) {
		printf("%s: 32-bit time_t, skipped\n", __FILE__);
		return 0;
	}
	test_known();
	test_every_day();
	test_rtc_range();
	CHECK_DONE();
}
