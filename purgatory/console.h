/* purgatory/console.h - output to a 16550 UART and the debug port 0xe9.
 *
 * Output only, polled, every wait bounded: a missing or stuck UART costs
 * at most one short timeout, then the console stops waiting for it. */
#ifndef PURGATORY_CONSOLE_H
#define PURGATORY_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

void con_init(uint16_t serial_base);
void con_putc(char c);
void con_puts(const char *s);
/* "0x" and 16 hex digits. */
void con_hex64(uint64_t v);
/* Two hex digits per byte, no separator. */
void con_hexbytes(const uint8_t *p, size_t n);
void con_dec(uint64_t v);

#endif
