/* purgatory/console.c - the purgatory's console: boot/serial.c (16550,
 * 115200 8N1, every wait bounded; a UART that stays busy is skipped from
 * then on) and boot/debugcon.c, the payload's own, so one terminal shows
 * both.  Output only; numbers by hand (no printf in the purgatory). */
#include "purgatory/console.h"
#include "boot/debugcon.h"
#include "boot/serial.h"

void con_init(uint16_t serial_base)
{
	serial_init(serial_base); /* 0: CC_COM1_PORT */
	debugcon_probe();
}

void con_putc(char c)
{
	debugcon_putc(c);
	if (c == '\n')
		serial_putc('\r');
	serial_putc(c);
}

void con_puts(const char *s)
{
	while (*s)
		con_putc(*s++);
}

static const char hexdigits[] = "0123456789abcdef";

void con_hex64(uint64_t v)
{
	con_puts("0x");
	for (int shift = 60; shift >= 0; shift -= 4)
		con_putc(hexdigits[(v >> shift) & 0xf]);
}

void con_hexbytes(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		con_putc(hexdigits[p[i] >> 4]);
		con_putc(hexdigits[p[i] & 0xf]);
	}
}

void con_dec(uint64_t v)
{
	char buf[20]; /* 2^64 - 1 has 20 digits */
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		con_putc(buf[--n]);
}
