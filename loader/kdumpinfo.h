/* loader/kdumpinfo.h - what the header of a kdump-compressed file needs
 * from a CC_ENC_PAGES dump's HEAD record (loader/pagestream.h): the CPU
 * count (NT_PRSTATUS notes), where the VMCOREINFO text lies in the notes,
 * the kernel release, phys_base, and where init_uts_ns.name lies in
 * physical memory.  Pure: no I/O; every note and line is bounded by the
 * notes' length. */
#ifndef LOADER_KDUMPINFO_H
#define LOADER_KDUMPINFO_H

#include <stdint.h>
#include "loader/kdumpfmt.h"
#include "loader/pagestream.h"

#define KI_NT_PRSTATUS 1

struct kdump_info {
	unsigned nr_cpus;           /* "CORE" notes of type NT_PRSTATUS */
	uint64_t vmcoreinfo_off;    /* the VMCOREINFO note's text: offset in the notes */
	uint64_t vmcoreinfo_len;    /* and length; 0 when there is none */
	char release[KD_UTS_LEN];   /* OSRELEASE, or "" */
	uint64_t phys_base;
	const char *phys_base_from; /* "VMCOREINFO", "the kernel-image PT_LOAD" or "nothing: 0" */
	uint64_t uts_paddr;         /* init_uts_ns.name in physical memory (below 2^52), or UINT64_MAX */
};

void kdump_info_read(struct kdump_info *k, const struct ps_head *h);

#endif
