/* capture/pagefilter.h - which pages of the crashed machine to leave out,
 * from the crashed kernel's struct page array: makedumpfile's rules for
 * dump levels 2, 4, 8 and 16 (docs/filtering.md), plus hwpoison and
 * offline pages at every level.  Zero pages (CC_DL_ZERO) are not decided
 * here: the writer looks at page contents.
 *
 * Pure: payload and host (tests/tools/pfcheck.c) build the same file.  All
 * state is in struct pf (about 8.5 KiB, no pointers to anything that grows
 * with RAM); memory is read only through the callback.  Nothing read from
 * the crashed kernel is trusted: a struct page that cannot be read, or that
 * makes no sense, keeps its page and counts as "unsure".
 *
 * Finding the struct page of a pfn (SPARSEMEM_EXTREME + VMEMMAP):
 *   section  = pfn >> (SECTION_SIZE_BITS - 12)
 *   root     = ((u64 *)SYMBOL(mem_section))[section / (4096 / SIZE(mem_section))]
 *   map      = ((mem_section *)root)[section % (4096 / SIZE(mem_section))].section_mem_map
 *   present  = map & SECTION_MARKED_PRESENT (bit 0), with SECTION_HAS_MEM_MAP (bit 1)
 *   page     = (map & ~0x3f) + pfn * SIZE(page)      (a vmemmap virtual address)
 * read through capture/kvtop.h one 4 KiB page of struct pages at a time. */
#ifndef CAPTURE_PAGEFILTER_H
#define CAPTURE_PAGEFILTER_H

#include <stdint.h>
#include "crashcap/dumpfmt.h"
#include "crashcap/mm.h"
#include "crashcap/params.h"
#include "capture/kvtop.h"

/* why[i] values: 0 kept, else 1 + CC_EXCL_* (dumpfmt.h). */
#define PF_KEPT 0
#define PF_WHY(excl) ((uint8_t)(1 + (excl)))

#define PF_WIN_PAGE 4096u

struct pf {
	struct cc_mm mm;        /* copied at pf_init */
	struct kvtop kv;
	kv_read_fn read;
	void    *ctx;
	uint32_t level;         /* CC_DL_* bits applied (CC_DL_ZERO is the writer's) */
	uint32_t active;        /* 1: struct pages are read (some rule can apply) */
	uint32_t per_root;      /* sections per root: 4096 / SIZE(mem_section) */
	uint32_t pfn_shift;     /* SECTION_SIZE_BITS - 12 */
	uint64_t max_pfn;       /* 1 << (MAX_PHYSMEM_BITS - 12): no pfn at or above */
	/* the section of the last pfn looked up */
	uint64_t sec_nr;        /* UINT64_MAX: none */
	uint64_t sec_map;       /* decoded mem_map (vaddr of struct page of pfn 0), 0: unusable */
	/* two 4 KiB pages of the struct page array, by the parity of their page number */
	uint64_t win_va[2];     /* vaddr of the page held, 0: none */
	uint8_t  win_ok[2];     /* 1: read, 0: could not be read */
	uint8_t  win[2][PF_WIN_PAGE];
	uint8_t  straddle[256]; /* a head and its first tail copied together when they cross a page */
	/* a compound or buddy range left out that goes on past the last call */
	uint64_t next_pfn;      /* the pfn after the last one classified */
	uint64_t skip_end;      /* pfns below this are left out with skip_why */
	uint8_t  skip_why;
	/* statistics, for the log */
	uint64_t pages_read;    /* struct-page pages read */
	uint64_t read_fail;     /* struct-page pages that could not be read */
};

_Static_assert(sizeof(struct pf) <= 16384, "the filter's state stays small");

/* Set up f for mm, the dump level asked and the read callback.  Returns
 * the dump level it can apply: dump_level without the bits that need the
 * struct page array (CC_DL_NEEDS_MM) when mm is no usable description
 * (mm->version != CC_MM_VERSION). */
uint32_t pf_init(struct pf *f, const struct cc_mm *mm, uint32_t dump_level, kv_read_fn read, void *ctx);

/* Classify the n pages from pfn on (1 <= n <= CC_CHUNK_PAGES): why[i] for
 * page pfn + i.  Calls must come in increasing pfn order (gaps allowed);
 * a call that goes back starts afresh.  *unsure = pages of this call kept
 * because their struct page was unreadable or made no sense.  Returns the
 * number of pages left out, or -1 (all kept, *unsure = 0) when n is out of
 * range. */
int pf_classify(struct pf *f, uint64_t pfn, uint32_t n, uint8_t *why, uint32_t *unsure);

#endif
