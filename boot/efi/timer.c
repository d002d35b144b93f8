/* boot/efi/timer.c - timer_init for hangcap.efi: the TSC calibrated against
 * the firmware's BS->Stall (UEFI has no other clock of known rate), as
 * boot/efi/efiutil.c does, over CALIBRATE_US instead of 1 ms so that the
 * rate is good enough for MB/s figures and deadlines.  The clock itself is
 * the payload's (boot/clock.c); an implausible rate leaves it assuming
 * 8 GHz: deadlines then last longer than asked, never shorter. */
#include <efi.h>
#include <efilib.h>

#include "boot/timer.h"
#include "boot/clock.h"
#include "boot/x86.h"

#define CALIBRATE_US        50000

uint64_t timer_init(void)
{
	clock_start();
	uint64_t a = rdtsc();
	BS->Stall(CALIBRATE_US);
	uint64_t b = rdtsc();
	return clock_set_rate(b > a ? (b - a) * (1000000 / CALIBRATE_US) : 0);
}
