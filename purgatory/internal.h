/* purgatory/internal.h - what the purgatory's C and assembly share.
 *
 * The numeric constants reach entry.asm through purgatory/layout.c
 * (build/gen/purgatory-layout.inc); the symbols below are defined in
 * entry.asm or linker/purgatory.ld. */
#ifndef PURGATORY_INTERNAL_H
#define PURGATORY_INTERNAL_H

#include <stdint.h>
#include "crashcap/purgatory.h"

#define PURG_STACK_SIZE    4096 /* our own stack, in .bss */
#define PURG_NR_VECTORS    32   /* a gate for every CPU exception, 0..31 */
#define PURG_ISR_STUB_SIZE 16   /* bytes per stub in entry.asm; checked there */
#define PURG_VEC_NMI       2    /* its stub only returns (iretq) */

/* What the exception stubs leave on the stack: the stub pushes the vector
 * and, for vectors without a CPU error code, a zero error code; the CPU
 * pushed the rest (SDM Vol. 3A 6.14.2, 64-bit interrupt stack frame). */
struct purg_exc_frame {
	uint64_t vector; /* 0x00 pushed by the stub */
	uint64_t error;  /* 0x08 by the CPU, or 0 by the stub */
	uint64_t rip;    /* 0x10 */
	uint64_t cs;     /* 0x18 */
	uint64_t rflags; /* 0x20 */
	uint64_t rsp;    /* 0x28 */
	uint64_t ss;     /* 0x30 */
};
_Static_assert(sizeof(struct purg_exc_frame) == 7 * 8, "exception frame");

/* Everything below is resolved inside the image: hidden visibility keeps
 * the compiler from going through a GOT (linker/purgatory.ld asserts). */
#pragma GCC visibility push(hidden)

/* entry.asm */
extern const struct cc_purgatory_info purgatory_info; /* the patch block */
extern const uint8_t purgatory_image_start[];          /* offset 0 of the image */
extern const uint8_t purg_isr_stubs[];                 /* PURG_NR_VECTORS stubs */
__attribute__((noreturn)) void purg_enter_payload(uint64_t entry, uint64_t params);

/* linker/purgatory.ld */
extern const uint8_t __purg_image_end[];               /* end of the stack */

/* purgatory.c: called by entry.asm on our stack. */
__attribute__((noreturn)) void purgatory_main(void);

/* fail.c */
void purg_idt_install(void);
/* The action taken by purg_fail() and on exceptions; REBOOT until the
 * patch block is known good. */
void purg_set_fail_action(uint32_t action);
/* Print "purgatory: <why>", then take the failure action. */
__attribute__((noreturn)) void purg_fail(const char *why);
/* Called by the exception stubs in entry.asm. */
__attribute__((noreturn)) void purg_exception(const struct purg_exc_frame *f);

#pragma GCC visibility pop

#endif
