/* boot/bytes.h - little-endian fields at any alignment, from memory (ACPI
 * tables, the multiboot information, our own buffers).  x86 is little
 * endian and allows unaligned loads; the memcpy says so to the compiler
 * (no alignment assumed, no aliasing), and inlines to one mov.  Pure:
 * also built into host tests. */
#ifndef BOOT_BYTES_H
#define BOOT_BYTES_H
#include <stdint.h>

static inline uint16_t get_le16(const void *p) { uint16_t v; __builtin_memcpy(&v, p, 2); return v; }
static inline uint32_t get_le32(const void *p) { uint32_t v; __builtin_memcpy(&v, p, 4); return v; }
static inline uint64_t get_le64(const void *p) { uint64_t v; __builtin_memcpy(&v, p, 8); return v; }
/* The same at a physical address (identity mapped in the payload). */
static inline uint32_t get_le32_at(uint64_t pa) { return get_le32((const void *)(uintptr_t)pa); }
static inline uint64_t get_le64_at(uint64_t pa) { return get_le64((const void *)(uintptr_t)pa); }

#endif
