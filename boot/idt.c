/* boot/idt.c - see idt.h. */
#include "boot/idt.h"

#define IDT_TYPE_INTR64 0xe       /* 64-bit interrupt gate: IF cleared on entry */
#define IDT_P           (1u << 7) /* present; DPL (bits 6:5) 0 */

void idt_load(struct idt_gate *idt, unsigned n, const void *stubs, unsigned stub_size)
{
	uint16_t cs;
	asm volatile("mov %%cs, %0" : "=r"(cs));
	for (unsigned v = 0; v < n; v++) {
		uint64_t a = (uint64_t)(uintptr_t)stubs + (uint64_t)v * stub_size;
		idt[v] = (struct idt_gate){
			.off_lo = (uint16_t)a,
			.sel = cs,
			.type = IDT_P | IDT_TYPE_INTR64,
			.off_mid = (uint16_t)(a >> 16),
			.off_hi = (uint32_t)(a >> 32),
		};
	}
	idt_use(idt, n);
}

void idt_use(struct idt_gate *idt, unsigned n)
{
	struct desc_ptr dp = { (uint16_t)(n * sizeof(*idt) - 1), (uint64_t)(uintptr_t)idt };
	asm volatile("lidt %0" : : "m"(dp) : "memory");
}
