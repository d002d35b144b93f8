/* boot/serial.h - 16550 UART, output only, polled. */
#ifndef BOOT_SERIAL_H
#define BOOT_SERIAL_H
#include <stdint.h>

/* base 0 means CC_COM1_PORT (crashcap/params.h). */
void serial_init(uint16_t base);
void serial_putc(char c);

#endif
