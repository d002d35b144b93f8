/* boot/serial.c - 16550 UART at an I/O port base, 115200 8N1, polled
 * output.  Registers: boot/uart16550.h. */
#include "boot/serial.h"
#include "boot/x86.h"
#include "boot/timer.h"
#include "boot/uart16550.h"

/* One character at 115200 baud takes 87 us; give the FIFO 2 ms. */
#define SERIAL_TX_TIMEOUT_US 2000

static uint16_t uart;
static int uart_dead; /* THRE never came: stop waiting on every character */

void serial_init(uint16_t base)
{
	uart = base ? base : UART_COM1;
	uart_dead = 0;
	uart_setup(uart);
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
