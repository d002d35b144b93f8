/* boot/efi/timer.c - boot/timer.h for hangcap.efi: the TSC calibrated
 * against the firmware's BS->Stall (UEFI has no other clock of known rate),
 * as boot/efi/efiutil.c does, over CALIBRATE_US instead of 1 ms so that
 * the rate is good enough for MB/s figures and deadlines.
 *
 * Before timer_init, and if Stall gives an implausible rate, the clock
 * assumes an 8 GHz TSC like boot/timer.c: deadlines then last longer than
 * asked, never shorter. */
#include <efi.h>
#include <efilib.h>

#include "boot/timer.h"
#include "boot/x86.h"

#define CALIBRATE_US        50000
#define TSC_HZ_BEFORE_INIT  8000000000ull
#define TSC_HZ_MIN          200000000ull

static uint64_t tsc_hz = TSC_HZ_BEFORE_INIT;
static uint64_t tsc_start;

uint64_t timer_init(void)
{
	tsc_start = rdtsc();
	uint64_t a = rdtsc();
	BS->Stall(CALIBRATE_US);
	uint64_t b = rdtsc();
	uint64_t hz = b > a ? (b - a) * (1000000 / CALIBRATE_US) : 0;
	int plausible = hz >= TSC_HZ_MIN && hz <= TSC_HZ_BEFORE_INIT;
	tsc_hz = plausible ? hz : TSC_HZ_BEFORE_INIT;
	return plausible ? tsc_hz : 0;
}

uint64_t timer_now_us(void)
{
	uint64_t d = rdtsc() - tsc_start;
	return d / tsc_hz * 1000000 + (d % tsc_hz) * 1000000 / tsc_hz;
}

struct deadline deadline_us(uint64_t us)
{
	uint64_t ticks = us / 1000000 * tsc_hz + (us % 1000000) * tsc_hz / 1000000;
	return (struct deadline){ .end_tsc = rdtsc() + ticks };
}

int deadline_passed(const struct deadline *d)
{
	return (int64_t)(rdtsc() - d->end_tsc) >= 0;
}

void udelay(uint64_t us)
{
	struct deadline d = deadline_us(us);
	while (!deadline_passed(&d))
		cpu_pause();
}
