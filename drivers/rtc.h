/* drivers/rtc.h - MC146818 CMOS real-time clock, read once for the dump
 * header's timestamps (taken as UTC, as Linux keeps it on x86). */
#ifndef DRIVERS_RTC_H
#define DRIVERS_RTC_H
#include <stdint.h>

/* Unix seconds, or 0 if the clock could not be read consistently. */
uint64_t rtc_unix_time(void);

#endif
