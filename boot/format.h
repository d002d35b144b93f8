/* boot/format.h - a small vsnprintf.
 * Supported: %% %c %s %d %i %u %x %X %p, flags '0' and '-', a decimal
 * width, a precision for %s only (%.5s, %.*s), length modifiers l, ll, z.
 * Not supported: other precisions, floating point, %n.  Pure: host-tested in tests/unit/test_format.c. */
#ifndef BOOT_FORMAT_H
#define BOOT_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Writes at most size-1 characters plus a NUL; returns the length the full
 * output would have had. */
int cc_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int cc_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
