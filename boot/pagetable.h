/* boot/pagetable.h - identity-map page-table builder.
 *
 * Pure: tables come from a caller-given pool of 4 KiB pages, and a table's
 * address is its pointer value (true in the payload, which runs identity
 * mapped, and in the host tests).  Granularity is 2 MiB; 1 GiB leaves are
 * used where the CPU has them and a whole aligned GiB is mapped alike.
 * A later mapping overrides an earlier one (splitting a 1 GiB leaf when
 * needed), so callers map coarse defaults first and exceptions after.
 *
 *   virtual address (48-bit, 4-level; 57-bit adds PML5 on top)
 *   | 47..39 PML4 | 38..30 PDPT | 29..21 PD | 20..0 offset in 2 MiB page |
 *                              \_ 1 GiB leaf: 29..0 offset
 */
#ifndef BOOT_PAGETABLE_H
#define BOOT_PAGETABLE_H
#include <stdint.h>

#define PTE_P     (1ull << 0)  /* present */
#define PTE_W     (1ull << 1)  /* writable */
#define PTE_PWT   (1ull << 3)  /* write-through */
#define PTE_PCD   (1ull << 4)  /* cache disable */
#define PTE_PS    (1ull << 7)  /* leaf at PDPT (1 GiB) or PD (2 MiB) level */
#define PTE_ADDR_MASK 0x000ffffffffff000ull

#define PT_CACHE_WB 0
#define PT_CACHE_UC (PTE_PCD | PTE_PWT)

#define PT_PAGE_2M (1ull << 21)
#define PT_PAGE_1G (1ull << 30)

struct pt_pool {
	uint64_t *mem;     /* npages * 512 entries, 4 KiB aligned */
	unsigned npages;
	unsigned used;
	unsigned levels;   /* 4 or 5 */
	int allow_1g;
	uint64_t *root;
};

/* Returns 0, or -1 if the pool cannot hold even the root table. */
int pt_init(struct pt_pool *p, uint64_t *mem, unsigned npages, unsigned levels, int allow_1g);
/* Identity map [pa, pa+len), rounded out to 2 MiB, with cache attribute
 * PT_CACHE_*.  Returns 0, or -1 when the pool ran out (the map is then
 * incomplete; the caller reports it). */
int pt_map(struct pt_pool *p, uint64_t pa, uint64_t len, uint64_t cache);

#endif
