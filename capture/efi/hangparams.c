/* capture/efi/hangparams.c - see hangparams.h. */
#include "capture/efi/hangparams.h"
#include "boot/string.h"

_Static_assert(CC_HANG_MAX_RANGES + 1 <= CC_MAX_RANGES, "the record's ranges and the kernel image fit the block");

void hangparams_from_record(const struct cc_hang_record *r, struct cc_params *p)
{
	memset(p, 0, sizeof(*p));
	p->magic = CC_PARAMS_MAGIC;
	p->version = CC_PARAMS_VERSION;
	p->size = sizeof(*p);
	if (r->ktext_size)
		p->ranges[p->nr_ranges++] = (struct cc_mem_range){ .paddr = r->ktext_paddr, .size = r->ktext_size,
								   .vaddr = r->ktext_vaddr, .src = r->ktext_paddr };
	for (uint32_t i = 0; i < r->nr_ranges && i < CC_HANG_MAX_RANGES; i++)
		p->ranges[p->nr_ranges++] = (struct cc_mem_range){ .paddr = r->ranges[i].paddr, .size = r->ranges[i].size,
								   .vaddr = 0, .src = r->ranges[i].paddr };
	p->nr_note_bufs = 0;
	p->vmcoreinfo_paddr = r->vmcoreinfo_paddr;
	p->vmcoreinfo_size = r->vmcoreinfo_size;
	p->target = r->target;
	p->target_id = r->target_id;
	p->options = CC_OPT_ORIGIN_HANG;
	p->dump_level = r->dump_level;
	p->compress = r->compress;
	p->mm = r->mm;
}
