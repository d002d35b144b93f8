/* tests/tools/pfcheck.c - does crashcap's page filter leave out the same
 * pages as makedumpfile?
 *
 *   pfcheck VMCORE [KDUMP]
 *
 * VMCORE: a level-0 ELF vmcore (crashcap save's output).  The SAME
 * capture/pagefilter.c, capture/kvtop.c and loader/vmcoreinfo.c the
 * payload and the loader use are built here for the host: the VMCOREINFO
 * note gives the description, physical memory is read from the PT_LOADs
 * (bytes past p_filesz up to p_memsz read as zeros; the kernel-image
 * PT_LOAD at vaddr >= 0xffffffff80000000 is a second view of RAM and is
 * not classified twice), and every page of every RAM PT_LOAD is classified
 * at level 30 (everything but zero pages), in chunks as the payload does.
 *
 * Pfns past a PT_LOAD's p_filesz ("nodata", zero runs crashcap left out)
 * are not classified: makedumpfile leaves them out whatever they are and
 * never reads their struct pages, so a free block or compound page whose
 * head lies there is not seen by either (the payload never meets this: it
 * reads real RAM).
 *
 * KDUMP: the kdump-compressed file `makedumpfile -d 30 VMCORE KDUMP` made
 * from the same vmcore.  Its bitmap 2 (1 = dumpable) is compared with ours
 * for every classified pfn.
 *
 * Prints the counts per reason, then one line per difference:
 *   diff pfn 0xN ours=REASON theirs=kept|excluded
 * and last "pfcheck: N pages, N differ".  Exit 0 when nothing differs,
 * 1 when something does, 2 on bad input (one line saying what). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <elf.h>

#include "capture/pagefilter.h"
#include "loader/vmcoreinfo.h"

#define START_KERNEL_MAP 0xffffffff80000000ull
#define MAX_LOADS 512

struct load { uint64_t paddr, filesz, memsz, off; int image; };

static const uint8_t *core;      /* the vmcore, mapped */
static size_t core_len;
static struct load loads[MAX_LOADS];
static int nloads;

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "pfcheck: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(2);
}

static const uint8_t *map_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	void *p;

	if (fd < 0 || fstat(fd, &st))
		die("cannot open %s", path);
	if (st.st_size == 0)
		die("%s is empty", path);
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		die("cannot map %s", path);
	close(fd);
	*len = (size_t)st.st_size;
	return p;
}

/* The read callback: RAM PT_LOADs first, the kernel-image view last. */
static int core_read(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
	(void)ctx;
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < nloads; i++) {
			const struct load *l = &loads[i];
			uint64_t o = pa - l->paddr, n;

			if (l->image != pass || pa < l->paddr || o + len > l->memsz || o + len < o)
				continue;
			memset(buf, 0, len);
			if (o < l->filesz) {
				n = l->filesz - o < len ? l->filesz - o : len;
				memcpy(buf, core + l->off + o, n);
			}
			return 0;
		}
	return -1;
}

static const char *vmcoreinfo(size_t *len)
{
	const Elf64_Ehdr *eh = (const void *)core;
	const Elf64_Phdr *ph;

	if (core_len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64
	    || eh->e_type != ET_CORE || eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(*ph) > core_len)
		die("%s", "not an ELF64 core file");
	ph = (const void *)(core + eh->e_phoff);
	const char *vi = NULL;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD) {
			if (nloads == MAX_LOADS)
				die("%s", "more than 512 PT_LOADs");
			if (ph[i].p_offset + ph[i].p_filesz > core_len || ph[i].p_filesz > ph[i].p_memsz)
				die("%s", "a PT_LOAD is past the end of the file (cut short?)");
			loads[nloads++] = (struct load){ ph[i].p_paddr, ph[i].p_filesz, ph[i].p_memsz, ph[i].p_offset,
							 ph[i].p_vaddr >= START_KERNEL_MAP };
		} else if (ph[i].p_type == PT_NOTE) {
			uint64_t o = ph[i].p_offset, end = o + ph[i].p_filesz;

			if (end > core_len)
				die("%s", "the PT_NOTE is past the end of the file");
			while (o + 12 <= end) {
				const uint32_t *h = (const void *)(core + o);
				uint64_t name = o + 12, desc = name + ((h[0] + 3ull) & ~3ull);

				if (!h[0] || desc + h[1] > end)
					break;
				if (h[0] == 11 && !memcmp(core + name, "VMCOREINFO", 11)) {
					vi = (const char *)core + desc;
					*len = h[1];
				}
				o = desc + ((h[1] + 3ull) & ~3ull);
			}
		}
	}
	if (!vi)
		die("%s", "no VMCOREINFO note in the vmcore");
	return vi;
}

static const char *reason(unsigned w)
{
	static const char *names[] = { "kept", "zero", "cache", "cache_private", "user", "free", "poison" };

	return w < sizeof(names) / sizeof(names[0]) ? names[w] : "?";
}

/* makedumpfile's bitmap 2 of a kdump-compressed file (IMPLEMENTATION,
 * diskdump_mod.h): header block 0, sub-header from block 1, bitmaps
 * after 1 + sub_hdr_size blocks, bitmap 2 the second half. */
