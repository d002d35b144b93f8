/* loader/hangcanary.h - the canaries of the hang record (docs/hangcap.md,
 * "What proves RAM survived"): bytes in the running kernel's RAM, named
 * by physical address, that hangcap.efi compares after a reset.  In the
 * order they take the record's slots: the kernel's boot id in its bss or
 * data (CC_CANARY_BOOTID), the kernel's pointer-hashing key ptr_key
 * (CC_CANARY_KEY), the page of random bytes staged in the crash region
 * (CC_CANARY_REGION), the VMCOREINFO note (CC_CANARY_VMCOREINFO), then
 * whole pages of the kernel's read-only-after-init data spread over it
 * (CC_CANARY_ROINIT) in the slots left. */
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

/* Pure: the page-aligned physical addresses of n whole pages spread
 * evenly over [start, end) (the first and the last whole page among
 * them when n > 1), into at[]: how many (fewer when the range has fewer
 * whole pages). */
unsigned canary_spread(uint64_t start, uint64_t end, unsigned n, uint64_t *at);

/* What canary_collect takes from the load. */
struct canary_src {
	const char *root;                 /* "" or a test's directory */
	const struct iomem *mem;
	uint64_t page_offset;             /* the direct map, for /proc/kcore */
	const uint8_t *boot_id;           /* 16 bytes */
	uint64_t text_vaddr, text_paddr;  /* the kernel image's mapping (_text, "Kernel code"), */
	uint64_t text_size;               /*   0 = unknown: no ptr_key, no ro_after_init pages */
	uint64_t vmcoreinfo_paddr, vmcoreinfo_size;
	const uint8_t *region;            /* the staged crash-region page (4096 bytes), or NULL */
	uint64_t region_paddr;
	const char *no_region;            /* why there is none, when region is NULL */
};

/* With I/O (/proc/kallsyms and /proc/kcore below root): up to max
 * canaries into c, in the order above.  How many; words says which were
 * taken and why the others were not (one line). */
unsigned canary_collect(const struct canary_src *s, struct cc_hang_canary *c, unsigned max, char *words,
			size_t words_len);

#endif
