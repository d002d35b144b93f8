/* boot/pit.h - 8254 programmable interval timer, channel 2, used once
 * to measure the TSC frequency. */
#ifndef BOOT_PIT_H
#define BOOT_PIT_H
#include <stdint.h>

#define PIT_HZ 1193182u

/* TSC ticks that elapse during `ms` milliseconds of PIT time, or 0 when
 * the PIT never signalled (no PIT, or a broken one). */
uint64_t pit_measure_tsc(unsigned ms);

#endif
