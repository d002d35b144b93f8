/* boot/console.c - see console.h. */
#include <stdarg.h>
#include "boot/console.h"
#include "boot/format.h"
#include "boot/debugcon.h"
#include "boot/serial.h"

#define LINE_MAX 256

void console_init(uint16_t serial_port)
{
	serial_init(serial_port); /* 0: COM1 */
	debugcon_probe();
}

void console_write(const char *s, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		if (s[i] == '\n') {
			serial_putc('\r');
		}
		serial_putc(s[i]);
		debugcon_putc(s[i]);
	}
}

static void vprint(const char *prefix, const char *fmt, va_list ap, const char *suffix)
{
	char line[LINE_MAX];
	int n = 0;
	for (const char *p = prefix; *p; p++)
		line[n++] = *p;
	int m = cc_vsnprintf(line + n, sizeof(line) - n - 2, fmt, ap);
	n += m < (int)sizeof(line) - n - 2 ? m : (int)sizeof(line) - n - 3;
	for (const char *p = suffix; *p; p++)
		line[n++] = *p;
	console_write(line, n);
}

void cprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint("", fmt, ap, "");
	va_end(ap);
}

void cc_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint("capture: ", fmt, ap, "\n");
	va_end(ap);
}
