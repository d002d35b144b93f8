/* boot/uartcon.c - the payload's console output (boot/console.h): COM1
 * and, when present, QEMU's debug console. */
#include "boot/console.h"
#include "boot/debugcon.h"
#include "boot/serial.h"

const char console_prefix[] = "capture: ";

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
