/* boot/clock.h - the TSC clock behind boot/timer.h, shared by the payload
 * (boot/timer.c calibrates it against the PIT) and hangcap.efi
 * (boot/efi/timer.c, against the firmware's Stall).  Only those two
 * calibrations call these. */
#ifndef BOOT_CLOCK_H
#define BOOT_CLOCK_H
#include <stdint.h>

/* The clock counts from here (timer_now_us). */
void clock_start(void);
/* Take hz, TSC ticks per second, as the clock's rate if it is plausible
 * (200 MHz to 8 GHz) and return it; else keep assuming 8 GHz, so deadlines
 * last longer than asked, never shorter, and return 0. */
uint64_t clock_set_rate(uint64_t hz);

#endif
