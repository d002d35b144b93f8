/* drivers/rtc.c - see rtc.h.  Register numbers after the MC146818A data
 * sheet. */
#include "drivers/rtc.h"
#include "drivers/civil_time.h"
#include "boot/poll.h"
#include "boot/x86.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define CMOS_NMI_DISABLE 0x80
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS   0x04
#define RTC_DAY     0x07
#define RTC_MONTH   0x08
#define RTC_YEAR    0x09
#define RTC_CENTURY 0x32 /* common location (ACPI FADT says where, if anywhere) */
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_A_UIP   (1u << 7) /* update in progress */
#define RTC_B_24H   (1u << 1)
#define RTC_B_BINARY (1u << 2)
#define RTC_HOUR_PM 0x80
#define RTC_UIP_TIMEOUT_MS 20 /* an update lasts under 2 ms */

static uint8_t cmos(uint8_t reg)
{
	outb(CMOS_INDEX, CMOS_NMI_DISABLE | reg);
	return inb(CMOS_DATA);
}

static unsigned bcd(uint8_t v) { return (v >> 4) * 10 + (v & 0xf); }

/* CMOS status register A for boot/poll.h. */
static uint32_t read_status_a(uint64_t unused) { (void)unused; return cmos(RTC_STATUS_A); }

uint64_t rtc_unix_time(void)
{
	uint8_t r[7], again[7];
	static const uint8_t regs[7] = { RTC_SECONDS, RTC_MINUTES, RTC_HOURS, RTC_DAY, RTC_MONTH, RTC_YEAR, RTC_CENTURY };
	/* Read until two reads agree, each started outside an update. */
	for (int attempt = 0; attempt < 5; attempt++) {
		/* on a timeout: read anyway (the line says so); the two reads
		 * below must still agree */
		poll_until(&(struct poll){ read_status_a, 0, RTC_A_UIP, 0, RTC_UIP_TIMEOUT_MS, "rtc",
					   "status A UIP=0 (no update in progress; reading anyway)" }, 0);
		for (int i = 0; i < 7; i++)
			r[i] = cmos(regs[i]);
		for (int i = 0; i < 7; i++)
			again[i] = cmos(regs[i]);
		int same = 1;
		for (int i = 0; i < 7; i++)
			same &= r[i] == again[i];
		if (same)
			break;
		if (attempt == 4)
			return 0;
	}
	uint8_t b = cmos(RTC_STATUS_B);
	int pm = r[2] & RTC_HOUR_PM;
	r[2] &= ~RTC_HOUR_PM;
	unsigned v[7];
	for (int i = 0; i < 7; i++)
		v[i] = b & RTC_B_BINARY ? r[i] : bcd(r[i]);
	if (!(b & RTC_B_24H)) /* 12-hour clock: 12 AM is 0, 12 PM is 12 */
		v[2] = v[2] % 12 + (pm ? 12 : 0);
	unsigned century = v[6] >= 19 && v[6] <= 30 ? v[6] : 20;
	if (v[4] < 1 || v[4] > 12 || v[3] < 1 || v[3] > 31 || v[2] > 23 || v[1] > 59 || v[0] > 60)
		return 0;
	int64_t days = days_from_civil(century * 100 + v[5], v[4], v[3]);
	return (uint64_t)(days * 86400 + v[2] * 3600 + v[1] * 60 + v[0]);
}
