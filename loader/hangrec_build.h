/* loader/hangrec_build.h - the hang record (include/crashcap/hangrec.h)
 * made from what `crashcap load` staged.  Pure: no I/O; the caller reads
 * the boot id and the clock and writes the result (loader/efivar.c). */
#ifndef LOADER_HANGREC_BUILD_H
#define LOADER_HANGREC_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include "crashcap/hangrec.h"

/* Fill *r from the staged parameter block p: its RAM ranges (the kernel
 * image's view of RAM, vaddr at or above CC_KERNEL_MAP, goes to ktext_*),
 * the target and its identity, the memory model, the dump level and
 * compression, VMCOREINFO; boot_id, now and the nc canaries c
 * (loader/hangcanary.c) as given.  Then seal it.  0, or -1 with why (one
 * sentence) when the record cannot describe this load: no boot id, more
 * RAM ranges than it holds, two kernel-image ranges, a target without its
 * UUID, more canaries than it holds. */
int hangrec_build(struct cc_hang_record *r, const struct cc_params *p, const uint8_t boot_id[16], uint64_t now,
		  const struct cc_hang_canary *c, unsigned nc, char *why, size_t why_len);

#endif
