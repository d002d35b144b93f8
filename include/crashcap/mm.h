/* crashcap/mm.h - what the payload needs to know about the crashed
 * kernel's memory model to classify pages (dump levels 2..16), without
 * parsing any text: the loader reads the VMCOREINFO note at load time
 * (loader/vmcoreinfo.c) and fills this in; the payload's page filter
 * (capture/pagefilter.c) only reads it.  version 0 means "no usable
 * description": the payload then filters zero pages only (dump level 1),
 * never guessing.  Plain data, little endian, no pointers; every address is
 * either physical (_paddr) or a kernel virtual address of the crashed
 * kernel (_vaddr) that the payload translates through that kernel's own
 * page tables.  Part of the parameter block (params.h), 256 bytes.
 * Documented in docs/parameter-block.md. */
#ifndef CRASHCAP_MM_H
#define CRASHCAP_MM_H

#include <stdint.h>

#define CC_MM_VERSION 1
#define CC_MM_BYTES   256

struct cc_mm {
	uint32_t version;     /* 0x00 CC_MM_VERSION, or 0: no description */
	uint32_t size;        /* 0x04 sizeof(struct cc_mm) */
	/* Fields below are owned by loader/vmcoreinfo.c and
	 * capture/pagefilter.c; they pad the struct to CC_MM_BYTES. */
	uint8_t  body[CC_MM_BYTES - 8];
};

#ifndef __ASSEMBLER__
_Static_assert(sizeof(struct cc_mm) == CC_MM_BYTES, "cc_mm layout");
#endif

#endif
