/* boot/console.c - see console.h: the lines, formatted here and written
 * by the image's own console_write. */
#include <stdarg.h>
#include "boot/console.h"
#include "boot/format.h"

#define LINE_MAX 256

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
	vprint(console_prefix, fmt, ap, "\n");
	va_end(ap);
}