static const uint8_t *kdump_bitmap2(const char *path, uint64_t *nbits)
{
	size_t len;
	const uint8_t *k = map_file(path, &len);
	int32_t block, sub_blocks;
	uint32_t bitmap_blocks;
	uint64_t start, half, max_mapnr;

	if (len < 8192 || memcmp(k, "KDUMP   ", 8))
		die("%s is not a kdump-compressed file (signature)", path);
	memcpy(&block, k + 428, 4);
	memcpy(&sub_blocks, k + 432, 4);
	memcpy(&bitmap_blocks, k + 436, 4);
	memcpy(&max_mapnr, k + 4096 + 96, 8);           /* kdump_sub_header.max_mapnr_64 (v6) */
	if (block != 4096 || sub_blocks < 1 || !bitmap_blocks || bitmap_blocks % 2)
		die("%s has a header this tool does not know (block size, bitmap blocks)", path);
	start = (1ull + (uint64_t)sub_blocks) * 4096;
	half = (uint64_t)bitmap_blocks / 2 * 4096;
	if (start + 2 * half > len || max_mapnr > half * 8)
		die("%s is cut short (bitmaps)", path);
	*nbits = max_mapnr;
	return k + start + half;
}

int main(int argc, char **argv)
{
	static struct pf f;
	struct cc_mm mm;
	char why_text[200];
	const char *vi;
	size_t vi_len;
	uint64_t count[CC_EXCL_N + 1] = { 0 }, unsure = 0, pages = 0, nodata = 0;
	uint64_t differ = 0, theirs_excl = 0, nbits = 0;
	const uint8_t *bm2 = NULL;
	uint32_t level;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: pfcheck VMCORE [KDUMP]\n");
		return 2;
	}
	core = map_file(argv[1], &core_len);
	vi = vmcoreinfo(&vi_len);
	if (vmcoreinfo_parse(vi, vi_len, &mm, why_text, sizeof(why_text)))
		die("%s", why_text);
	if (argc == 3)
		bm2 = kdump_bitmap2(argv[2], &nbits);
	level = pf_init(&f, &mm, 30, core_read, NULL);
	if (level != 30)
		die("%s", "the filter refused level 30");

	for (int i = 0; i < nloads; i++) {
		const struct load *l = &loads[i];
		uint64_t pfn = (l->paddr + 4095) / 4096, end = (l->paddr + l->memsz) / 4096;
		uint64_t data_end = (l->paddr + l->filesz) / 4096;

		if (l->image)
			continue;
		/* pfns past p_filesz: makedumpfile does not read their struct
		 * pages (is_in_segs), so neither do we: not classified */
		if (data_end < end) {
			nodata += end - (data_end > pfn ? data_end : pfn);
			end = data_end;
		}
		while (pfn < end) {
			uint8_t why[CC_CHUNK_PAGES];
			uint32_t n = end - pfn > CC_CHUNK_PAGES ? CC_CHUNK_PAGES : (uint32_t)(end - pfn), u;

			if (pf_classify(&f, pfn, n, why, &u) < 0)
				die("%s", "pf_classify refused a chunk");
			unsure += u;
			for (uint32_t j = 0; j < n; j++, pfn++) {
				int theirs_kept;

				pages++;
				count[why[j]]++;
				if (!bm2)
					continue;
				theirs_kept = pfn < nbits && (bm2[pfn / 8] >> (pfn % 8) & 1);
				theirs_excl += !theirs_kept;
				if (theirs_kept != (why[j] == PF_KEPT)) {
					differ++;
					printf("diff pfn 0x%llx ours=%s theirs=%s\n", (unsigned long long)pfn,
					       reason(why[j]), theirs_kept ? "kept" : "excluded");
				}
			}
		}
	}
	printf("kernel %u.%u, level 30; struct-page pages read %llu, unreadable %llu, page-table walks %u\n",
	       mm.kernel_version >> 16, mm.kernel_version >> 8 & 0xff, (unsigned long long)f.pages_read,
	       (unsigned long long)f.read_fail, f.kv.walks);
	printf("pages %llu: kept %llu (unsure %llu), cache %llu, cache_private %llu, user %llu, free %llu, poison %llu; "
	       "nodata %llu (not classified)\n",
	       (unsigned long long)pages, (unsigned long long)count[PF_KEPT], (unsigned long long)unsure,
	       (unsigned long long)count[PF_WHY(CC_EXCL_CACHE)], (unsigned long long)count[PF_WHY(CC_EXCL_CACHE_PRI)],
	       (unsigned long long)count[PF_WHY(CC_EXCL_USER)], (unsigned long long)count[PF_WHY(CC_EXCL_FREE)],
	       (unsigned long long)count[PF_WHY(CC_EXCL_POISON)], (unsigned long long)nodata);
	if (bm2)
		printf("makedumpfile leaves out %llu of the pages with data\n", (unsigned long long)theirs_excl);
	printf("pfcheck: %llu pages, %llu differ\n", (unsigned long long)pages, (unsigned long long)differ);
	return differ ? 1 : 0;
}
