/* loader/hangcanary.h - the canaries of the hang record (docs/hangcap.md,
 * "What proves RAM survived"): bytes in the running kernel's RAM, named
 * by physical address, that hangcap.efi compares after a reset.  Built so
 * far: the kernel's boot id in its data (CC_CANARY_BOOTID) and the
 * VMCOREINFO note (CC_CANARY_VMCOREINFO); not yet the crash-region page
 * (CC_CANARY_REGION). */
#ifndef LOADER_HANGCANARY_H
#define LOADER_HANGCANARY_H

#include <stddef.h>
#include <stdint.h>
#include "crashcap/hangrec.h"
#include "loader/iomem.h"

/* Pure: fill *c for len bytes (CC_CANARY_MIN_LEN..4096, inside one page)
 * at paddr whose content is bytes: head, CRC-32.  0, or -1 if the length
 * or the page does not fit. */
int canary_make(struct cc_hang_canary *c, uint32_t kind, uint64_t paddr, const uint8_t *bytes, uint32_t len);

/* Pure: the offsets of the 16-byte needle in buf[0, len), at most max of
 * them, in order: how many were found. */
unsigned canary_find(const uint8_t *buf, size_t len, const uint8_t needle[16], size_t *off, unsigned max);

/* With I/O (/proc/kcore below root): up to max canaries into c: the boot
 * id where the kernel keeps it ("Kernel bss", then "Kernel data" of
 * /proc/iomem; the first place only), then the VMCOREINFO note's first
 * bytes up to its page's end.  How many; words says which were found and
 * why the others were not (one line). */
unsigned canary_collect(const char *root, const struct iomem *mem, uint64_t page_offset, const uint8_t boot_id[16],
			uint64_t vmcoreinfo_paddr, uint64_t vmcoreinfo_size, struct cc_hang_canary *c, unsigned max,
			char *words, size_t words_len);

#endif
