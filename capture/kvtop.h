/* capture/kvtop.h - kernel virtual to physical addresses of the CRASHED
 * kernel, by a walk of that kernel's own page tables (x86_64, 4 or 5
 * levels), reading the tables only through a callback.  Pure: payload and
 * host (tests/tools/pfcheck.c) build the same file.
 *
 *   virtual address, 4-level (5-level adds PML5 = bits 56..48 on top)
 *   | 63..48 sign | 47..39 PML4 | 38..30 PDPT | 29..21 PD | 20..12 PT | 11..0 |
 *                               \_ PS: 1 GiB leaf \_ PS: 2 MiB leaf
 *
 * An entry's physical address is bits 51..12 (KV_PTE_ADDR) without the
 * memory-encryption bit (NUMBER(sme_mask)); bits 63..52 (NX, protection
 * keys, software bits) are never part of it.  Any entry not present, any
 * PS bit where the architecture has none (PML5, PML4), any read that fails
 * and any non-canonical address make the answer "unknown", never a fault.
 * The last leaf is remembered, so addresses read in order (the struct page
 * array) cost one walk per leaf. */
#ifndef CAPTURE_KVTOP_H
#define CAPTURE_KVTOP_H

#include <stdint.h>
#include "crashcap/mm.h"

#define KV_PTE_P     (1ull << 0)              /* present */
#define KV_PTE_PS    (1ull << 7)              /* leaf at PDPT (1 GiB) or PD (2 MiB) */
#define KV_PTE_ADDR  0x000ffffffffff000ull    /* bits 51..12 */

/* Read len bytes of the crashed machine's physical memory at paddr into
 * buf.  Returns 0, or -1 when [paddr, paddr+len) is not all RAM of the
 * crashed machine (nothing is read then). */
typedef int (*kv_read_fn)(void *ctx, uint64_t paddr, void *buf, uint32_t len);

struct kvtop {
	kv_read_fn read;
	void    *ctx;
	uint64_t root;       /* physical address of the top table (init_top_pgt) */
	uint64_t addr_mask;  /* KV_PTE_ADDR without sme_mask */
	uint32_t levels;     /* 4 or 5; 0: no page tables known, every answer unknown */
	uint32_t walks;      /* page-table walks done (statistics) */
	/* the last leaf found: [leaf_va, leaf_va + leaf_size) -> leaf_pa */
	uint64_t leaf_va, leaf_pa, leaf_size; /* leaf_size 0: none yet */
};

/* From mm (top_pgt_paddr, pgt_levels, sme_mask); mm->version 0 leaves the
 * walker answering "unknown". */
void kvtop_init(struct kvtop *k, const struct cc_mm *mm, kv_read_fn read, void *ctx);

/* Returns 0 with *paddr, or -1: unknown (not mapped, unreadable tables,
 * not canonical). */
int kvtop(struct kvtop *k, uint64_t vaddr, uint64_t *paddr);

#endif
