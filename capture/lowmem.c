/* capture/lowmem.c - see lowmem.h. */
#include "capture/lowmem.h"
#include "boot/x86.h"

#define PAGE        4096ull
#define LOW_RAM_END 0xa0000ull /* conventional memory ends at 640 KiB */

static uint64_t next, end;

uint64_t lowmem_init(const struct cc_params *p)
{
	next = end = 0;
	for (uint32_t i = 0; i < p->nr_ranges; i++) {
		const struct cc_mem_range *r = &p->ranges[i];
		if (r->src == r->paddr || !r->paddr || r->paddr >= LOW_RAM_END)
			continue;
		next = (r->paddr + PAGE - 1) & ~(PAGE - 1);
		end = (r->paddr + r->size < LOW_RAM_END ? r->paddr + r->size : LOW_RAM_END) & ~(PAGE - 1);
		if (end < next)
			end = next;
		break;
	}
	return end - next;
}

void *lowmem_take(uint64_t bytes)
{
	bytes = (bytes + PAGE - 1) & ~(PAGE - 1);
	if (!bytes || bytes > end - next)
		return 0;
	uint64_t a = next;
	next += bytes;
	return phys_ptr(a);
}

uint64_t lowmem_left(void) { return end - next; }
