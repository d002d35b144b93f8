/* boot/console.h - everything the payload says goes to COM1 (16550)
 * and, when present, QEMU's debug console.  One short line per stage:
 *   capture: virtio-blk 00:04.0 up, 2097152 sectors */
#ifndef BOOT_CONSOLE_H
#define BOOT_CONSOLE_H
#include <stdint.h>

void console_init(uint16_t serial_port);
void console_write(const char *s, unsigned long n);
/* printf to the console, as is. */
void cprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One line: "capture: " + message + CRLF. */
void cc_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
