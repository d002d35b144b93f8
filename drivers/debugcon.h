/* drivers/debugcon.h - QEMU/Bochs debug console port (isa-debugcon). */
#ifndef DRIVERS_DEBUGCON_H
#define DRIVERS_DEBUGCON_H

#define DEBUGCON_PORT 0xe9

/* The port reads back 0xe9 when the device is present (QEMU's
 * isa-debugcon "readback" property default). */
int debugcon_probe(void);
void debugcon_putc(char c);

#endif
