/* loader/vmcoreinfo.c - VMCOREINFO text to struct cc_mm.
 *
 * The kernel writes one "KEY=VALUE" line per fact (kernel/vmcore_info.c,
 * crash_core.c before 6.9): SYMBOL(x) in hex without 0x, NUMBER(x) in
 * signed decimal, SIZE/OFFSET/LENGTH in unsigned decimal, OSRELEASE and
 * PAGESIZE as text.  Only the keys in the table below are read; every
 * other line is skipped.  Which entries exist tells the kernel's layout
 * (makedumpfile's rules, docs/filtering.md):
 *
 *   compound order   OFFSET(page.compound_order) in the first tail (<= 6.2),
 *                    OFFSET(folio._folio_order) (6.3-6.5), or the low byte
 *                    of the first tail's flags (_flags_1, 6.6+)
 *   hugetlb marker   HUGETLB_PAGE_DTOR at compound_dtor / _folio_dtor
 *                    (<= 6.5), PG_hugetlb in _flags_1 (6.6-6.8), or the
 *                    page type PAGE_HUGETLB_MAPCOUNT_VALUE (6.9+)
 *   slab             PG_slab (<= 6.9) or PAGE_SLAB_MAPCOUNT_VALUE (6.10+)
 *   tail link        page.compound_head, page.compound_info (7.1+)
 *
 * Anything missing that the filter needs, or any value out of range, makes
 * the whole description unusable (version 0), with one sentence why. */
#include "loader/vmcoreinfo.h"
#include "loader/hexdigit.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define START_KERNEL_MAP 0xffffffff80000000ull /* __START_KERNEL_map, x86_64 */
#define PAGE_BYTES       4096u

enum vk_base { VK_HEX, VK_DEC, VK_NUM }; /* NUMBER: signed decimal (or 0x hex) */

enum vk {
	K_PAGESIZE, K_INIT_TOP_PGT, K_PHYS_BASE, K_L5, K_SME_MASK,
	K_MEM_SECTION, K_MS_LENGTH, K_MS_SIZE, K_MS_MAP, K_SECTION_BITS, K_PHYSMEM_BITS,
	K_SIZE_PAGE, K_OFF_FLAGS, K_OFF_MAPPING, K_OFF_PRIVATE, K_OFF_MAPCOUNT,
	K_OFF_COMPOUND_HEAD, K_OFF_COMPOUND_INFO, K_OFF_COMPOUND_ORDER, K_OFF_COMPOUND_DTOR,
	K_OFF_FOLIO_ORDER, K_OFF_FOLIO_DTOR, K_FREE_AREA,
	K_PG_LRU, K_PG_PRIVATE, K_PG_SWAPCACHE, K_PG_SWAPBACKED, K_PG_SLAB, K_PG_HWPOISON,
	K_PG_HUGETLB, K_PG_HEAD_MASK,
	K_BUDDY, K_OFFLINE, K_SLAB, K_HUGETLB, K_UNACCEPTED, K_HUGETLB_DTOR,
	K_N
};

