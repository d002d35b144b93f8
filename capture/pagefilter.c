/* capture/pagefilter.c - see pagefilter.h; the rules, per kernel version,
 * are in docs/filtering.md.  Written from makedumpfile's documented
 * behaviour (__exclude_unnecessary_pages and its predicates): the first
 * rule that matches a page wins, and a compound head or a free buddy block
 * leaves out its whole 1 << order pages. */
#include "capture/pagefilter.h"
#include "boot/string.h"

/* include/linux/mmzone.h: flag bits in mem_section.section_mem_map, below
 * SECTION_MAP_LAST_BIT (5 or 6 bits through Linux 6.19; x86_64 mem_maps
 * are far better aligned, so bits 6..11 must be zero). */
#define SECTION_MARKED_PRESENT (1ull << 0)
#define SECTION_HAS_MEM_MAP    (1ull << 1)
#define SECTION_FLAG_BITS      0x3full
#define PAGE_MAPPING_ANON      1ull      /* bit 0 of page.mapping: anonymous (or KSM) */
#define COMPOUND_TAIL          1ull      /* bit 0 of compound_head: a tail page */

#define PF_UNSURE 0xffu                  /* classify_one: keep, and count it */

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The description is used only if every offset stays inside the bytes
 * the filter reads: the parameter block is trusted no more than memory. */
static int mm_sane(const struct cc_mm *mm)
{
	uint32_t s = mm->page_size;

	if (mm->version != CC_MM_VERSION || mm->size != sizeof(*mm))
		return 0;
	if (s < 56 || s > 128 || mm->off_flags > s - 8 || mm->off_mapping > s - 8 || mm->off_private > s - 8
	    || mm->off_mapcount > s - 4 || mm->off_compound_head > s - 8 || mm->off_order >= 2 * s)
		return 0;
	if (mm->hugetlb_kind > CC_MM_HUGETLB_TYPE || (mm->hugetlb_kind == CC_MM_HUGETLB_DTOR && mm->hugetlb_off >= 2 * s)
	    || (mm->hugetlb_kind == CC_MM_HUGETLB_TAILFLAG && mm->hugetlb_value >= 64))
		return 0;
	if (mm->mem_section_size < 8 || mm->mem_section_size > PF_WIN_PAGE || PF_WIN_PAGE % mm->mem_section_size
	    || mm->section_mem_map_off > mm->mem_section_size - 8 || !mm->mem_section_roots)
		return 0;
	if (mm->max_physmem_bits > 52 || mm->max_physmem_bits < 32 || mm->section_size_bits < 15
	    || mm->section_size_bits >= mm->max_physmem_bits)
		return 0;
	if ((mm->pgt_levels != 4 && mm->pgt_levels != 5) || !mm->free_area_len || mm->free_area_len >= 64)
		return 0;
	if (mm->pg_lru >= 64 || mm->pg_private >= 64 || mm->pg_swapcache >= 64 || mm->pg_swapbacked >= 64
	    || mm->pg_slab >= 64 || mm->pg_hwpoison >= 64 || !mm->pg_head_mask)
		return 0;
	return 1;
}

uint32_t pf_init(struct pf *f, const struct cc_mm *mm, uint32_t dump_level, kv_read_fn read, void *ctx)
{
	memset(f, 0, sizeof(*f));
	f->read = read;
	f->ctx = ctx;
	f->sec_nr = ~0ull;
	f->level = dump_level & CC_DL_MAX;
	if (!mm_sane(mm)) {
		f->level &= ~CC_DL_NEEDS_MM;
		kvtop_init(&f->kv, &f->mm, read, ctx);  /* f->mm is all zero: unknown */
		return f->level;
	}
	f->mm = *mm;
	kvtop_init(&f->kv, &f->mm, read, ctx);
	f->per_root = PF_WIN_PAGE / mm->mem_section_size;
	f->pfn_shift = mm->section_size_bits - 12;
	f->max_pfn = 1ull << (mm->max_physmem_bits - 12);
	/* makedumpfile reads the struct pages when a level needs them, or
	 * always when the kernel has PG_hwpoison (those pages are never kept) */
	f->active = (f->level & CC_DL_NEEDS_MM) || (mm->have & CC_MM_HAVE_HWPOISON);
	return f->level;
}

/* A u64 of the crashed kernel at virtual address va, within one page. */
static int kread64(struct pf *f, uint64_t va, uint64_t *out)
{
	uint64_t pa;

	if ((va & (PF_WIN_PAGE - 1)) > PF_WIN_PAGE - 8 || kvtop(&f->kv, va, &pa))
		return -1;
	return f->read(f->ctx, pa, out, sizeof(*out));
}

