/* drivers/civil_time.h - calendar arithmetic for the RTC (drivers/rtc.c).
 * Pure, apart from rtc.c so it links hosted (tests/unit/test_rtc.c). */
#ifndef DRIVERS_CIVIL_TIME_H
#define DRIVERS_CIVIL_TIME_H
#include <stdint.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1..12, d 1..31). */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
