/* tests/unit/host_runtime.c - see host_runtime.h. */
#include "tests/unit/host_runtime.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include "boot/console.h"
#include "boot/timer.h"

char host_last_log[256];

void cc_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(host_last_log, sizeof(host_last_log), fmt, ap);
	va_end(ap);
	printf("log: %s\n", host_last_log);
}

uint64_t host_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

struct deadline deadline_us(uint64_t us) { return (struct deadline){ .end_tsc = host_us() + us }; }
int deadline_passed(const struct deadline *d) { return host_us() >= d->end_tsc; }
