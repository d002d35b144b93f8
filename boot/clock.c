/* boot/clock.c - see clock.h and timer.h.
 *
 * Before a calibration (the first console lines), and after one that gave
 * an implausible rate, the clock assumes an 8 GHz TSC: deadlines then last
 * at least as long as asked on any real CPU, never shorter. */
#include "boot/clock.h"
#include "boot/timer.h"
#include "boot/x86.h"

#define TSC_HZ_BEFORE_INIT  8000000000ull /* upper bound on real TSC rates */
#define TSC_HZ_MIN          200000000ull  /* below this a calibration is wrong */

static uint64_t tsc_hz = TSC_HZ_BEFORE_INIT;
static uint64_t tsc_start;

void clock_start(void)
{
	tsc_start = rdtsc();
}

uint64_t clock_set_rate(uint64_t hz)
{
	int plausible = hz >= TSC_HZ_MIN && hz <= TSC_HZ_BEFORE_INIT;
	tsc_hz = plausible ? hz : TSC_HZ_BEFORE_INIT;
	return plausible ? tsc_hz : 0;
}

uint64_t timer_now_us(void)
{
	uint64_t d = rdtsc() - tsc_start;
	/* d * 1e6 / hz without overflow for any realistic uptime */
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
