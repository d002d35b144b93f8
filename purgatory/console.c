/* purgatory/console.c - serial (16550, 115200 8N1) and debugcon output.
 *
 * Register names after the PC16550D data sheet.  Same settings as the
 * payload's boot/serial.c, so one terminal shows both. */
#include "purgatory/console.h"
#include "purgatory/io.h"
#include "boot/uart16550.h"
#include "crashcap/params.h"

/* No timer here: bound the THRE wait by polls, each one LSR read plus one
 * io_delay() (>= ~1 us on hardware), so 5000 polls are >= ~5 ms, about 50
 * character times at 115200 baud.  A UART that stays busy that long is
 * declared dead and skipped from then on.  A missing UART reads 0xff, so
 * THRE looks set and nothing waits at all. */
#define UART_THRE_POLLS 5000

static uint16_t uart;
static int uart_dead;

void con_init(uint16_t serial_base)
{
	uart = serial_base ? serial_base : CC_COM1_PORT;
	uart_dead = 0;
	uart_setup(uart);
}

static void serial_putc(char c)
{
	if (!uart || uart_dead)
		return;
	for (int i = 0; !(inb(uart + UART_LSR) & LSR_THRE); i++) {
		if (i == UART_THRE_POLLS) {
			uart_dead = 1;
			return;
		}
		io_delay();
	}
	outb(uart + UART_THR, (uint8_t)c);
}

void con_putc(char c)
{
	outb(CON_DEBUGCON, (uint8_t)c);
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