static const struct { const char *name; enum vk_base base; } keys[K_N] = {
	[K_PAGESIZE]          = { "PAGESIZE", VK_DEC },
	[K_INIT_TOP_PGT]      = { "SYMBOL(init_top_pgt)", VK_HEX },
	[K_PHYS_BASE]         = { "NUMBER(phys_base)", VK_NUM },
	[K_L5]                = { "NUMBER(pgtable_l5_enabled)", VK_NUM },
	[K_SME_MASK]          = { "NUMBER(sme_mask)", VK_NUM },
	[K_MEM_SECTION]       = { "SYMBOL(mem_section)", VK_HEX },
	[K_MS_LENGTH]         = { "LENGTH(mem_section)", VK_DEC },
	[K_MS_SIZE]           = { "SIZE(mem_section)", VK_DEC },
	[K_MS_MAP]            = { "OFFSET(mem_section.section_mem_map)", VK_DEC },
	[K_SECTION_BITS]      = { "NUMBER(SECTION_SIZE_BITS)", VK_NUM },
	[K_PHYSMEM_BITS]      = { "NUMBER(MAX_PHYSMEM_BITS)", VK_NUM },
	[K_SIZE_PAGE]         = { "SIZE(page)", VK_DEC },
	[K_OFF_FLAGS]         = { "OFFSET(page.flags)", VK_DEC },
	[K_OFF_MAPPING]       = { "OFFSET(page.mapping)", VK_DEC },
	[K_OFF_PRIVATE]       = { "OFFSET(page.private)", VK_DEC },
	[K_OFF_MAPCOUNT]      = { "OFFSET(page._mapcount)", VK_DEC },
	[K_OFF_COMPOUND_HEAD] = { "OFFSET(page.compound_head)", VK_DEC },
	[K_OFF_COMPOUND_INFO] = { "OFFSET(page.compound_info)", VK_DEC },
	[K_OFF_COMPOUND_ORDER]= { "OFFSET(page.compound_order)", VK_DEC },
	[K_OFF_COMPOUND_DTOR] = { "OFFSET(page.compound_dtor)", VK_DEC },
	[K_OFF_FOLIO_ORDER]   = { "OFFSET(folio._folio_order)", VK_DEC },
	[K_OFF_FOLIO_DTOR]    = { "OFFSET(folio._folio_dtor)", VK_DEC },
	[K_FREE_AREA]         = { "LENGTH(zone.free_area)", VK_DEC },
	[K_PG_LRU]            = { "NUMBER(PG_lru)", VK_NUM },
	[K_PG_PRIVATE]        = { "NUMBER(PG_private)", VK_NUM },
	[K_PG_SWAPCACHE]      = { "NUMBER(PG_swapcache)", VK_NUM },
	[K_PG_SWAPBACKED]     = { "NUMBER(PG_swapbacked)", VK_NUM },
	[K_PG_SLAB]           = { "NUMBER(PG_slab)", VK_NUM },
	[K_PG_HWPOISON]       = { "NUMBER(PG_hwpoison)", VK_NUM },
	[K_PG_HUGETLB]        = { "NUMBER(PG_hugetlb)", VK_NUM },
	[K_PG_HEAD_MASK]      = { "NUMBER(PG_head_mask)", VK_NUM },
	[K_BUDDY]             = { "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", VK_NUM },
	[K_OFFLINE]           = { "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)", VK_NUM },
	[K_SLAB]              = { "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)", VK_NUM },
	[K_HUGETLB]           = { "NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)", VK_NUM },
	[K_UNACCEPTED]        = { "NUMBER(PAGE_UNACCEPTED_MAPCOUNT_VALUE)", VK_NUM },
	[K_HUGETLB_DTOR]      = { "NUMBER(HUGETLB_PAGE_DTOR)", VK_NUM },
};

struct vi {
	uint64_t val[K_N];  /* negative NUMBERs as two's complement */
	uint8_t  neg[K_N];  /* the value was written with a '-' */
	uint8_t  seen[K_N];
	uint32_t kver;      /* OSRELEASE: major << 16 | minor << 8 | min(patch, 255); 0 = none */
	char    *why;
	size_t   why_len;
};

#define KVER(a, b) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8)

