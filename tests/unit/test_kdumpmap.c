/* tests/unit/test_kdumpmap.c - the kdump writer's pure parts: the two
 * bitmaps and the descriptor rank (loader/kdumpmap.c), and what it reads
 * from a HEAD's notes (loader/kdumpinfo.c), including notes that are torn
 * or lie about their sizes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/kdumpinfo.h"
#include "loader/kdumpmap.h"
#include "tests/unit/check.h"

#define PG 4096ull

static unsigned char notes[8192];
static size_t nlen;

/* append a note: name (with its NUL), type, desc of dlen bytes */
static void note(const char *name, uint32_t type, const void *desc, uint32_t dlen)
{
	Elf64_Nhdr nh = { (uint32_t)strlen(name) + 1, dlen, type };
	memcpy(notes + nlen, &nh, sizeof(nh));
	nlen += sizeof(nh);
	memcpy(notes + nlen, name, nh.n_namesz);
	nlen += (nh.n_namesz + 3) & ~3u;
	memcpy(notes + nlen, desc, dlen);
	nlen += (dlen + 3) & ~3u;
}

static void test_map(void)
{
	/* RAM 4 KiB..640 KiB and 1 MiB..8 MiB; the kernel image 2 MiB at 4 MiB */
	struct ps_range r[] = {
		{ .paddr = 0x400000, .vaddr = 0xffffffff81000000ull, .size = 0x200000 },
		{ .paddr = 0x1000, .vaddr = 0xffff888000001000ull, .size = 0x9f000 },
		{ .paddr = 0x100000, .vaddr = 0xffff888000100000ull, .size = 0x700000 },
	};
	struct kdump_map m;
	char why[200];

	CHECK(km_init(&m, r, 3, why, sizeof(why)) == 0);
	CHECK_EQ(m.max_mapnr, 0x800);
	CHECK_EQ(km_bitmap_bytes(&m), PG);           /* 2048 pfns: one block */
	CHECK_EQ(m.nram, 0x9f + 0x700);             /* the kernel view adds no pfns */
	CHECK(!km_test(m.ram, 0) && km_test(m.ram, 1) && km_test(m.ram, 0x9f) && !km_test(m.ram, 0xa0));
	CHECK(!km_test(m.ram, 0xff) && km_test(m.ram, 0x100) && km_test(m.ram, 0x7ff));

	/* kept: pfns 0x400..0x401 in the kernel view, 0x401..0x402 and 0x7ff in RAM */
	struct cc_rec_chunk c = { .paddr = 0x400000, .npages = 8 };
	c.kept[0] = 0x03;
	km_mark_chunk(&m, &c);
	c = (struct cc_rec_chunk){ .paddr = 0x401000, .npages = 1023 };
	c.kept[0] = 0x03;
	c.kept[127] = 0x40; /* page 1022: pfn 0x401 + 1022 = 0x7ff */
	km_mark_chunk(&m, &c);
	km_index(&m);
	CHECK_EQ(m.ndumped, 4);
	CHECK_EQ(km_rank(&m, 0x400), 0);
	CHECK_EQ(km_rank(&m, 0x401), 1);
	CHECK_EQ(km_rank(&m, 0x402), 2);
	CHECK_EQ(km_rank(&m, 0x7ff), 3);
	/* the kernel image's 512 pfns, all covered by a chunk: 509 more */
	CHECK_EQ(km_fill_kernel(&m, r, 3), 509);
	km_index(&m);
	CHECK_EQ(m.ndumped, 513);
	CHECK_EQ(km_rank(&m, 0x5ff), 511);
	CHECK_EQ(km_rank(&m, 0x7ff), 512);
	CHECK(!km_test(m.dumped, 0x600));
	km_free(&m);

	/* a chunk that covered only part of the kernel image: only that part */
	CHECK(km_init(&m, r, 3, why, sizeof(why)) == 0);
	c = (struct cc_rec_chunk){ .paddr = 0x3f0000, .npages = 0x20 }; /* pfns 0x3f0..0x40f, none kept */
	km_mark_chunk(&m, &c);
	CHECK_EQ(km_fill_kernel(&m, r, 3), 0x10);
	CHECK(km_test(m.dumped, 0x40f) && !km_test(m.dumped, 0x410) && !km_test(m.dumped, 0x3ff));
	km_free(&m);

	/* a rank across many words: every third pfn of 100000 */
	struct ps_range big = { .size = 100000 * PG };
	CHECK(km_init(&m, &big, 1, why, sizeof(why)) == 0);
	CHECK_EQ(km_bitmap_bytes(&m), 4 * PG);       /* 100000 pfns: 4 blocks of 32768 */
	for (uint64_t p = 0; p < 100000; p += 3)
		km_set(m.dumped, p);
	km_index(&m);
	CHECK_EQ(m.ndumped, 33334);
	CHECK_EQ(km_rank(&m, 99999), 33333);
	CHECK_EQ(km_rank(&m, 3 * 12345), 12345);
	km_free(&m);

	struct ps_range huge = { .paddr = 1ull << 52, .size = PG };
	CHECK(km_init(&m, &huge, 1, why, sizeof(why)) < 0);
	CHECKF(strstr(why, "beyond 2^52") != NULL, "%s", why);
	struct ps_range wrap = { .paddr = 0xfffffffffffff000ull, .size = 2 * PG };
	CHECK(km_init(&m, &wrap, 1, why, sizeof(why)) < 0);
}

