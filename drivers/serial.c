/* drivers/serial.c - 16550 UART at an I/O port base, 115200 8N1, polled
 * output.  Register names after the PC16550D data sheet. */
#include "drivers/serial.h"
#include "capture/x86.h"
#include "capture/timer.h"

/* Register offsets from the base port. */
#define UART_THR 0 /* transmit holding (write, DLAB=0) */
#define UART_IER 1 /* interrupt enable (DLAB=0) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */

#define LCR_8N1   0x03      /* 8 data bits, no parity, 1 stop bit */
#define LCR_DLAB  (1u << 7) /* divisor latch access */
#define FCR_ENABLE 0x01     /* FIFO enable */
#define FCR_CLEAR  0x06     /* clear RX and TX FIFOs */
#define MCR_DTR   (1u << 0)
#define MCR_RTS   (1u << 1)
#define LSR_THRE  (1u << 5) /* transmit holding register empty */

#define UART_CLOCK_DIV_115200 1 /* 1.8432 MHz / 16 / 115200 */

/* One character at 115200 baud takes 87 us; give the FIFO 2 ms. */
#define SERIAL_TX_TIMEOUT_US 2000

static uint16_t uart;
static int uart_dead; /* THRE never came: stop waiting on every character */

void serial_init(uint16_t base)
{
	uart = base;
	outb(uart + UART_IER, 0);
	outb(uart + UART_LCR, LCR_DLAB);
	outb(uart + UART_DLL, UART_CLOCK_DIV_115200 & 0xff);
	outb(uart + UART_DLM, UART_CLOCK_DIV_115200 >> 8);
	outb(uart + UART_LCR, LCR_8N1);
	outb(uart + UART_FCR, FCR_ENABLE | FCR_CLEAR);
	outb(uart + UART_MCR, MCR_DTR | MCR_RTS);
}

void serial_putc(char c)
{
	if (!uart || uart_dead)
		return;
	struct deadline d = deadline_us(SERIAL_TX_TIMEOUT_US);
	while (!(inb(uart + UART_LSR) & LSR_THRE)) {
		if (deadline_passed(&d)) {
			uart_dead = 1; /* a console must never hang the dump */
			return;
		}
		cpu_pause();
	}
	outb(uart + UART_THR, (uint8_t)c);
}
