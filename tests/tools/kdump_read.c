/* tests/tools/kdump_read.c - read a kdump-compressed file (makedumpfile's
 * "KDUMP   " format, header_version 6) on its own terms, to check what
 * `crashcap save --format kdump` writes.  It shares no code with the
 * writer: fields are read at the byte offsets makedumpfile's
 * diskdump_mod.h gives on x86-64.
 *
 *   kdump-read FILE [--elf CORE]
 *
 * Checks the structure (signature, version, block size, sub header and
 * notes inside the file, VMCOREINFO inside the notes, bitmap 2 a subset
 * of bitmap 1, one page_desc per bit of bitmap 2, every desc's data after
 * the descs and inside the file, data areas either shared whole or not
 * overlapping, no byte of the data area unused, flags 0 with 4096 bytes
 * or flags 1 (zlib) inflating to exactly 4096), then prints
 *
 *   header version V block B status 0xS sub_hdr_size S bitmap_blocks B max_mapnr M nr_cpus N
 *   sub phys_base 0xP dump_level L max_mapnr_64 M note_off O note_size S vmcoreinfo_off O vmcoreinfo_size S
 *   uts SYSNAME|NODENAME|RELEASE|MACHINE
 *   pages ram R dumped D zlib Z raw W shared H data_bytes B
 *
 * With --elf CORE (an ELF vmcore of the same memory, e.g. `crashcap save
 * --format elf`), every pfn of bitmap 1 is compared with CORE's page at
 * that physical address (RAM PT_LOADs first, then the kernel-image ones;
 * bytes past p_filesz are zeros):
 *
 *   compare match M excluded E differ D absent A
 *
 * match: dumped pages equal to CORE's; excluded: pages not dumped that
 * read as zero in CORE (or that CORE does not cover); differ: anything
 * else (the first ones printed); absent: dumped pages CORE does not cover.
 * Exit 0 if the structure is sound and nothing differs, 1 if pages differ,
 * 2 with one line for a structural problem. */
#include <err.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "capture/elf.h"

#define PAGE 4096u
#define KVADDR 0xffffffff80000000ull

static int fd;
static uint64_t fsize;

static void rd(void *b, uint64_t len, uint64_t off, const char *what)
{
	if (off > fsize || len > fsize - off || pread(fd, b, len, (off_t)off) != (ssize_t)len)
		errx(2, "%s (%llu bytes at %llu) lies outside the %llu byte file", what,
		     (unsigned long long)len, (unsigned long long)off, (unsigned long long)fsize);
}

static uint32_t u32(const unsigned char *b, unsigned off) { uint32_t v; memcpy(&v, b + off, 4); return v; }
static uint64_t u64(const unsigned char *b, unsigned off) { uint64_t v; memcpy(&v, b + off, 8); return v; }
static int bit(const unsigned char *m, uint64_t pfn) { return (m[pfn >> 3] >> (pfn & 7)) & 1; }

/* ---- the ELF core to compare with ---------------------------------------------- */

static int efd = -1;
static Elf64_Phdr *eph;
static unsigned ephnum;

static void elf_open(const char *path)
{
	Elf64_Ehdr e;
	efd = open(path, O_RDONLY);
	if (efd < 0 || pread(efd, &e, sizeof(e), 0) != sizeof(e) || memcmp(e.e_ident, ELFMAG, 4) ||
	    e.e_phentsize != sizeof(Elf64_Phdr))
		errx(2, "%s: not an ELF64 core", path);
	ephnum = e.e_phnum;
	eph = calloc(ephnum ? ephnum : 1, sizeof(*eph));
	if (!eph || pread(efd, eph, ephnum * sizeof(*eph), (off_t)e.e_phoff) != (ssize_t)(ephnum * sizeof(*eph)))
		errx(2, "%s: reading program headers", path);
}

/* CORE's page at paddr into b: 1, or 0 when no PT_LOAD covers it. */
static int elf_page(uint64_t paddr, unsigned char *b)
{
	for (int kern = 0; kern < 2; kern++)
		for (unsigned i = 0; i < ephnum; i++) {
			const Elf64_Phdr *p = &eph[i];
			if (p->p_type != PT_LOAD || (p->p_vaddr >= KVADDR) != kern ||
			    paddr < p->p_paddr || paddr - p->p_paddr >= p->p_memsz)
				continue;
			uint64_t in = paddr - p->p_paddr;
			memset(b, 0, PAGE);
			if (in < p->p_filesz) {
				uint64_t n = p->p_filesz - in < PAGE ? p->p_filesz - in : PAGE;
				if (pread(efd, b, n, (off_t)(p->p_offset + in)) != (ssize_t)n)
					errx(2, "CORE: page at paddr 0x%llx lies past its end", (unsigned long long)paddr);
			}
			return 1;
		}
	return 0;
}

