/* crashcap/mm.h - what the payload needs to know about the crashed
 * kernel's memory model to classify pages (dump levels 2..16), without
 * parsing any text: the loader reads the VMCOREINFO note at load time
 * (loader/vmcoreinfo.c) and fills this in; the payload's page filter
 * (capture/pagefilter.c) only reads it.  version 0 means "no usable
 * description": the payload then filters zero pages only (dump level 1),
 * never guessing.  Plain data, little endian, no pointers; every address is
 * either physical (_paddr) or a kernel virtual address of the crashed
 * kernel (_vaddr) that the payload translates through that kernel's own
 * page tables.  Part of the parameter block (params.h), 256 bytes.
 * Documented in docs/parameter-block.md and docs/filtering.md.
 *
 * Every offset into struct page is in bytes from the start of that struct
 * page; the compound order and the hugetlb marker live in the FIRST TAIL
 * on some kernels, so their offsets are from the head's struct page and
 * may exceed page_size (they stay below 2 * page_size).  Which VMCOREINFO
 * entries give each field, per kernel version, is in docs/filtering.md. */
#ifndef CRASHCAP_MM_H
#define CRASHCAP_MM_H

#include <stdint.h>

#define CC_MM_VERSION 1
#define CC_MM_BYTES   256

/* have: which optional facts exist for this kernel. */
#define CC_MM_HAVE_SWAPBACKED  (1u << 0) /* NUMBER(PG_swapbacked) (always since 4.10) */
#define CC_MM_HAVE_PG_SLAB     (1u << 1) /* NUMBER(PG_slab): slab by flag bit (up to 6.9) */
#define CC_MM_HAVE_SLAB_TYPE   (1u << 2) /* NUMBER(PAGE_SLAB_MAPCOUNT_VALUE): slab by page type (6.10+) */
#define CC_MM_HAVE_HWPOISON    (1u << 3) /* NUMBER(PG_hwpoison) (CONFIG_MEMORY_FAILURE) */
#define CC_MM_HAVE_OFFLINE     (1u << 4) /* NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE) */
#define CC_MM_HAVE_UNACCEPTED  (1u << 5) /* NUMBER(PAGE_UNACCEPTED_MAPCOUNT_VALUE) (6.16+) */
#define CC_MM_HAVE_COMPOUND_INFO (1u << 6) /* the tail link is OFFSET(page.compound_info) (7.1+) */

/* hugetlb_kind: how a hugetlb head is recognised (makedumpfile's isHugetlb). */
#define CC_MM_HUGETLB_NONE     0 /* no marker in VMCOREINFO: hugetlb pages are kept */
#define CC_MM_HUGETLB_DTOR     1 /* u8 at hugetlb_off (from the head) == hugetlb_value:
                                    HUGETLB_PAGE_DTOR; compound_dtor (<= 6.2), folio._folio_dtor (6.3-6.5) */
#define CC_MM_HUGETLB_TAILFLAG 2 /* bit hugetlb_value of the first tail's flags: PG_hugetlb (6.6-6.8) */
#define CC_MM_HUGETLB_TYPE     3 /* head's _mapcount == hugetlb_value: PAGE_HUGETLB_MAPCOUNT_VALUE (6.9+) */

