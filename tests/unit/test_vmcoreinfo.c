/* tests/unit/test_vmcoreinfo.c - loader/vmcoreinfo.c (vmcoreinfo_parse)
 * on real VMCOREINFO text: the notes of Debian kernels, saved under
 * tests/unit/vmcoreinfo-*.txt (how they were taken: docs/filtering.md),
 * then the same text with one entry removed or made absurd.  Run from the
 * top of the repository (tests/run does). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/vmcoreinfo.h"
#include "tests/unit/check.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f) {
		fprintf(stderr, "cannot open %s (run from the top of the repository)\n", path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(1);
	fclose(f);
	buf[n] = 0;
	*len = (size_t)n;
	return buf;
}

/* The text with the line starting "key=" replaced by repl (a whole line
 * without its newline), or removed when repl is NULL. */
static char *edit(const char *text, const char *key, const char *repl, size_t *len)
{
	size_t klen = strlen(key), out = 0, n = strlen(text);
	char *res = malloc(n + (repl ? strlen(repl) : 0) + 2);
	const char *s = text;
	int found = 0;

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t l = nl ? (size_t)(nl - s) + 1 : strlen(s);

		if (!strncmp(s, key, klen) && s[klen] == '=') {
			found = 1;
			if (repl)
				out += (size_t)sprintf(res + out, "%s\n", repl);
		} else {
			memcpy(res + out, s, l);
			out += l;
		}
		s += l;
	}
	res[out] = 0;
	if (!found) {
		fprintf(stderr, "edit: no line %s= in the fixture\n", key);
		exit(1);
	}
	*len = out;
	return res;
}

static int all_zero(const struct cc_mm *mm)
{
	const uint8_t *p = (const uint8_t *)mm;

	for (size_t i = 0; i < sizeof(*mm); i++)
		if (p[i])
			return 0;
	return 1;
}

/* The edited text must be refused, with a why that contains want. */
static void refused(const char *base, const char *key, const char *repl, const char *want)
{
	struct cc_mm mm;
	char why[200];
	size_t len;
	char *t = edit(base, key, repl, &len);
	int rc = vmcoreinfo_parse(t, len, &mm, why, sizeof(why));

	CHECKF(rc == -1, "%s -> '%s': accepted", key, repl ? repl : "(removed)");
	CHECKF(all_zero(&mm), "%s: mm not cleared", key);
	CHECKF(strstr(why, want) != NULL, "%s: why = '%s', want '%s'", key, why, want);
	free(t);
}

static void accepted(const char *base, const char *key, const char *repl, struct cc_mm *mm)
{
	char why[200];
	size_t len;
	char *t = edit(base, key, repl, &len);

	CHECKF(vmcoreinfo_parse(t, len, mm, why, sizeof(why)) == 0, "%s -> '%s': %s", key,
	       repl ? repl : "(removed)", why);
	free(t);
}