static int is_zero(const unsigned char *b)
{
	return b[0] == 0 && !memcmp(b, b + 1, PAGE - 1);
}

struct area { uint64_t off, size; };

static int by_off(const void *a, const void *b)
{
	const struct area *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off ? 1 : x->size < y->size ? -1 : x->size > y->size;
}

int main(int argc, char **argv)
{
	unsigned char dh[PAGE], kh[0x68];
	struct stat st;

	if (argc == 4 && !strcmp(argv[2], "--elf"))
		elf_open(argv[3]);
	else if (argc != 2)
		errx(2, "usage: kdump-read FILE [--elf CORE]");
	setvbuf(stdout, NULL, _IOLBF, 0); /* lines in order with a failure's on stderr */
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0)
		err(2, "%s", argv[1]);
	fsize = (uint64_t)st.st_size;

	rd(dh, PAGE, 0, "block 0");
	if (memcmp(dh, "KDUMP   ", 8))
		errx(2, "signature is not \"KDUMP   \"");
	uint32_t version = u32(dh, 0x8), status = u32(dh, 0x1a8), block = u32(dh, 0x1ac);
	uint32_t sub_blocks = u32(dh, 0x1b0), bitmap_blocks = u32(dh, 0x1b4), max_mapnr = u32(dh, 0x1b8);
	int32_t nr_cpus = (int32_t)u32(dh, 0x1cc);
	if (version != 6 || block != PAGE)
		errx(2, "header_version %u, block_size %u: this reader wants 6 and 4096", version, block);
	printf("header version %u block %u status 0x%x sub_hdr_size %u bitmap_blocks %u max_mapnr %u nr_cpus %d\n",
	       version, block, status, sub_blocks, bitmap_blocks, max_mapnr, nr_cpus);
	char uts[6][66];
	for (int i = 0; i < 6; i++) {
		memcpy(uts[i], dh + 0xc + 65 * i, 65);
		uts[i][65] = 0;
	}

	rd(kh, sizeof(kh), PAGE, "sub header");
	uint64_t phys_base = u64(kh, 0x0), note_off = u64(kh, 0x30), note_size = u64(kh, 0x38);
	uint64_t vi_off = u64(kh, 0x20), vi_size = u64(kh, 0x28), mapnr64 = u64(kh, 0x60);
	int32_t level = (int32_t)u32(kh, 0x8);
	printf("sub phys_base 0x%llx dump_level %d max_mapnr_64 %llu note_off %llu note_size %llu vmcoreinfo_off %llu vmcoreinfo_size %llu\n",
	       (unsigned long long)phys_base, level, (unsigned long long)mapnr64, (unsigned long long)note_off,
	       (unsigned long long)note_size, (unsigned long long)vi_off, (unsigned long long)vi_size);
	printf("uts %s|%s|%s|%s\n", uts[0], uts[1], uts[2], uts[4]);
	uint64_t sub_end = (1 + (uint64_t)sub_blocks) * PAGE;
	if (note_off < PAGE + sizeof(kh) || note_off > sub_end || note_size > sub_end - note_off)
		errx(2, "notes at %llu (%llu bytes) are not inside the sub header's blocks", (unsigned long long)note_off,
		     (unsigned long long)note_size);
	if (vi_size && (vi_off < note_off || vi_off > note_off + note_size || vi_size > note_off + note_size - vi_off))
		errx(2, "VMCOREINFO at %llu (%llu bytes) is not inside the notes", (unsigned long long)vi_off,
		     (unsigned long long)vi_size);
	if (mapnr64 < max_mapnr || (mapnr64 <= UINT32_MAX && mapnr64 != max_mapnr))
		errx(2, "max_mapnr %u and max_mapnr_64 %llu disagree", max_mapnr, (unsigned long long)mapnr64);

	/* bitmaps */
	if (bitmap_blocks % 2 || (uint64_t)bitmap_blocks / 2 * PAGE * 8 < mapnr64)
		errx(2, "%u bitmap blocks do not hold two bitmaps of %llu pfns", bitmap_blocks,
		     (unsigned long long)mapnr64);
	uint64_t half = (uint64_t)bitmap_blocks / 2 * PAGE, bm_off = sub_end;
	unsigned char *b1 = malloc(half), *b2 = malloc(half);
	if (!b1 || !b2)
		errx(2, "out of memory");
	rd(b1, half, bm_off, "bitmap 1");
	rd(b2, half, bm_off + half, "bitmap 2");
	uint64_t nram = 0, ndump = 0;
	for (uint64_t pfn = 0; pfn < half * 8; pfn++) {
		if (pfn >= mapnr64 && (bit(b1, pfn) || bit(b2, pfn)))
			errx(2, "pfn 0x%llx is set in a bitmap, past max_mapnr", (unsigned long long)pfn);
		if (bit(b2, pfn) && !bit(b1, pfn))
			errx(2, "pfn 0x%llx is in bitmap 2 but not in bitmap 1", (unsigned long long)pfn);
		nram += bit(b1, pfn);
		ndump += bit(b2, pfn);
	}

	/* descriptors and data */
	uint64_t desc_off = bm_off + 2 * half, data_start = desc_off + ndump * 24;
	if (data_start > fsize)
		errx(2, "%llu page descs at %llu run past the end of the file", (unsigned long long)ndump,
		     (unsigned long long)desc_off);
	unsigned char *descs = malloc(ndump * 24 + 1);
	struct area *areas = malloc((ndump + 1) * sizeof(*areas));
	if (!descs || !areas)
		errx(2, "out of memory");
	rd(descs, ndump * 24, desc_off, "page descs");
	uint64_t nzlib = 0, nraw = 0;
	for (uint64_t i = 0; i < ndump; i++) {
		uint64_t off = u64(descs + 24 * i, 0);
		uint32_t size = u32(descs + 24 * i, 8), flags = u32(descs + 24 * i, 12);
		if (off < data_start || off > fsize || size > fsize - off || size == 0 || size > PAGE)
			errx(2, "page desc %llu: %u bytes at %llu, outside the data area %llu..%llu",
			     (unsigned long long)i, size, (unsigned long long)off, (unsigned long long)data_start,
			     (unsigned long long)fsize);
		if (flags == 0 && size != PAGE)
			errx(2, "page desc %llu: stored (flags 0) with %u bytes", (unsigned long long)i, size);
		if (flags != 0 && flags != 1)
			errx(2, "page desc %llu: flags 0x%x (0 or zlib 0x1 only)", (unsigned long long)i, flags);
		if (u64(descs + 24 * i, 16))
			errx(2, "page desc %llu: page_flags not 0", (unsigned long long)i);
		areas[i] = (struct area){ off, size };
	}
	qsort(areas, ndump, sizeof(*areas), by_off);
	uint64_t used = 0, shared = 0, end = data_start;
	for (uint64_t i = 0; i < ndump; i++) {
		if (i && areas[i].off == areas[i - 1].off && areas[i].size == areas[i - 1].size) {
			shared++;
			continue;
		}
		if (areas[i].off < end)
			errx(2, "page data at %llu overlaps the one before it", (unsigned long long)areas[i].off);
		used += areas[i].size;
		end = areas[i].off + areas[i].size;
	}
	if (used != fsize - data_start)
		errx(2, "the data area has %llu bytes, its descs use %llu", (unsigned long long)(fsize - data_start),
		     (unsigned long long)used);

	/* every page, in pfn order */
	unsigned char comp[PAGE], page[PAGE], want[PAGE];
	uint64_t rank = 0, match = 0, excl = 0, differ = 0, absent = 0;
	for (uint64_t pfn = 0; pfn < mapnr64; pfn++) {
		if (!bit(b1, pfn))
			continue;
		int dumped = bit(b2, pfn);
		if (dumped) {
			const unsigned char *d = descs + 24 * rank++;
			uint64_t off = u64(d, 0);
			uint32_t size = u32(d, 8), flags = u32(d, 12);
			if (flags) {
				uLongf n = PAGE;
				rd(comp, size, off, "page data");
				if (uncompress(page, &n, comp, size) != Z_OK || n != PAGE)
					errx(2, "pfn 0x%llx: zlib data of %u bytes does not inflate to one page",
					     (unsigned long long)pfn, size);
				nzlib++;
			} else {
				rd(page, PAGE, off, "page data");
				nraw++;
			}
		}
		if (efd < 0)
			continue;
		int have = elf_page(pfn * PAGE, want);
		if (dumped && !have)
			absent++;
		else if (dumped && !memcmp(page, want, PAGE))
			match++;
		else if (!dumped && (!have || is_zero(want)))
			excl++;
		else if (differ++ < 10)
			printf("differ: pfn 0x%llx (%s)\n", (unsigned long long)pfn,
			       dumped ? "dumped, other bytes" : "not dumped, CORE has data");
	}
	printf("pages ram %llu dumped %llu zlib %llu raw %llu shared %llu data_bytes %llu\n",
	       (unsigned long long)nram, (unsigned long long)ndump, (unsigned long long)nzlib,
	       (unsigned long long)nraw, (unsigned long long)shared, (unsigned long long)used);
	if (efd >= 0)
		printf("compare match %llu excluded %llu differ %llu absent %llu\n", (unsigned long long)match,
		       (unsigned long long)excl, (unsigned long long)differ, (unsigned long long)absent);
	return differ ? 1 : 0;
}
