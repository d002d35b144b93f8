/* boot/debugcon.h - QEMU/Bochs debug console port (isa-debugcon). */
#ifndef BOOT_DEBUGCON_H
#define BOOT_DEBUGCON_H

#define DEBUGCON_PORT 0xe9

/* The port reads back 0xe9 when the device is present (QEMU's
 * isa-debugcon "readback" property default). */
int debugcon_probe(void);
void debugcon_putc(char c);

#endif