struct cc_mm {
	uint32_t version;          /* 0x00 CC_MM_VERSION, or 0: no description */
	uint32_t size;             /* 0x04 sizeof(struct cc_mm) */
	uint32_t have;             /* 0x08 CC_MM_HAVE_* */
	uint32_t kernel_version;   /* 0x0c from OSRELEASE: major << 16 | minor << 8 | min(patch, 255); for messages */
	/* page tables: kvtop (capture/kvtop.h) */
	uint64_t top_pgt_paddr;    /* 0x10 SYMBOL(init_top_pgt) - 0xffffffff80000000 + NUMBER(phys_base) */
	uint64_t sme_mask;         /* 0x18 NUMBER(sme_mask), 0 if absent: cleared from every table entry */
	uint32_t pgt_levels;       /* 0x20 4, or 5 when NUMBER(pgtable_l5_enabled) = 1 */
	uint32_t reserved0;        /* 0x24 zero */
	/* SPARSEMEM_EXTREME: a root array of pointers to pages of struct mem_section */
	uint64_t mem_section_vaddr;/* 0x28 SYMBOL(mem_section): the root array */
	uint32_t mem_section_roots;/* 0x30 LENGTH(mem_section): entries in the root array */
	uint32_t mem_section_size; /* 0x34 SIZE(mem_section); 4096 / size sections per root */
	uint32_t section_mem_map_off; /* 0x38 OFFSET(mem_section.section_mem_map) */
	uint32_t section_size_bits;/* 0x3c NUMBER(SECTION_SIZE_BITS) */
	uint32_t max_physmem_bits; /* 0x40 NUMBER(MAX_PHYSMEM_BITS) */
	/* struct page */
	uint32_t page_size;        /* 0x44 SIZE(page), 56..128 */
	uint32_t off_flags;        /* 0x48 OFFSET(page.flags), unsigned long */
	uint32_t off_mapping;      /* 0x4c OFFSET(page.mapping), unsigned long */
	uint32_t off_private;      /* 0x50 OFFSET(page.private), unsigned long: the buddy order */
	uint32_t off_mapcount;     /* 0x54 OFFSET(page._mapcount), u32: page type values */
	uint32_t off_compound_head;/* 0x58 OFFSET(page.compound_head or compound_info), unsigned long; bit 0 = tail */
	uint32_t off_order;        /* 0x5c u8 compound order, from the head's struct page (in the first tail) */
	uint32_t hugetlb_kind;     /* 0x60 CC_MM_HUGETLB_* */
	uint32_t hugetlb_off;      /* 0x64 CC_MM_HUGETLB_DTOR: u8 offset from the head's struct page; else 0 */
	uint32_t hugetlb_value;    /* 0x68 dtor id, PG_hugetlb bit, or page type value (by hugetlb_kind) */
	uint32_t free_area_len;    /* 0x6c LENGTH(zone.free_area): buddy orders are below it */
	/* page types: the whole u32 _mapcount equals the value */
	uint32_t buddy_value;      /* 0x70 NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE) */
	uint32_t offline_value;    /* 0x74 NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE) (CC_MM_HAVE_OFFLINE) */
	uint32_t slab_value;       /* 0x78 NUMBER(PAGE_SLAB_MAPCOUNT_VALUE) (CC_MM_HAVE_SLAB_TYPE) */
	uint32_t unaccepted_value; /* 0x7c NUMBER(PAGE_UNACCEPTED_MAPCOUNT_VALUE) (CC_MM_HAVE_UNACCEPTED) */
	/* page flags: bit numbers in page.flags */
	uint64_t pg_head_mask;     /* 0x80 NUMBER(PG_head_mask) */
	uint8_t  pg_lru;           /* 0x88 NUMBER(PG_lru) */
	uint8_t  pg_private;       /* 0x89 NUMBER(PG_private) */
	uint8_t  pg_swapcache;     /* 0x8a NUMBER(PG_swapcache) */
	uint8_t  pg_swapbacked;    /* 0x8b NUMBER(PG_swapbacked) (CC_MM_HAVE_SWAPBACKED) */
	uint8_t  pg_slab;          /* 0x8c NUMBER(PG_slab) (CC_MM_HAVE_PG_SLAB) */
	uint8_t  pg_hwpoison;      /* 0x8d NUMBER(PG_hwpoison) (CC_MM_HAVE_HWPOISON) */
	uint8_t  reserved1[2];     /* 0x8e zero */
	uint64_t phys_base;        /* 0x90 NUMBER(phys_base) as a 64-bit two's complement */
	uint8_t  reserved2[CC_MM_BYTES - 0x98]; /* 0x98 zero */
};

#ifndef __ASSEMBLER__
_Static_assert(sizeof(struct cc_mm) == CC_MM_BYTES, "cc_mm layout");
_Static_assert(__builtin_offsetof(struct cc_mm, top_pgt_paddr) == 0x10, "cc_mm.top_pgt_paddr");
_Static_assert(__builtin_offsetof(struct cc_mm, mem_section_vaddr) == 0x28, "cc_mm.mem_section_vaddr");
_Static_assert(__builtin_offsetof(struct cc_mm, page_size) == 0x44, "cc_mm.page_size");
_Static_assert(__builtin_offsetof(struct cc_mm, buddy_value) == 0x70, "cc_mm.buddy_value");
_Static_assert(__builtin_offsetof(struct cc_mm, pg_head_mask) == 0x80, "cc_mm.pg_head_mask");
_Static_assert(__builtin_offsetof(struct cc_mm, pg_lru) == 0x88, "cc_mm.pg_lru");
_Static_assert(__builtin_offsetof(struct cc_mm, phys_base) == 0x90, "cc_mm.phys_base");
#endif

#endif
