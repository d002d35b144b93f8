/* boot/idt.h - an IDT of 64-bit interrupt gates on a row of equally sized
 * stubs, for the payload (boot/exceptions.asm, boot/cpu.c) and the
 * purgatory (purgatory/entry.asm, purgatory/fail.c) alike. */
#ifndef BOOT_IDT_H
#define BOOT_IDT_H
#include <stdint.h>

/* 64-bit IDT gate (SDM Vol. 3A 6.14.1). */
struct idt_gate {
	uint16_t off_lo;   /* 0x0 handler offset 15:0 */
	uint16_t sel;      /* 0x2 code segment selector */
	uint8_t  ist;      /* 0x4 IST index (0: stay on the current stack) */
	uint8_t  type;     /* 0x5 type, DPL, P */
	uint16_t off_mid;  /* 0x6 offset 31:16 */
	uint32_t off_hi;   /* 0x8 offset 63:32 */
	uint32_t reserved; /* 0xc */
};
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

/* The operand of lgdt/lidt. */
struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* Gate v -> stubs + v * stub_size, for v < n, in the current code segment
 * (both entries reload CS from their own GDT first); interrupt gates, so
 * IF is cleared on entry.  Then lidt.  The addresses are computed at run
 * time: no pointers in static data (position independence). */
void idt_load(struct idt_gate *idt, unsigned n, const void *stubs, unsigned stub_size);
/* lidt of a table idt_load filled (on another CPU). */
void idt_use(struct idt_gate *idt, unsigned n);

#endif