/* The decoded mem_map of pfn's section (struct page of pfn = map + pfn *
 * SIZE(page)), or 0 when the section is absent or not believable. */
static uint64_t section_map(struct pf *f, uint64_t pfn)
{
	uint64_t nr = pfn >> f->pfn_shift, root, map;

	if (nr == f->sec_nr)
		return f->sec_map;
	f->sec_nr = nr;
	f->sec_map = 0;
	if (nr / f->per_root >= f->mm.mem_section_roots)
		return 0;
	if (kread64(f, f->mm.mem_section_vaddr + nr / f->per_root * 8, &root) || !root)
		return 0;
	if (kread64(f, root + nr % f->per_root * f->mm.mem_section_size + f->mm.section_mem_map_off, &map))
		return 0;
	if (!(map & SECTION_MARKED_PRESENT) || !(map & SECTION_HAS_MEM_MAP))
		return 0;
	map &= ~SECTION_FLAG_BITS;
	if (map & (PF_WIN_PAGE - 1))
		return 0;
	f->sec_map = map;
	return map;
}

/* One 4 KiB page of the struct page array, or NULL if it cannot be read. */
static const uint8_t *win_page(struct pf *f, uint64_t page_va)
{
	unsigned s = (unsigned)(page_va / PF_WIN_PAGE) & 1;

	if (f->win_va[s] != page_va) {
		uint64_t pa;

		f->win_va[s] = page_va;
		f->win_ok[s] = !kvtop(&f->kv, page_va, &pa) && !f->read(f->ctx, pa, f->win[s], PF_WIN_PAGE);
		if (f->win_ok[s])
			f->pages_read++;
		else
			f->read_fail++;
	}
	return f->win_ok[s] ? f->win[s] : NULL;
}

/* len (<= 256) bytes of the struct page array at va, or NULL. */
static const uint8_t *sp_bytes(struct pf *f, uint64_t va, uint32_t len)
{
	uint64_t page = va & ~(uint64_t)(PF_WIN_PAGE - 1);
	uint32_t off = (uint32_t)(va - page), first;
	const uint8_t *a = win_page(f, page), *b;

	if (!a)
		return NULL;
	if (off + len <= PF_WIN_PAGE)
		return a + off;
	b = win_page(f, page + PF_WIN_PAGE);   /* the other slot: a stays */
	if (!b)
		return NULL;
	first = PF_WIN_PAGE - off;
	memcpy(f->straddle, a + off, first);
	memcpy(f->straddle + first, b, len - first);
	return f->straddle;
}

static int is_slab(const struct cc_mm *mm, uint64_t flags, uint32_t mapcount)
{
	if (mm->have & CC_MM_HAVE_SLAB_TYPE)
		return mapcount == mm->slab_value;
	return (mm->have & CC_MM_HAVE_PG_SLAB) && (flags >> mm->pg_slab & 1);
}

static int is_cache(const struct cc_mm *mm, uint64_t flags)
{
	if (flags >> mm->pg_lru & 1)
		return 1;
	return (flags >> mm->pg_swapcache & 1)
	       && (!(mm->have & CC_MM_HAVE_SWAPBACKED) || (flags >> mm->pg_swapbacked & 1));
}

/* The reason to leave out page pfn (PF_KEPT, PF_WHY(CC_EXCL_*) or
 * PF_UNSURE), and in *nr how many pages from pfn on go with it. */