static int fail(struct vi *v, const char *fmt, ...)
{
	va_list ap;

	if (v->why_len) {
		va_start(ap, fmt);
		vsnprintf(v->why, v->why_len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* One value: all of [s, e), or -1. */
static int parse_value(const char *s, const char *e, enum vk_base base, uint64_t *out, uint8_t *neg)
{
	uint64_t x = 0;
	unsigned radix = 10;

	*neg = 0;
	if (base == VK_NUM && s < e && *s == '-') {
		*neg = 1;
		s++;
	}
	if (base == VK_HEX) {
		radix = 16;
	} else if (base == VK_NUM && !*neg && e - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		radix = 16;
		s += 2;
	}
	if (s == e)
		return -1;
	for (; s < e; s++) {
		int d = hex_digit(*s);

		if (d < 0 || (unsigned)d >= radix)
			return -1;
		if (x > (UINT64_MAX - (unsigned)d) / radix)
			return -1;
		x = x * radix + (unsigned)d;
	}
	if (*neg) {
		if (x > (1ull << 63))
			return -1;
		x = -x;
	}
	*out = x;
	return 0;
}

/* OSRELEASE=6.1.0-57-cloud-amd64: major.minor[.patch], the rest ignored. */
static int parse_osrelease(const char *s, const char *e, uint32_t *kver)
{
	unsigned part[3] = { 0, 0, 0 };
	int i = 0, digits = 0;

	for (; s < e && i < 3; s++) {
		if (*s >= '0' && *s <= '9') {
			if (part[i] > 100000)
				return -1;
			part[i] = part[i] * 10 + (unsigned)(*s - '0');
			digits++;
		} else if (*s == '.' && digits) {
			i++;
			digits = 0;
		} else {
			break;
		}
	}
	if (i < 1 || (i == 1 && !digits) || part[0] > 255 || part[1] > 255)
		return -1;
	*kver = KVER(part[0], part[1]) | (part[2] > 255 ? 255 : part[2]);
	return 0;
}

static int parse_line(struct vi *v, const char *s, const char *e)
{
	const char *eq = memchr(s, '=', (size_t)(e - s));
	size_t klen;
	int k;

	if (!eq)
		return 0;
	klen = (size_t)(eq - s);
	if (klen == 9 && !memcmp(s, "OSRELEASE", 9)) {
		uint32_t kver;

		if (parse_osrelease(eq + 1, e, &kver))
			return fail(v, "VMCOREINFO has an OSRELEASE that is not a kernel version: '%.*s'",
				    (int)(e - eq - 1 > 64 ? 64 : e - eq - 1), eq + 1);
		if (v->kver && v->kver != kver)
			return fail(v, "VMCOREINFO has two different OSRELEASE lines");
		v->kver = kver;
		return 0;
	}
	for (k = 0; k < K_N; k++) {
		uint64_t x;
		uint8_t neg;

		if (strlen(keys[k].name) != klen || memcmp(s, keys[k].name, klen))
			continue;
		if (parse_value(eq + 1, e, keys[k].base, &x, &neg))
			return fail(v, "VMCOREINFO has a bad value for %s: '%.*s'", keys[k].name,
				    (int)(e - eq - 1 > 64 ? 64 : e - eq - 1), eq + 1);
		if (v->seen[k] && (v->val[k] != x || v->neg[k] != neg))
			return fail(v, "VMCOREINFO gives %s twice, with different values", keys[k].name);
		v->val[k] = x;
		v->neg[k] = neg;
		v->seen[k] = 1;
		return 0;
	}
	return 0;
}

/* need(): the entry must be there, or the description is incomplete. */
static int need(struct vi *v, enum vk k)
{
	if (v->seen[k])
		return 0;
	return fail(v, "VMCOREINFO has no %s: only zero pages can be left out", keys[k].name);
}

/* A non-negative value below limit (exclusive). */
static int in_range(struct vi *v, enum vk k, uint64_t lo, uint64_t hi_excl)
{
	if (!v->neg[k] && v->val[k] >= lo && v->val[k] < hi_excl)
		return 0;
	return fail(v, "VMCOREINFO has %s=%s%llu, outside %llu..%llu: only zero pages can be left out",
		    keys[k].name, v->neg[k] ? "-" : "",
		    (unsigned long long)(v->neg[k] ? -v->val[k] : v->val[k]),
		    (unsigned long long)lo, (unsigned long long)(hi_excl - 1));
}

/* A flag bit number, 0..63. */
static int bit_no(struct vi *v, enum vk k, uint8_t *out)
{
	if (need(v, k) || in_range(v, k, 0, 64))
		return -1;
	*out = (uint8_t)v->val[k];
	return 0;
}

/* An offset of a field of width bytes inside struct page. */
static int page_off(struct vi *v, enum vk k, unsigned width, uint32_t *out)
{
	if (need(v, k) || in_range(v, k, 0, v->val[K_SIZE_PAGE] - width + 1))
		return -1;
	*out = (uint32_t)v->val[k];
	return 0;
}

/* A page-type value: the u32 _mapcount compares equal to it. */
static int type_value(struct vi *v, enum vk k, uint32_t *out)
{
	if (v->neg[k] ? (int64_t)v->val[k] < INT32_MIN : v->val[k] > UINT32_MAX)
		return fail(v, "VMCOREINFO has %s out of the 32-bit range: only zero pages can be left out",
			    keys[k].name);
	*out = (uint32_t)v->val[k];
	return 0;
}

static int build(struct vi *v, struct cc_mm *mm)
{
	uint64_t sections, per_root, roots;
	uint32_t psz;

	if (!v->kver)
		return fail(v, "VMCOREINFO has no OSRELEASE: only zero pages can be left out");
	if (v->kver < KVER(4, 16))
		return fail(v, "the kernel is %u.%u, older than 4.16 (compound order and dtor are not bytes there): "
			    "only zero pages can be left out", v->kver >> 16, (v->kver >> 8) & 0xff);
	mm->kernel_version = v->kver;
	if (need(v, K_PAGESIZE) || in_range(v, K_PAGESIZE, PAGE_BYTES, PAGE_BYTES + 1))
		return -1;

	/* page tables */
	if (need(v, K_INIT_TOP_PGT) || need(v, K_PHYS_BASE) || need(v, K_L5))
		return -1;
	if (v->val[K_INIT_TOP_PGT] < START_KERNEL_MAP)
		return fail(v, "VMCOREINFO has SYMBOL(init_top_pgt)=%llx, not a kernel-image address: "
			    "only zero pages can be left out", (unsigned long long)v->val[K_INIT_TOP_PGT]);
	mm->phys_base = v->val[K_PHYS_BASE];
	mm->top_pgt_paddr = v->val[K_INIT_TOP_PGT] - START_KERNEL_MAP + mm->phys_base;
	if (mm->top_pgt_paddr & (PAGE_BYTES - 1) || mm->top_pgt_paddr >> 52)
		return fail(v, "init_top_pgt would be at physical %llx, not a page-aligned 52-bit address: "
			    "only zero pages can be left out", (unsigned long long)mm->top_pgt_paddr);
	if (in_range(v, K_L5, 0, 2))
		return -1;
	mm->pgt_levels = v->val[K_L5] ? 5 : 4;
	if (v->seen[K_SME_MASK]) {
		mm->sme_mask = v->val[K_SME_MASK];
		if (v->neg[K_SME_MASK] || (mm->sme_mask & (mm->sme_mask - 1)) || mm->sme_mask >> 52
		    || (mm->sme_mask && mm->sme_mask < (1ull << 32)))
			return fail(v, "VMCOREINFO has NUMBER(sme_mask)=%llx, not one physical-address bit "
				    "above 4 GiB: only zero pages can be left out", (unsigned long long)mm->sme_mask);
	}

	/* mem_section: SPARSEMEM_EXTREME only */
	if (need(v, K_MEM_SECTION) || need(v, K_MS_LENGTH) || need(v, K_MS_SIZE) || need(v, K_MS_MAP)
	    || need(v, K_SECTION_BITS) || need(v, K_PHYSMEM_BITS))
		return -1;
	if (in_range(v, K_MS_SIZE, 8, 257) || in_range(v, K_MS_MAP, 0, v->val[K_MS_SIZE] - 7)
	    || in_range(v, K_PHYSMEM_BITS, 32, 53) || in_range(v, K_SECTION_BITS, 15, v->val[K_PHYSMEM_BITS])
	    || in_range(v, K_MS_LENGTH, 1, 1u << 20))
		return -1;
	if (PAGE_BYTES % v->val[K_MS_SIZE])
		return fail(v, "VMCOREINFO has SIZE(mem_section)=%llu, which does not divide a page: "
			    "only zero pages can be left out", (unsigned long long)v->val[K_MS_SIZE]);
	sections = 1ull << (v->val[K_PHYSMEM_BITS] - v->val[K_SECTION_BITS]);
	per_root = PAGE_BYTES / v->val[K_MS_SIZE];
	roots = (sections + per_root - 1) / per_root;
	if (v->val[K_MS_LENGTH] != roots)
		return fail(v, "VMCOREINFO has LENGTH(mem_section)=%llu where SPARSEMEM_EXTREME has %llu roots: "
			    "only zero pages can be left out", (unsigned long long)v->val[K_MS_LENGTH],
			    (unsigned long long)roots);
	if (v->val[K_MEM_SECTION] < (1ull << 63))
		return fail(v, "VMCOREINFO has SYMBOL(mem_section)=%llx, not a kernel address: "
			    "only zero pages can be left out", (unsigned long long)v->val[K_MEM_SECTION]);
	mm->mem_section_vaddr = v->val[K_MEM_SECTION];
	mm->mem_section_roots = (uint32_t)v->val[K_MS_LENGTH];
	mm->mem_section_size = (uint32_t)v->val[K_MS_SIZE];
	mm->section_mem_map_off = (uint32_t)v->val[K_MS_MAP];
	mm->section_size_bits = (uint32_t)v->val[K_SECTION_BITS];
	mm->max_physmem_bits = (uint32_t)v->val[K_PHYSMEM_BITS];

	/* struct page */
	if (need(v, K_SIZE_PAGE) || in_range(v, K_SIZE_PAGE, 56, 129))
		return -1;
	psz = mm->page_size = (uint32_t)v->val[K_SIZE_PAGE];
	if (page_off(v, K_OFF_FLAGS, 8, &mm->off_flags) || page_off(v, K_OFF_MAPPING, 8, &mm->off_mapping)
	    || page_off(v, K_OFF_PRIVATE, 8, &mm->off_private) || page_off(v, K_OFF_MAPCOUNT, 4, &mm->off_mapcount))
		return -1;
	if (v->seen[K_OFF_COMPOUND_INFO]) {
		if (page_off(v, K_OFF_COMPOUND_INFO, 8, &mm->off_compound_head))
			return -1;
		mm->have |= CC_MM_HAVE_COMPOUND_INFO;
	} else if (page_off(v, K_OFF_COMPOUND_HEAD, 8, &mm->off_compound_head)) {
		return -1;
	}

	/* where the compound order is: in the first tail */
	if (v->seen[K_OFF_COMPOUND_ORDER]) {                 /* <= 6.2 */
		uint32_t o;

		if (page_off(v, K_OFF_COMPOUND_ORDER, 1, &o))
			return -1;
		mm->off_order = psz + o;
	} else if (v->seen[K_OFF_FOLIO_ORDER]) {             /* 6.3 - 6.5 */
		if (in_range(v, K_OFF_FOLIO_ORDER, psz, 2ull * psz))
			return -1;
		mm->off_order = (uint32_t)v->val[K_OFF_FOLIO_ORDER];
	} else if (v->kver >= KVER(6, 6)) {                  /* _flags_1 & 0xff */
		mm->off_order = psz + mm->off_flags;
	} else {
		return fail(v, "VMCOREINFO has neither OFFSET(page.compound_order) nor OFFSET(folio._folio_order) "
			    "on a kernel older than 6.6: only zero pages can be left out");
	}

	/* hugetlb marker, newest kind first (makedumpfile's order) */
	if (v->seen[K_HUGETLB]) {                            /* 6.9+ */
		mm->hugetlb_kind = CC_MM_HUGETLB_TYPE;
		if (type_value(v, K_HUGETLB, &mm->hugetlb_value))
			return -1;
	} else if (v->seen[K_PG_HUGETLB]) {                  /* 6.6 - 6.8 */
		uint8_t b;

		if (bit_no(v, K_PG_HUGETLB, &b))
			return -1;
		mm->hugetlb_kind = CC_MM_HUGETLB_TAILFLAG;
		mm->hugetlb_value = b;
	} else if (v->seen[K_HUGETLB_DTOR] && (v->seen[K_OFF_COMPOUND_DTOR] || v->seen[K_OFF_FOLIO_DTOR])) {
		if (in_range(v, K_HUGETLB_DTOR, 0, 256))
			return -1;
		mm->hugetlb_kind = CC_MM_HUGETLB_DTOR;
		mm->hugetlb_value = (uint32_t)v->val[K_HUGETLB_DTOR];
		if (v->seen[K_OFF_COMPOUND_DTOR]) {
			uint32_t o;

			if (page_off(v, K_OFF_COMPOUND_DTOR, 1, &o))
				return -1;
			mm->hugetlb_off = psz + o;
		} else {
			if (in_range(v, K_OFF_FOLIO_DTOR, psz, 2ull * psz))
				return -1;
			mm->hugetlb_off = (uint32_t)v->val[K_OFF_FOLIO_DTOR];
		}
	} else {
		mm->hugetlb_kind = CC_MM_HUGETLB_NONE;
	}

	/* free pages: the buddy page type and the order limit */
	if (need(v, K_BUDDY) || type_value(v, K_BUDDY, &mm->buddy_value)
	    || need(v, K_FREE_AREA) || in_range(v, K_FREE_AREA, 1, 64))
		return -1;
	mm->free_area_len = (uint32_t)v->val[K_FREE_AREA];
	if (v->seen[K_OFFLINE]) {
		if (type_value(v, K_OFFLINE, &mm->offline_value))
			return -1;
		mm->have |= CC_MM_HAVE_OFFLINE;
	}
	if (v->seen[K_UNACCEPTED]) {
		if (type_value(v, K_UNACCEPTED, &mm->unaccepted_value))
			return -1;
		mm->have |= CC_MM_HAVE_UNACCEPTED;
	}

	/* page flags */
	if (need(v, K_PG_HEAD_MASK))
		return -1;
	mm->pg_head_mask = v->val[K_PG_HEAD_MASK];
	if (v->neg[K_PG_HEAD_MASK] || !mm->pg_head_mask || (mm->pg_head_mask & (mm->pg_head_mask - 1)))
		return fail(v, "VMCOREINFO has NUMBER(PG_head_mask)=%llx, not one bit: only zero pages can be left out",
			    (unsigned long long)mm->pg_head_mask);
	if (bit_no(v, K_PG_LRU, &mm->pg_lru) || bit_no(v, K_PG_PRIVATE, &mm->pg_private)
	    || bit_no(v, K_PG_SWAPCACHE, &mm->pg_swapcache))
		return -1;
	if (v->seen[K_PG_SWAPBACKED]) {
		if (bit_no(v, K_PG_SWAPBACKED, &mm->pg_swapbacked))
			return -1;
		mm->have |= CC_MM_HAVE_SWAPBACKED;
	}
	if (v->seen[K_PG_HWPOISON]) {
		if (bit_no(v, K_PG_HWPOISON, &mm->pg_hwpoison))
			return -1;
		mm->have |= CC_MM_HAVE_HWPOISON;
	}
	if (v->seen[K_SLAB]) {                               /* 6.10+ */
		if (type_value(v, K_SLAB, &mm->slab_value))
			return -1;
		mm->have |= CC_MM_HAVE_SLAB_TYPE;
	}
	if (v->seen[K_PG_SLAB]) {
		if (bit_no(v, K_PG_SLAB, &mm->pg_slab))
			return -1;
		mm->have |= CC_MM_HAVE_PG_SLAB;
	}
	if (!(mm->have & (CC_MM_HAVE_SLAB_TYPE | CC_MM_HAVE_PG_SLAB)))
		return fail(v, "VMCOREINFO has neither NUMBER(PG_slab) nor NUMBER(PAGE_SLAB_MAPCOUNT_VALUE), so slab "
			    "pages cannot be told from user pages: only zero pages can be left out");
	return 0;
}

int vmcoreinfo_parse(const char *text, size_t len, struct cc_mm *mm, char *why, size_t why_len)
{
	struct vi v;
	const char *s = text, *end;
	const char *nul = text ? memchr(text, '\0', len) : NULL;

	memset(&v, 0, sizeof(v));
	v.why = why;
	v.why_len = why_len;
	if (why_len)
		why[0] = '\0';
	memset(mm, 0, sizeof(*mm));
	end = nul ? nul : text ? text + len : text;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;

		if (parse_line(&v, s, e))
			goto bad;
		s = nl ? nl + 1 : end;
	}
	if (build(&v, mm))
		goto bad;
	mm->version = CC_MM_VERSION;
	mm->size = sizeof(*mm);
	return 0;
bad:
	memset(mm, 0, sizeof(*mm));
	return -1;
}
