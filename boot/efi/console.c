/* boot/efi/console.c - boot/console.h for hangcap.efi: every line goes to
 * the firmware's console (ConOut; under OVMF also the serial port), so the
 * capture code in capture/ says what it does exactly as in the payload.
 * Lines start "hangcap: " instead of "capture: ". */
#include <efi.h>
#include <efilib.h>
#include <stdarg.h>

#include "boot/console.h"
#include "boot/format.h"

#define LINE_MAX  256
#define CHUNK     64 /* UTF-16 characters per OutputString */

void console_init(uint16_t serial_port)
{
	(void)serial_port; /* the firmware owns the serial port */
}

/* ASCII to UTF-16 in chunks; '\n' becomes CR LF as UEFI consoles expect. */
void console_write(const char *s, unsigned long n)
{
	CHAR16 out[CHUNK + 3];
	unsigned k = 0;
	for (unsigned long i = 0; i < n; i++) {
		if (s[i] == '\n')
			out[k++] = L'\r';
		out[k++] = (CHAR16)(unsigned char)s[i];
		if (k >= CHUNK || i + 1 == n) {
			out[k] = 0;
			ST->ConOut->OutputString(ST->ConOut, out);
			k = 0;
		}
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
	vprint("hangcap: ", fmt, ap, "\n");
	va_end(ap);
}
