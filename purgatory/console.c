/* purgatory/console.c - serial (16550, 115200 8N1) and debugcon output.
 *
 * Register names after the PC16550D data sheet.  Same settings as the
 * payload's drivers/serial.c, so one terminal shows both. */
#include "purgatory/console.h"
#include "purgatory/io.h"

/* Register offsets from the base port. */
#define UART_THR 0 /* transmit holding (write, DLAB=0) */
#define UART_IER 1 /* interrupt enable (DLAB=0) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */

#define LCR_8N1    0x03      /* 8 data bits, no parity, 1 stop bit */
#define LCR_DLAB   (1u << 7) /* divisor latch access */
#define FCR_ENABLE 0x01      /* FIFO enable */
#define FCR_CLEAR  0x06      /* clear RX and TX FIFOs */
#define MCR_DTR    (1u << 0)
#define MCR_RTS    (1u << 1)
#define LSR_THRE   (1u << 5) /* transmit holding register empty */

#define UART_DIVISOR_115200 1 /* 1.8432 MHz / 16 / 115200 */

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
	uart = serial_base ? serial_base : CON_COM1;
	uart_dead = 0;
	outb(uart + UART_IER, 0); /* we poll; no interrupts */
	outb(uart + UART_LCR, LCR_DLAB);
	outb(uart + UART_DLL, UART_DIVISOR_115200 & 0xff);
	outb(uart + UART_DLM, UART_DIVISOR_115200 >> 8);
	outb(uart + UART_LCR, LCR_8N1);
	outb(uart + UART_FCR, FCR_ENABLE | FCR_CLEAR);
	outb(uart + UART_MCR, MCR_DTR | MCR_RTS);
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
