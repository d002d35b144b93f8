/* boot/pagetable.c - see pagetable.h. */
#include "boot/pagetable.h"

#define ENTRIES 512

static uint64_t *alloc_table(struct pt_pool *p)
{
	if (p->used >= p->npages)
		return 0;
	uint64_t *t = p->mem + (uint64_t)p->used++ * ENTRIES;
	for (int i = 0; i < ENTRIES; i++)
		t[i] = 0;
	return t;
}

int pt_init(struct pt_pool *p, uint64_t *mem, unsigned npages, unsigned levels, int allow_1g)
{
	p->mem = mem;
	p->npages = npages;
	p->used = 0;
	p->levels = levels;
	p->allow_1g = allow_1g;
	p->root = alloc_table(p);
	return p->root ? 0 : -1;
}

static unsigned level_shift(unsigned level) { return 12 + 9 * (level - 1); }

/* Replace a leaf at `level` by a table of leaves one level down with the
 * same attributes, so part of it can be changed. */
static uint64_t *split_leaf(struct pt_pool *p, uint64_t *e, unsigned level)
{
	uint64_t *t = alloc_table(p);
	if (!t)
		return 0;
	uint64_t base = *e & PTE_ADDR_MASK & ~((1ull << level_shift(level)) - 1);
	uint64_t attrs = *e & (PTE_P | PTE_W | PTE_PWT | PTE_PCD | PTE_PS);
	uint64_t child = 1ull << level_shift(level - 1);
	for (int i = 0; i < ENTRIES; i++)
		t[i] = (base + (uint64_t)i * child) | attrs;
	*e = (uint64_t)t | PTE_P | PTE_W;
	return t;
}

static int map_level(struct pt_pool *p, uint64_t *table, unsigned level,
		     uint64_t start, uint64_t end, uint64_t cache)
{
	uint64_t size = 1ull << level_shift(level);
	for (uint64_t a = start; a < end;) {
		uint64_t *e = &table[(a >> level_shift(level)) % ENTRIES];
		uint64_t block = a & ~(size - 1);
		uint64_t chunk_end = end < block + size ? end : block + size;
		int leaf_level = level == 2 || (level == 3 && p->allow_1g);
		if (leaf_level && a == block && chunk_end == block + size) {
			*e = block | PTE_P | PTE_W | PTE_PS | cache;
		} else {
			uint64_t *sub;
			if (!(*e & PTE_P)) {
				sub = alloc_table(p);
				if (!sub)
					return -1;
				*e = (uint64_t)sub | PTE_P | PTE_W;
			} else if (*e & PTE_PS) {
				sub = split_leaf(p, e, level);
				if (!sub)
					return -1;
			} else {
				sub = (uint64_t *)(*e & PTE_ADDR_MASK);
			}
			if (map_level(p, sub, level - 1, a, chunk_end, cache))
				return -1;
		}
		a = chunk_end;
	}
	return 0;
}

int pt_map(struct pt_pool *p, uint64_t pa, uint64_t len, uint64_t cache)
{
	if (!len)
		return 0;
	uint64_t start = pa & ~(PT_PAGE_2M - 1);
	uint64_t end = (pa + len + PT_PAGE_2M - 1) & ~(PT_PAGE_2M - 1);
	/* Canonical addresses only: the lower half, 2^47 (4-level) or 2^56 (5-level). */
	uint64_t limit = 1ull << (level_shift(p->levels + 1) - 1);
	if (end > limit || end < start)
		return -1;
	return map_level(p, p->root, p->levels, start, end, cache & (PTE_PCD | PTE_PWT));
}
