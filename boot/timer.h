/* boot/timer.h - a calibrated clock and real-time deadlines.
 * Every poll loop in the payload takes a struct deadline and gives up when
 * deadline_passed() says so, then names what it waited for. */
#ifndef BOOT_TIMER_H
#define BOOT_TIMER_H
#include <stdint.h>

struct deadline {
	uint64_t end_tsc;
};

/* Calibrate the clock (boot/clock.c): the payload against the PIT
 * (boot/timer.c), hangcap.efi against Stall (boot/efi/timer.c); the TSC
 * frequency in Hz, or 0 when the calibration failed (8 GHz assumed). */
uint64_t timer_init(void);
/* Microseconds since timer_init(). */
uint64_t timer_now_us(void);
struct deadline deadline_us(uint64_t us);
static inline struct deadline deadline_ms(uint64_t ms) { return deadline_us(ms * 1000); }
int deadline_passed(const struct deadline *d);
void udelay(uint64_t us);

#endif