/* Debian bookworm's cloud kernel 6.1.0-57, as the crash drill boots it. */
static void test_debian_6_1(void)
{
	struct cc_mm mm;
	char why[200];
	size_t len;
	char *t = slurp("tests/unit/vmcoreinfo-6.1.0-57-cloud-amd64.txt", &len);

	CHECKF(vmcoreinfo_parse(t, len, &mm, why, sizeof(why)) == 0, "6.1: %s", why);
	CHECK_EQ(mm.version, CC_MM_VERSION);
	CHECK_EQ(mm.size, 256);
	CHECK_EQ(mm.kernel_version, 0x060100);
	/* ffffffffb6410000 - ffffffff80000000 + (-56623104) */
	CHECK_EQ(mm.top_pgt_paddr, 0x32e10000);
	CHECK_EQ(mm.phys_base, (uint64_t)-56623104);
	CHECK_EQ(mm.sme_mask, 0);
	CHECK_EQ(mm.pgt_levels, 4);
	CHECK_EQ(mm.mem_section_vaddr, 0xffff8cebfffd9000ull);
	CHECK_EQ(mm.mem_section_roots, 2048);
	CHECK_EQ(mm.mem_section_size, 16);
	CHECK_EQ(mm.section_mem_map_off, 0);
	CHECK_EQ(mm.section_size_bits, 27);
	CHECK_EQ(mm.max_physmem_bits, 46);
	CHECK_EQ(mm.page_size, 64);
	CHECK_EQ(mm.off_flags, 0);
	CHECK_EQ(mm.off_mapping, 24);
	CHECK_EQ(mm.off_private, 40);
	CHECK_EQ(mm.off_mapcount, 48);
	CHECK_EQ(mm.off_compound_head, 8);
	CHECK_EQ(mm.off_order, 64 + 17);       /* first tail's compound_order */
	CHECK_EQ(mm.hugetlb_kind, CC_MM_HUGETLB_DTOR);
	CHECK_EQ(mm.hugetlb_off, 64 + 16);     /* first tail's compound_dtor */
	CHECK_EQ(mm.hugetlb_value, 2);
	CHECK_EQ(mm.free_area_len, 11);
	CHECK_EQ(mm.buddy_value, (uint32_t)-129);
	CHECK_EQ(mm.offline_value, (uint32_t)-257);
	CHECK_EQ(mm.pg_head_mask, 65536);
	CHECK_EQ(mm.pg_lru, 4);
	CHECK_EQ(mm.pg_private, 13);
	CHECK_EQ(mm.pg_swapcache, 10);
	CHECK_EQ(mm.pg_swapbacked, 19);
	CHECK_EQ(mm.pg_slab, 9);
	/* the cloud kernel has no CONFIG_MEMORY_FAILURE: no PG_hwpoison */
	CHECK_EQ(mm.have, CC_MM_HAVE_SWAPBACKED | CC_MM_HAVE_PG_SLAB | CC_MM_HAVE_OFFLINE);

	/* What the filter cannot do without: refused, with the entry named. */
	refused(t, "OFFSET(page._mapcount)", NULL,
		"VMCOREINFO has no OFFSET(page._mapcount): only zero pages can be left out");
	refused(t, "SYMBOL(init_top_pgt)", NULL, "no SYMBOL(init_top_pgt)");
	refused(t, "NUMBER(phys_base)", NULL, "no NUMBER(phys_base)");
	refused(t, "SYMBOL(mem_section)", NULL, "no SYMBOL(mem_section)");
	refused(t, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", NULL, "no NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)");
	refused(t, "LENGTH(zone.free_area)", NULL, "no LENGTH(zone.free_area)");
	refused(t, "NUMBER(PG_head_mask)", NULL, "no NUMBER(PG_head_mask)");
	refused(t, "OFFSET(page.compound_head)", NULL, "no OFFSET(page.compound_head)");
	refused(t, "NUMBER(PG_slab)", NULL, "neither NUMBER(PG_slab) nor");
	refused(t, "OFFSET(page.compound_order)", NULL, "neither OFFSET(page.compound_order)");
	refused(t, "OSRELEASE", NULL, "no OSRELEASE");
	/* Absurd values. */
	refused(t, "SIZE(page)", "SIZE(page)=200", "SIZE(page)=200, outside 56..128");
	refused(t, "SIZE(page)", "SIZE(page)=48", "outside 56..128");
	refused(t, "OFFSET(page.private)", "OFFSET(page.private)=60", "OFFSET(page.private)=60, outside 0..56");
	refused(t, "OFFSET(page._mapcount)", "OFFSET(page._mapcount)=61", "outside 0..60");
	refused(t, "OFFSET(page.compound_order)", "OFFSET(page.compound_order)=64", "outside 0..63");
	refused(t, "NUMBER(PG_lru)", "NUMBER(PG_lru)=64", "NUMBER(PG_lru)=64, outside 0..63");
	refused(t, "NUMBER(PG_private)", "NUMBER(PG_private)=-1", "outside 0..63");
	refused(t, "NUMBER(PG_head_mask)", "NUMBER(PG_head_mask)=65537", "not one bit");
	refused(t, "LENGTH(zone.free_area)", "LENGTH(zone.free_area)=64", "outside 1..63");
	refused(t, "LENGTH(zone.free_area)", "LENGTH(zone.free_area)=0", "outside 1..63");
	refused(t, "NUMBER(pgtable_l5_enabled)", "NUMBER(pgtable_l5_enabled)=2", "outside 0..1");
	refused(t, "LENGTH(mem_section)", "LENGTH(mem_section)=524288", "SPARSEMEM_EXTREME has 2048 roots");
	refused(t, "SIZE(mem_section)", "SIZE(mem_section)=24", "does not divide a page");
	refused(t, "NUMBER(MAX_PHYSMEM_BITS)", "NUMBER(MAX_PHYSMEM_BITS)=64", "outside 32..52");
	refused(t, "NUMBER(SECTION_SIZE_BITS)", "NUMBER(SECTION_SIZE_BITS)=46", "outside 15..45");
	refused(t, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-4294967296",
		"out of the 32-bit range");
	refused(t, "NUMBER(sme_mask)", "NUMBER(sme_mask)=3", "not one physical-address bit");
	refused(t, "SYMBOL(init_top_pgt)", "SYMBOL(init_top_pgt)=ffff8cebfffd9000", "not a kernel-image address");
	refused(t, "SYMBOL(init_top_pgt)", "SYMBOL(init_top_pgt)=ffffffffb6410800", "not a page-aligned");
	refused(t, "SYMBOL(mem_section)", "SYMBOL(mem_section)=1000", "not a kernel address");
	refused(t, "PAGESIZE", "PAGESIZE=65536", "PAGESIZE=65536, outside 4096..4096");
	refused(t, "OSRELEASE", "OSRELEASE=4.15.0-1-amd64", "older than 4.16");
	refused(t, "OSRELEASE", "OSRELEASE=linux", "not a kernel version");
	/* Malformed numbers. */
	refused(t, "SIZE(page)", "SIZE(page)=64x", "bad value for SIZE(page): '64x'");
	refused(t, "SIZE(page)", "SIZE(page)=", "bad value for SIZE(page)");
	refused(t, "SIZE(page)", "SIZE(page)=-64", "bad value for SIZE(page)");
	refused(t, "SYMBOL(mem_section)", "SYMBOL(mem_section)=1ffff8cebfffd9000", "bad value");
	refused(t, "NUMBER(PG_lru)", "NUMBER(PG_lru)=99999999999999999999", "bad value");

	/* A conflicting second line is refused; a repeated equal one is not. */
	{
		size_t l2;
		char *t2 = malloc(len + 64);

		memcpy(t2, t, len);
		l2 = len + (size_t)sprintf(t2 + len, "SIZE(page)=72\n");
		CHECK(vmcoreinfo_parse(t2, l2, &mm, why, sizeof(why)) == -1);
		CHECK(strstr(why, "SIZE(page) twice") != NULL);
		l2 = len + (size_t)sprintf(t2 + len, "SIZE(page)=64\n");
		CHECKF(vmcoreinfo_parse(t2, l2, &mm, why, sizeof(why)) == 0, "%s", why);
		free(t2);
	}

	/* Optional entries: without them the filter still works. */
	accepted(t, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)", NULL, &mm);
	CHECK_EQ(mm.have & CC_MM_HAVE_OFFLINE, 0);
	accepted(t, "NUMBER(HUGETLB_PAGE_DTOR)", NULL, &mm);
	CHECK_EQ(mm.hugetlb_kind, CC_MM_HUGETLB_NONE);
	accepted(t, "NUMBER(sme_mask)", "NUMBER(sme_mask)=140737488355328", &mm);  /* 1 << 47 */
	CHECK_EQ(mm.sme_mask, 1ull << 47);
	accepted(t, "NUMBER(pgtable_l5_enabled)", "NUMBER(pgtable_l5_enabled)=1", &mm);
	CHECK_EQ(mm.pgt_levels, 5);
	/* A compound_info line (7.1) stands for compound_head. */
	accepted(t, "OFFSET(page.compound_head)", "OFFSET(page.compound_info)=8", &mm);
	CHECK_EQ(mm.off_compound_head, 8);
	CHECK(mm.have & CC_MM_HAVE_COMPOUND_INFO);

	/* Bounded: every cut of the text is parsed within its length (no NUL
	 * after it), and only cuts that keep every needed line are accepted:
	 * the last needed line in this text is NUMBER(pgtable_l5_enabled). */
	{
		const char *last = strstr(t, "NUMBER(pgtable_l5_enabled)=0\n");
		size_t need_len = (size_t)(last - t) + strlen("NUMBER(pgtable_l5_enabled)=0");
		int early = 0, late = 0;
		char *exact;

		for (size_t cut = 0; cut <= len; cut++) {
			exact = malloc(cut ? cut : 1);
			memcpy(exact, t, cut);
			if (vmcoreinfo_parse(exact, cut, &mm, why, sizeof(why)) == 0) {
				if (cut < need_len)
					early++;
				else
					late++;
			}
			free(exact);
		}
		CHECKF(early == 0, "%d cuts before the last needed line accepted", early);
		CHECKF(late > 0, "no cut accepted, even the whole text");
	}
	/* A NUL ends the text. */
	{
		char *t2 = strdup(t);
		char *p = strstr(t2, "NUMBER(pgtable_l5_enabled)=");

		*p = 0;
		CHECK(vmcoreinfo_parse(t2, len, &mm, why, sizeof(why)) == -1);
		CHECKF(strstr(why, "no NUMBER(pgtable_l5_enabled)") != NULL, "%s", why);
		free(t2);
	}
	/* why is optional and truncated to its length. */
	CHECK(vmcoreinfo_parse("", 0, &mm, NULL, 0) == -1);
	CHECK(vmcoreinfo_parse(NULL, 0, &mm, why, 8) == -1);
	CHECK_EQ(strlen(why), 7);
	free(t);
}

