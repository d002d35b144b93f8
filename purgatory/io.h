/* purgatory/io.h - the few special instructions the purgatory needs.
 *
 * Private to the purgatory (boot/x86.h is the payload's): the two
 * images are built and linked apart.  Every asm carries a "memory"
 * clobber so the compiler never moves memory accesses across port I/O. */
#ifndef PURGATORY_IO_H
#define PURGATORY_IO_H

#include <stdint.h>

/* Port 0x80 is the POST-code port: nothing answers, and an ISA-style write
 * to it takes about 1 us on real chipsets.  Linux uses it the same way
 * (io_delay); our bounded polls count these delays. */
#define PORT_IO_DELAY 0x80

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

/* About 1 us on hardware; much less under QEMU. */
static inline void io_delay(void)
{
	outb(PORT_IO_DELAY, 0);
}

static inline void cpu_pause(void)
{
	asm volatile("pause" ::: "memory");
}

/* Interrupts stay off; hlt only returns after an NMI, so loop. */
static inline __attribute__((noreturn)) void cli_hlt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt" ::: "memory");
}

#endif
