/* boot/paging.c - see paging.h.
 *
 * The previous stage's page tables (the kexec identity map, or the 4 GiB
 * map of boot/head.asm) cover RAM but not device registers, and may be
 * 5-level.  We build our own from a fixed pool in .bss: 5-level when CR4.LA57
 * is already on (paging cannot be switched between 4 and 5 levels without
 * leaving long mode), 4-level otherwise. */
#include "boot/paging.h"
#include "boot/console.h"
#include "boot/cpu.h"
#include "boot/pagetable.h"
#include "boot/x86.h"
#include "crashcap/status.h"

#define FOUR_GIB (4ull << 30)

static uint64_t pool_mem[PT_POOL_PAGES * 512] __attribute__((aligned(4096)));
static struct pt_pool pool;

static int map(uint64_t pa, uint64_t len, uint64_t cache, const char *what)
{
	if (pt_map(&pool, pa, len, cache) == 0)
		return CC_OK;
	cc_log("page-table pool full (%u pages of 4 KiB) mapping %s %lx+%lx", PT_POOL_PAGES, what, pa, len);
	return CC_ERR_NO_MEMORY;
}

int paging_init(const struct cc_params *p)
{
	unsigned levels = read_cr4() & CR4_LA57 ? 5 : 4;
	int gb = cpu_has_1g_pages();
	if (pt_init(&pool, pool_mem, PT_POOL_PAGES, levels, gb))
		return CC_ERR_NO_MEMORY;
	/* Below 4 GiB: uncached by default (legacy devices, LAPIC, IOAPIC,
	 * ACPI tables, 32-bit BARs); RAM is made write-back below. */
	int st = map(0, FOUR_GIB, PT_CACHE_UC, "the first 4 GiB");
	for (uint32_t i = 0; !st && i < p->nr_ranges; i++) {
		st = map(p->ranges[i].paddr, p->ranges[i].size, PT_CACHE_WB, "RAM");
		if (!st && p->ranges[i].src != p->ranges[i].paddr)
			st = map(p->ranges[i].src, p->ranges[i].size, PT_CACHE_WB, "RAM copy");
	}
	for (uint32_t i = 0; !st && i < p->nr_note_bufs; i++)
		st = map(p->note_bufs[i].paddr, p->note_bufs[i].size, PT_CACHE_WB, "notes");
	if (!st && p->vmcoreinfo_paddr)
		st = map(p->vmcoreinfo_paddr, p->vmcoreinfo_size, PT_CACHE_WB, "vmcoreinfo");
	if (!st)
		st = map(image_base(), image_mem_size(), PT_CACHE_WB, "the payload");
	if (!st)
		st = map((uint64_t)p, sizeof(*p), PT_CACHE_WB, "the parameter block");
	if (st)
		return st;
	write_cr3((uint64_t)pool.root);
	cc_log("page tables: %u-level, %s pages, %u of %u pool pages", levels, gb ? "1 GiB/2 MiB" : "2 MiB",
	       pool.used, PT_POOL_PAGES);
	return CC_OK;
}

int paging_map_mmio(uint64_t pa, uint64_t len)
{
	if (!pool.root) { /* still on the previous stage's tables (an early failure) */
		cc_log("cannot map %lx+%lx before our page tables exist", pa, len);
		return CC_ERR_NO_MEMORY;
	}
	int st = map(pa, len, PT_CACHE_UC, "device registers");
	if (st == CC_OK)
		write_cr3((uint64_t)pool.root); /* flush stale translations */
	return st;
}
