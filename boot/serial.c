/* boot/serial.c - 16550 UART at an I/O port base, 115200 8N1, polled
 * output.  Registers: boot/uart16550.h. */
#include "boot/serial.h"
#include "boot/x86.h"
#include "boot/poll.h"
#include "boot/uart16550.h"
#include "crashcap/params.h"

/* One character at 115200 baud takes 87 us; give the FIFO 2 ms. */
#define SERIAL_TX_TIMEOUT_MS 2

static uint16_t uart;
static int uart_dead; /* THRE never came: stop waiting on every character */

void serial_init(uint16_t base)
{
	uart = base ? base : CC_COM1_PORT;
	uart_dead = 0;
	uart_setup(uart);
}

void serial_putc(char c)
{
	if (!uart || uart_dead)
		return;
	/* No line on expiry (who = 0): this is the console.  A console must
	 * never hang the dump: a UART that stays busy is skipped from now on. */
	if (poll_quiet(&(struct poll){ poll_port8, uart + UART_LSR, LSR_THRE, LSR_THRE, SERIAL_TX_TIMEOUT_MS, 0,
				       "UART LSR.THRE=1" }, 0)) {
		uart_dead = 1;
		return;
	}
	outb(uart + UART_THR, (uint8_t)c);
}