static unsigned classify_one(struct pf *f, uint64_t pfn, uint64_t *nr)
{
	const struct cc_mm *mm = &f->mm;
	uint32_t s = mm->page_size, mapcount, order = 0;
	uint64_t map, va, flags, mapping, private;
	const uint8_t *sp;
	int head, slab, anon, hugetlb = 0;

	*nr = 1;
	if (pfn >= f->max_pfn || !(map = section_map(f, pfn)))
		return PF_UNSURE;
	va = map + pfn * s;
	if (!(sp = sp_bytes(f, va, s)))
		return PF_UNSURE;
	flags = get64(sp + mm->off_flags);
	mapping = get64(sp + mm->off_mapping);
	private = get64(sp + mm->off_private);
	mapcount = get32(sp + mm->off_mapcount);
	head = (flags & mm->pg_head_mask) != 0;
	if (get64(sp + mm->off_compound_head) & COMPOUND_TAIL)
		/* a tail: left out with its head, if at all (the skip) */
		return head ? PF_UNSURE : PF_KEPT;

	if (head) {
		/* order and hugetlb marker live in the first tail */
		const uint8_t *hp = sp_bytes(f, va, 2 * s);
		uint64_t link;

		if (!hp)
			return PF_UNSURE;
		link = get64(hp + s + mm->off_compound_head);
		if (!(link & COMPOUND_TAIL))
			return PF_UNSURE;           /* a head whose next page is no tail */
		if (!(mm->have & CC_MM_HAVE_COMPOUND_INFO) && link != (va | COMPOUND_TAIL))
			return PF_UNSURE;           /* the tail points at another head */
		order = hp[mm->off_order];
		if (order >= 64 || (pfn & ((1ull << order) - 1)))
			order = 0;                  /* makedumpfile: invalid order */
		switch (mm->hugetlb_kind) {
		case CC_MM_HUGETLB_DTOR:
			hugetlb = hp[mm->hugetlb_off] == mm->hugetlb_value;
			break;
		case CC_MM_HUGETLB_TAILFLAG:
			hugetlb = get64(hp + s + mm->off_flags) >> mm->hugetlb_value & 1;
			break;
		case CC_MM_HUGETLB_TYPE:
			hugetlb = mapcount == mm->hugetlb_value;
			break;
		}
	}
	*nr = 1ull << order;
	slab = is_slab(mm, flags, mapcount);
	anon = (mapping & PAGE_MAPPING_ANON) && !slab;

	if (f->level & CC_DL_FREE) {
		if (!slab && mapcount == mm->buddy_value) {
			/* a free block: its order is in page.private */
			if (private >= mm->free_area_len || (pfn & ((1ull << private) - 1)))
				return PF_UNSURE;
			*nr = 1ull << private;
			return PF_WHY(CC_EXCL_FREE);
		}
		if ((mm->have & CC_MM_HAVE_UNACCEPTED) && mapcount == mm->unaccepted_value) {
			uint32_t o = mm->free_area_len - 1;

			if (pfn & ((1ull << o) - 1))
				return PF_UNSURE;
			*nr = 1ull << o;
			return PF_WHY(CC_EXCL_FREE);
		}
	}
	if ((f->level & CC_DL_CACHE) && is_cache(mm, flags) && !(flags >> mm->pg_private & 1) && !anon)
		return PF_WHY(CC_EXCL_CACHE);
	if ((f->level & CC_DL_CACHE_PRI) && is_cache(mm, flags) && !anon)
		return flags >> mm->pg_private & 1 ? PF_WHY(CC_EXCL_CACHE_PRI) : PF_WHY(CC_EXCL_CACHE);
	if ((f->level & CC_DL_USER) && (anon || hugetlb))
		return PF_WHY(CC_EXCL_USER);
	if ((mm->have & CC_MM_HAVE_HWPOISON) && (flags >> mm->pg_hwpoison & 1))
		return PF_WHY(CC_EXCL_POISON);
	if ((mm->have & CC_MM_HAVE_OFFLINE) && mapcount == mm->offline_value && !slab)
		return PF_WHY(CC_EXCL_POISON);
	*nr = 1;
	return PF_KEPT;
}

int pf_classify(struct pf *f, uint64_t pfn, uint32_t n, uint8_t *why, uint32_t *unsure)
{
	uint32_t i = 0;
	int excluded = 0;

	*unsure = 0;
	if (n == 0 || n > CC_CHUNK_PAGES)
		return -1;
	memset(why, PF_KEPT, n);
	if (!f->active)
		return 0;
	if (pfn < f->next_pfn)
		f->skip_end = 0;                    /* out of order: start afresh */
	f->next_pfn = pfn + n;
	while (i < n) {
		uint64_t p = pfn + i, nr;
		unsigned w;

		if (p < f->skip_end) {
			uint64_t run = f->skip_end - p;

			if (run > n - i)
				run = n - i;
			memset(why + i, f->skip_why, (size_t)run);
			excluded += (int)run;
			i += (uint32_t)run;
			continue;
		}
		w = classify_one(f, p, &nr);
		if (w == PF_UNSURE) {
			(*unsure)++;
		} else if (w != PF_KEPT && nr > 1) {
			f->skip_end = p + nr;           /* may reach into later calls */
			f->skip_why = (uint8_t)w;
			continue;
		} else if (w != PF_KEPT) {
			why[i] = (uint8_t)w;
			excluded++;
		}
		i++;
	}
	return excluded;
}
