/* boot/cpu.h - our IDT, the exception report, CPU feature queries. */
#ifndef BOOT_CPU_H
#define BOOT_CPU_H
#include <stdint.h>

/* What boot/exceptions.asm pushes, lowest address first. */
struct exc_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};
_Static_assert(sizeof(struct exc_frame) == 22 * 8, "exc_frame must match boot/exceptions.asm");

#define EXC_STUB_SIZE 16 /* boot/exceptions.asm */
#define EXC_VECTORS   32
#define VEC_NMI       2

void idt_init(void);
/* Load the same IDT on another CPU (a helper, boot/smp.c). */
void idt_init_here(void);
/* What an exception report ends with: fn(CC_ERR_EXCEPTION), which must not
 * return (the payload passes cc_finish).  Without it: halt. */
void cpu_set_fatal(void (*fn)(uint32_t status));
/* Called from boot/exceptions.asm; returns only for an NMI. */
void cc_exception(struct exc_frame *f);
/* Address of the first byte of the image (for RIP offsets). */
uint64_t image_base(void);
uint64_t image_mem_size(void);
int cpu_has_1g_pages(void);

#endif
