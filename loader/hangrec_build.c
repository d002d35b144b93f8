/* loader/hangrec_build.c - see hangrec_build.h. */
#include <stdio.h>
#include <string.h>

#include "capture/hangrec.h"
#include "crashcap/dumpfmt.h"
#include "loader/hangrec_build.h"

int hangrec_build(struct cc_hang_record *r, const struct cc_params *p, const uint8_t boot_id[16], uint64_t now,
		  const struct cc_hang_canary *c, unsigned nc, char *why, size_t why_len)
{
	static const uint8_t zero[16];
	unsigned n = 0, kernel = 0;

	memset(r, 0, sizeof(*r));
	if (!memcmp(boot_id, zero, 16)) {
		snprintf(why, why_len, "the boot id is all zero");
		return -1;
	}
	if (!(p->target.flags & CC_TF_UUID)) {
		snprintf(why, why_len, "the target has no UUID");
		return -1;
	}
	if (nc > CC_HANG_MAX_CANARIES) {
		snprintf(why, why_len, "%u canaries, the record holds %u", nc, CC_HANG_MAX_CANARIES);
		return -1;
	}
	if (p->nr_ranges > CC_MAX_RANGES) {
		snprintf(why, why_len, "the parameter block has %u ranges", p->nr_ranges);
		return -1;
	}
	for (unsigned i = 0; i < p->nr_ranges; i++) {
		const struct cc_mem_range *g = &p->ranges[i];
		if (g->vaddr >= CC_KERNEL_MAP) {
			if (kernel++) {
				snprintf(why, why_len, "two kernel-image ranges (%u and an earlier one)", i);
				return -1;
			}
			r->ktext_paddr = g->paddr;
			r->ktext_size = g->size;
			r->ktext_vaddr = g->vaddr;
			continue;
		}
		if (n == CC_HANG_MAX_RANGES) {
			snprintf(why, why_len, "the record holds %u RAM ranges and this machine has more",
				 CC_HANG_MAX_RANGES);
			return -1;
		}
		r->ranges[n].paddr = g->paddr;
		r->ranges[n].size = g->size;
		n++;
	}
	memcpy(r->boot_id, boot_id, 16);
	r->armed_time = now;
	r->nr_ranges = n;
	r->nr_canaries = nc;
	for (unsigned i = 0; i < nc; i++)
		r->canaries[i] = c[i];
	r->dump_level = p->dump_level;
	r->compress = p->compress;
	r->vmcoreinfo_paddr = p->vmcoreinfo_paddr;
	r->vmcoreinfo_size = p->vmcoreinfo_size;
	r->target = p->target;
	r->target_id = p->target_id;
	r->mm = p->mm;
	hangrec_seal(r);

	unsigned at;
	int rc = hangrec_check(r, sizeof(*r), &at);
	if (rc != HANGREC_OK) {
		snprintf(why, why_len, "the record made is not valid: %s (entry %u)", hangrec_error(rc), at);
		return -1;
	}
	return 0;
}
