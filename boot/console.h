/* boot/console.h - everything the payload says goes to COM1 (16550)
 * and, when present, QEMU's debug console (boot/uartcon.c); hangcap.efi's
 * goes to the firmware's console (boot/efi/console.c).  One short line per
 * stage:
 *   capture: virtio-blk 00:04.0 up, 2097152 sectors */
#ifndef BOOT_CONSOLE_H
#define BOOT_CONSOLE_H
#include <stdint.h>

/* The output, one per image (boot/uartcon.c, boot/efi/console.c). */
void console_init(uint16_t serial_port);
void console_write(const char *s, unsigned long n);
extern const char console_prefix[]; /* of every cc_log line: "capture: ", "hangcap: " */

/* The lines, the same in both (boot/console.c). */
/* printf to the console, as is. */
void cprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One line: console_prefix + message + newline. */
void cc_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
