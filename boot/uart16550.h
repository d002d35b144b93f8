/* boot/uart16550.h - 16550 UART registers and bits (PC16550D data
 * sheet), shared by the payload's boot/serial.c and the purgatory's
 * console, which program the UART the same way: 115200 8N1, FIFOs on. */
#ifndef BOOT_UART16550_H
#define BOOT_UART16550_H

#include <stdint.h>

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

/* 115200 8N1, FIFOs on, no interrupts (we poll).  The includer provides
 * outb(port, value): the payload's boot/x86.h or the purgatory's io.h. */
static inline void uart_setup(uint16_t base)
{
	outb(base + UART_IER, 0);
	outb(base + UART_LCR, LCR_DLAB);
	outb(base + UART_DLL, UART_DIVISOR_115200 & 0xff);
	outb(base + UART_DLM, UART_DIVISOR_115200 >> 8);
	outb(base + UART_LCR, LCR_8N1);
	outb(base + UART_FCR, FCR_ENABLE | FCR_CLEAR);
	outb(base + UART_MCR, MCR_DTR | MCR_RTS);
}

#endif
