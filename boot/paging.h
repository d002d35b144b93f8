/* boot/paging.h - the payload's own page tables (boot/pagetable.c
 * builds them; this file decides what to map and switches CR3). */
#ifndef BOOT_PAGING_H
#define BOOT_PAGING_H
#include <stdint.h>
#include "crashcap/params.h"

#define PT_POOL_PAGES 64 /* 256 KiB: 64 GiB with 2 MiB pages, far more with 1 GiB */

/* Identity map the first 4 GiB (uncached), every RAM range of the dump and
 * our own region (write-back), then load CR3.  CC_OK or CC_ERR_NO_MEMORY. */
int paging_init(const struct cc_params *p);
/* Add an uncached identity mapping for device registers.  CC_OK or error. */
int paging_map_mmio(uint64_t pa, uint64_t len);

#endif
