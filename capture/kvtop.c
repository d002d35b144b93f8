/* capture/kvtop.c - see kvtop.h. */
#include "capture/kvtop.h"

#define KV_ENTRIES 512u

void kvtop_init(struct kvtop *k, const struct cc_mm *mm, kv_read_fn read, void *ctx)
{
	k->read = read;
	k->ctx = ctx;
	k->walks = 0;
	k->leaf_va = k->leaf_pa = k->leaf_size = 0;
	k->levels = 0;
	k->root = 0;
	k->addr_mask = KV_PTE_ADDR;
	if (mm->version != CC_MM_VERSION || (mm->pgt_levels != 4 && mm->pgt_levels != 5))
		return;
	k->levels = mm->pgt_levels;
	k->root = mm->top_pgt_paddr & KV_PTE_ADDR;
	k->addr_mask = KV_PTE_ADDR & ~mm->sme_mask;
}

/* Canonical: bits 63..(va_bits-1) all equal. */
static int canonical(uint64_t va, unsigned va_bits)
{
	uint64_t top = va >> (va_bits - 1);

	return top == 0 || top == (~0ull >> (va_bits - 1));
}

int kvtop(struct kvtop *k, uint64_t vaddr, uint64_t *paddr)
{
	uint64_t table = k->root;
	unsigned shift;

	if (k->leaf_size && vaddr - k->leaf_va < k->leaf_size) {
		*paddr = k->leaf_pa + (vaddr - k->leaf_va);
		return 0;
	}
	if (!k->levels || !canonical(vaddr, k->levels == 5 ? 57 : 48))
		return -1;
	k->walks++;
	for (shift = k->levels == 5 ? 48 : 39; shift >= 12; shift -= 9) {
		uint64_t e, size = 1ull << shift;
		unsigned idx = (unsigned)(vaddr >> shift) & (KV_ENTRIES - 1);

		if (k->read(k->ctx, table + idx * 8ull, &e, sizeof(e)))
			return -1;
		if (!(e & KV_PTE_P))
			return -1;
		if (shift == 12 || (e & KV_PTE_PS)) {
			/* a leaf: 4 KiB (PT), 2 MiB (PD) or 1 GiB (PDPT) only */
			if (shift > 30)
				return -1;
			k->leaf_size = size;
			k->leaf_va = vaddr & ~(size - 1);
			k->leaf_pa = e & k->addr_mask & ~(size - 1);
			*paddr = k->leaf_pa + (vaddr - k->leaf_va);
			return 0;
		}
		table = e & k->addr_mask;
	}
	return -1;
}