static const char vmci[] =
	"OSRELEASE=6.1.0-57-cloud-amd64\n"
	"SYMBOL(init_uts_ns)=ffffffffb65f9b60\n"
	"OFFSET(uts_namespace.name)=0\n"
	"NUMBER(phys_base)=-56623104\n"
	"CRASHTIME=1796090346\n";

static void test_info(void)
{
	static unsigned char prstatus[336];
	struct ps_range kern = { .paddr = 0x22600000, .vaddr = 0xffffffffac800000ull, .size = 0x2800000 };
	struct ps_head h = { .notes = notes, .ranges = &kern, .nranges = 1 };
	struct kdump_info k;

	nlen = 0;
	note("CORE", 1, prstatus, sizeof(prstatus));
	note("CORE", 1, prstatus, sizeof(prstatus));
	note("CORE", 2, prstatus, 12); /* not NT_PRSTATUS */
	size_t vi_at = nlen + 12 + 12;
	note("VMCOREINFO", 0, vmci, sizeof(vmci) - 1);
	h.notes_len = nlen;
	kdump_info_read(&k, &h);
	CHECK_EQ(k.nr_cpus, 2);
	CHECK_EQ(k.vmcoreinfo_off, vi_at);
	CHECK_EQ(k.vmcoreinfo_len, sizeof(vmci) - 1);
	CHECK(!strcmp(k.release, "6.1.0-57-cloud-amd64"));
	CHECK_EQ(k.phys_base, (uint64_t)-56623104);
	CHECK(!strcmp(k.phys_base_from, "VMCOREINFO"));
	CHECK_EQ(k.uts_paddr, 0xb65f9b60ull - 0x80000000ull - 56623104);

	/* torn: the VMCOREINFO note claims more than is there; the CPUs before it count */
	h.notes_len = nlen - 8;
	kdump_info_read(&k, &h);
	CHECK_EQ(k.nr_cpus, 2);
	CHECK_EQ(k.vmcoreinfo_len, 0);
	CHECK(!strcmp(k.phys_base_from, "the kernel-image PT_LOAD"));
	CHECK_EQ(k.phys_base, 0x22600000ull - 0x2c800000ull);
	CHECK_EQ(k.uts_paddr, UINT64_MAX);
	CHECK(!k.release[0]);

	/* a size that wraps: n_descsz near 2^32 */
	nlen = 0;
	note("CORE", 1, prstatus, sizeof(prstatus));
	Elf64_Nhdr bad = { 5, 0xfffffffdu, 1 };
	memcpy(notes + nlen, &bad, sizeof(bad));
	memcpy(notes + nlen + 12, "CORE", 5);
	h.notes_len = nlen + 20;
	h.nranges = 0;
	kdump_info_read(&k, &h);
	CHECK_EQ(k.nr_cpus, 1);
	CHECK(!strcmp(k.phys_base_from, "nothing: 0"));
	CHECK_EQ(k.phys_base, 0);

	/* VMCOREINFO without NUMBER(phys_base), a release too long for utsname,
	 * and no newline at the end */
	static char text[200];
	memset(text, 'x', sizeof(text));
	memcpy(text, "OSRELEASE=", 10);
	nlen = 0;
	note("VMCOREINFO", 0, text, sizeof(text));
	h.notes_len = nlen;
	h.nranges = 1;
	kdump_info_read(&k, &h);
	CHECK_EQ(k.vmcoreinfo_len, sizeof(text));
	CHECK(!k.release[0]);
	CHECK(!strcmp(k.phys_base_from, "the kernel-image PT_LOAD"));

	/* init_uts_ns where no RAM can be: a phys_base that wraps it below 0 */
	static const char wrapping[] = "OSRELEASE=6.1.0\nSYMBOL(init_uts_ns)=ffffffff80000000\n"
		"OFFSET(uts_namespace.name)=0\nNUMBER(phys_base)=-100\n";
	nlen = 0;
	note("VMCOREINFO", 0, wrapping, sizeof(wrapping) - 1);
	h.notes_len = nlen;
	kdump_info_read(&k, &h);
	CHECK_EQ(k.phys_base, (uint64_t)-100);
	CHECK_EQ(k.uts_paddr, UINT64_MAX);
}

int main(void)
{
	test_map();
	test_info();
	CHECK_DONE();
}
