/* loader/iomem.h - parsing /proc/iomem (kexec-abi.md section 5).
 *
 * Each line is "%0*llx-%0*llx : NAME", indented two spaces per nesting
 * level, end inclusive.  Readers without CAP_SYS_ADMIN see every address
 * as 0: iomem_parse() reports that instead of returning a map of zeros.
 * Pure (no I/O): host-tested in tests/unit/test_iomem.c. */
#ifndef LOADER_IOMEM_H
#define LOADER_IOMEM_H

#include <stdint.h>

#define IOMEM_NAME_MAX 64

struct iomem_res {
	uint64_t start;               /* first byte */
	uint64_t end;                 /* last byte (inclusive, as printed) */
	unsigned depth;               /* nesting: leading spaces / 2 */
	char name[IOMEM_NAME_MAX];    /* truncated if longer */
};

struct iomem {
	struct iomem_res *res;        /* in file order */
	unsigned n;
};

#define IOMEM_OK       0
#define IOMEM_NOMEM   -1
#define IOMEM_HIDDEN  -2 /* every address is 0: the reader lacks CAP_SYS_ADMIN */
#define IOMEM_EMPTY   -3 /* no line could be parsed */

/* Parse the text of /proc/iomem.  Lines that do not parse are skipped (as
 * kexec-tools does).  One of IOMEM_*; on IOMEM_OK free with iomem_free(). */
int iomem_parse(const char *text, struct iomem *m);
void iomem_free(struct iomem *m);

/* Names the loader looks for. */
#define IOMEM_SYSTEM_RAM   "System RAM"   /* substring: also "System RAM (kmem)" */
#define IOMEM_CRASH_KERNEL "Crash kernel"
#define IOMEM_KERNEL_CODE  "Kernel code"
#define IOMEM_KERNEL_BSS   "Kernel bss"
#define IOMEM_GART         "GART"

/* 1 if r is RAM the kernel manages (name contains "System RAM"). */
int iomem_is_ram(const struct iomem_res *r);

/* The index of the next resource after 'from' (start with -1) whose name
 * is exactly name, at any depth: the index, or -1 when there is none. */
int iomem_find_next(const struct iomem *m, int from, const char *name);

/* The highest "Crash kernel" resource, the one kexec_load accepts
 * segments in (crashk_res; a second, lower one is the ",low" region):
 * its index, or -1 if none.  *count gets how many there are. */
int iomem_crash_region(const struct iomem *m, unsigned *count);

/* Sum of the "System RAM" sizes in bytes (overlapping lines counted once
 * only if they nest; good enough for an estimate). */
uint64_t iomem_ram_bytes(const struct iomem *m);

#endif
