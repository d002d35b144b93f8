/* boot/timer.c - timer_init for the payload: the TSC calibrated against PIT
 * channel 2 (the clock itself: boot/clock.c).  If the PIT never answers,
 * the clock keeps assuming an 8 GHz TSC. */
#include "boot/timer.h"
#include "boot/clock.h"
#include "boot/pit.h"

#define CALIBRATE_MS        10 /* 11,932 PIT ticks: a poll (~1 us) is 0.01% of it */

uint64_t timer_init(void)
{
	clock_start(); /* the clock counts from here: just after entry */
	return clock_set_rate(pit_measure_tsc(CALIBRATE_MS) * (1000 / CALIBRATE_MS));
}
