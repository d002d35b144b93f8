/* tests/unit/host_runtime.h - the payload's console line and deadlines
 * (boot/console.h cc_log, boot/timer.h) for host programs that link
 * payload modules which log or wait (capture/packq.c): cc_log prints the
 * line to stdout and keeps the last one; deadlines run on CLOCK_MONOTONIC.
 * Link tests/unit/host_runtime.c. */
#ifndef TESTS_UNIT_HOST_RUNTIME_H
#define TESTS_UNIT_HOST_RUNTIME_H

#include <stdint.h>

extern char host_last_log[256]; /* the last cc_log line, without its newline */
uint64_t host_us(void);         /* CLOCK_MONOTONIC in microseconds */

#endif
