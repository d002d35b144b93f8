/* boot/efi/console.c - boot/console.h for hangcap.efi: every line goes to
 * the firmware's console (ConOut; under OVMF also the serial port), so the
 * capture code in capture/ says what it does exactly as in the payload.
 * Lines start "hangcap: " instead of "capture: "; boot/console.c formats
 * them. */
#include <efi.h>
#include <efilib.h>

#include "boot/console.h"

#define CHUNK     64 /* UTF-16 characters per OutputString */

const char console_prefix[] = "hangcap: ";

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