/* Debian bookworm-security's 6.12.117 (linux-image-6.12-amd64): page types
 * as values in the top byte, slab by page type, order in _flags_1, hugetlb
 * by page type, no compound_order or folio offsets at all. */
static void test_debian_6_12(void)
{
	struct cc_mm mm;
	char why[200];
	size_t len;
	char *t = slurp("tests/unit/vmcoreinfo-6.12.117+deb12-amd64.txt", &len);

	CHECKF(vmcoreinfo_parse(t, len, &mm, why, sizeof(why)) == 0, "6.12: %s", why);
	CHECK_EQ(mm.version, CC_MM_VERSION);
	CHECK_EQ(mm.kernel_version, 0x060c75);
	/* ffffffff9fc22000 - ffffffff80000000 + 35651584 */
	CHECK_EQ(mm.top_pgt_paddr, 0x21e22000);
	CHECK_EQ(mm.pgt_levels, 4);
	CHECK_EQ(mm.mem_section_vaddr, 0xffff89323feb1680ull);
	CHECK_EQ(mm.mem_section_roots, 4096);
	CHECK_EQ(mm.mem_section_size, 32);
	CHECK_EQ(mm.page_size, 64);
	CHECK_EQ(mm.off_compound_head, 8);
	CHECK_EQ(mm.off_order, 64 + 0);        /* _flags_1 & 0xff: the first tail's flags */
	CHECK_EQ(mm.hugetlb_kind, CC_MM_HUGETLB_TYPE);
	CHECK_EQ(mm.hugetlb_value, 0xf4000000u); /* PGTY_hugetlb << 24 */
	CHECK_EQ(mm.hugetlb_off, 0);
	CHECK_EQ(mm.buddy_value, 0xf0000000u);
	CHECK_EQ(mm.offline_value, 0xf1000000u);
	CHECK_EQ(mm.slab_value, 0xf5000000u);
	CHECK_EQ(mm.free_area_len, 11);
	CHECK_EQ(mm.pg_head_mask, 64);
	CHECK_EQ(mm.pg_lru, 5);
	CHECK_EQ(mm.pg_private, 14);
	CHECK_EQ(mm.pg_swapcache, 10);
	CHECK_EQ(mm.pg_swapbacked, 17);
	CHECK_EQ(mm.pg_hwpoison, 20);
	CHECK_EQ(mm.have, CC_MM_HAVE_SWAPBACKED | CC_MM_HAVE_SLAB_TYPE | CC_MM_HAVE_HWPOISON | CC_MM_HAVE_OFFLINE);

	/* Without the slab page type nothing tells slab from anonymous pages. */
	refused(t, "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)", NULL, "neither NUMBER(PG_slab) nor");
	/* The same entries on a kernel older than 6.6 leave the order nowhere. */
	refused(t, "OSRELEASE", "OSRELEASE=6.5.0", "neither OFFSET(page.compound_order) nor OFFSET(folio._folio_order)");
	/* 6.6-6.8 shape: PG_hugetlb in the first tail's flags. */
	{
		size_t l1, l2;
		char *t1 = edit(t, "NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)", "NUMBER(PG_hugetlb)=22", &l1);
		char *t2 = edit(t1, "OSRELEASE", "OSRELEASE=6.6.15-amd64", &l2);

		CHECKF(vmcoreinfo_parse(t2, l2, &mm, why, sizeof(why)) == 0, "6.6 shape: %s", why);
		CHECK_EQ(mm.hugetlb_kind, CC_MM_HUGETLB_TAILFLAG);
		CHECK_EQ(mm.hugetlb_value, 22);
		CHECK_EQ(mm.off_order, 64);
		free(t1);
		free(t2);
	}
	/* 6.3-6.5 shape: folio offsets, counted from the head. */
	{
		size_t l1, l2, l3;
		char *t1 = edit(t, "NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)", "NUMBER(HUGETLB_PAGE_DTOR)=2", &l1);
		char *t2 = edit(t1, "OSRELEASE", "OSRELEASE=6.4.0\nOFFSET(folio._folio_dtor)=72", &l2);
		char *t3 = edit(t2, "OFFSET(page.compound_head)",
				"OFFSET(page.compound_head)=8\nOFFSET(folio._folio_order)=73", &l3);

		CHECKF(vmcoreinfo_parse(t3, l3, &mm, why, sizeof(why)) == 0, "6.4 shape: %s", why);
		CHECK_EQ(mm.hugetlb_kind, CC_MM_HUGETLB_DTOR);
		CHECK_EQ(mm.hugetlb_off, 72);
		CHECK_EQ(mm.hugetlb_value, 2);
		CHECK_EQ(mm.off_order, 73);
		free(t3);
		t3 = edit(t2, "OFFSET(page.compound_head)",
			  "OFFSET(page.compound_head)=8\nOFFSET(folio._folio_order)=17", &l3);
		CHECK(vmcoreinfo_parse(t3, l3, &mm, why, sizeof(why)) == -1);
		CHECKF(strstr(why, "OFFSET(folio._folio_order)=17, outside 64..127") != NULL, "%s", why);
		free(t1);
		free(t2);
		free(t3);
	}
	free(t);
}

int main(void)
{
	test_debian_6_1();
	test_debian_6_12();
	CHECK_DONE();
}
