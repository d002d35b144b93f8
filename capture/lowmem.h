/* capture/lowmem.h - the RAM below 640 KiB that the purgatory copied into
 * the crash region before the payload started (the range whose src
 * differs from its paddr): the dump reads that range from the copy, so
 * the payload may use the RAM itself without losing a byte of the crashed
 * kernel (memory-layout.md).  Handed out front to back, page aligned, to
 * the framed stream's output ring and to the helper CPUs (smp.md).  None
 * on the direct boot, the kexec_file path (no copy) and in hangcap.efi. */
#ifndef CAPTURE_LOWMEM_H
#define CAPTURE_LOWMEM_H
#include <stdint.h>
#include "crashcap/params.h"

/* Find the window; its size in bytes (0: none). */
uint64_t lowmem_init(const struct cc_params *p);
/* bytes (rounded up to pages) from what is left, or 0 if that is less. */
void *lowmem_take(uint64_t bytes);
/* What is left, in bytes. */
uint64_t lowmem_left(void);

#endif
