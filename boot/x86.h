/* boot/x86.h - the special instructions the payload needs, one static
 * inline each, every one with a "memory" clobber so the compiler never moves
 * memory accesses across device I/O. */
#ifndef BOOT_X86_H
#define BOOT_X86_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory"); }
static inline void outw(uint16_t port, uint16_t v) { asm volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory"); }
static inline void outl(uint16_t port, uint32_t v) { asm volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory"); }
static inline uint8_t inb(uint16_t port) { uint8_t v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory"); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory"); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory"); return v; }

/* MMIO: exactly one access of the stated width; volatile plus a compiler
 * barrier.  x86 is TSO and MMIO is mapped UC, so no fence is needed. */
static inline uint8_t mmio_read8(uint64_t a) { uint8_t v = *(volatile uint8_t *)a; asm volatile("" ::: "memory"); return v; }
static inline uint16_t mmio_read16(uint64_t a) { uint16_t v = *(volatile uint16_t *)a; asm volatile("" ::: "memory"); return v; }
static inline uint32_t mmio_read32(uint64_t a) { uint32_t v = *(volatile uint32_t *)a; asm volatile("" ::: "memory"); return v; }
static inline void mmio_write8(uint64_t a, uint8_t v) { asm volatile("" ::: "memory"); *(volatile uint8_t *)a = v; }
static inline void mmio_write16(uint64_t a, uint16_t v) { asm volatile("" ::: "memory"); *(volatile uint16_t *)a = v; }
static inline void mmio_write32(uint64_t a, uint32_t v) { asm volatile("" ::: "memory"); *(volatile uint32_t *)a = v; }
/* A 64-bit register read as two 32-bit halves, low first (VT-d CAP/ECAP). */
static inline uint64_t mmio_read64_split(uint64_t a) { return mmio_read32(a) | (uint64_t)mmio_read32(a + 4) << 32; }
/* A 64-bit register written as two 32-bit halves, low first (virtio 1.x 4.1.3.1). */
static inline void mmio_write64_split(uint64_t a, uint64_t v) { mmio_write32(a, (uint32_t)v); mmio_write32(a + 4, (uint32_t)(v >> 32)); }

/* A pointer to physical address a (identity mapped).  The empty asm hides
 * the constant from gcc, which otherwise warns about fixed addresses. */
static inline void *phys_ptr(uint64_t a) { asm("" : "+r"(a)); return (void *)a; }

/* Compiler barrier; on x86 (TSO) this orders ordinary write-back stores as
 * seen by a device for the publish-after-fill pattern of DMA rings. */
static inline void barrier(void) { asm volatile("" ::: "memory"); }

static inline uint64_t rdtsc(void) { uint32_t lo, hi; asm volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((uint64_t)hi << 32) | lo; }
static inline void cpu_pause(void) { asm volatile("pause" ::: "memory"); }
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}
static inline uint64_t read_cr2(void) { uint64_t v; asm volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; asm volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; asm volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline uint64_t rdmsr(uint32_t msr) { uint32_t lo, hi; asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr)); return ((uint64_t)hi << 32) | lo; }
static inline void wrmsr(uint32_t msr, uint64_t v) { asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory"); }
static inline void write_cr3(uint64_t v) { asm volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
/* Interrupts stay off; hlt returns only after an NMI, so loop. */
static inline __attribute__((noreturn)) void cli_hlt_forever(void) { for (;;) asm volatile("cli; hlt" ::: "memory"); }

#define CR4_LA57 (1u << 12) /* 5-level paging active */

#endif
