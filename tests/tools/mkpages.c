/* tests/tools/mkpages.c - write a CC_ENC_PAGES crashcap target (the stream
 * of include/crashcap/dumpfmt.h, framed with liblz4 as the payload frames
 * it), and check a vmcore saved from one against the memory it came from.
 *
 *   mkpages TARGET SOURCE [--exclude PADDR:NPAGES]... [--exclude-zero]
 *           [--chunk-pages N] [--cut N] [--level N] [--map] [--alias]
 *   mkpages --check CORE SOURCE [the same --exclude and --exclude-zero]
 *
 * SOURCE is the memory:
 *   --range PADDR:SIZE[:VADDR]...  synthetic memory: every page a
 *       pattern of its address (half noise, half text), except every 7th page (pfn %
 *       7 == 3), which is zero.  Ranges in the order given.
 *   --elf VMCORE  an ELF vmcore: its notes, and each PT_LOAD as a range
 *       (bytes past p_filesz read as zero).
 * Pages are kept except those inside an --exclude (counted as free pages)
 * and, with --exclude-zero, all-zero pages.  --chunk-pages makes chunks
 * smaller than CC_CHUNK_PAGES.  --extra-page SEQ: chunk SEQ's frame holds one
 * page more than the chunk keeps (a wrong stream, for the tests).  --cut N: only the first N bytes of the
 * stream count as written (state incomplete, data_written N; the target
 * holds zeros after them).  --alias writes kernel-image ranges (vaddr
 * 0xffffffff80000000 and up) as the payload does: aliases, with p_filesz 0
 * in the HEAD and no chunks (the RAM ranges carry their pages).  --map prints where each record and frame lies:
 *   head OFF LEN / chunk SEQ OFF FRAME_OFF FRAME_LEN / end OFF / total LEN
 *
 * --check reads CORE through its PT_LOADs (the kernel-image ranges, vaddr
 * 0xffffffff80000000 and up, by vaddr; others by paddr) and prints
 *   kept K excluded E absent A wrong W
 * kept: kept pages equal to the source; excluded: excluded pages that read
 * as zero; absent: pages no PT_LOAD covers; wrong: anything else (each one
 * also printed).  Exit 1 if W > 0. */
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lz4frame.h>

#include "capture/dumphdr.h"
#include "capture/elf.h"
#include "crashcap/dumpfmt.h"
#include "crashcap/params.h"
#include "crashcap/status.h"
#include "loader/uuid.h"

#define PAGE CC_PAGE_BYTES
#define KVADDR CC_KERNEL_MAP
#define MAXR 4096

struct range { uint64_t paddr, vaddr, size; const Elf64_Phdr *ph; };

static struct range ranges[MAXR];
static unsigned nranges;
static struct { uint64_t paddr, npages; } excl[MAXR];
static unsigned nexcl;
static int exclude_zero;
static int alias_kernel;       /* --alias */

static int is_alias(const struct range *r) { return alias_kernel && r->vaddr >= KVADDR; }
static int elf_fd = -1;
static Elf64_Phdr *elf_ph;
static unsigned char *notes;
static uint64_t notes_len;

static void pattern_page(uint64_t paddr, unsigned char *b)
{
	uint64_t x = (paddr >> 12) * 0x9e3779b97f4a7c15ull + 0x1234567;
	if ((paddr >> 12) % 7 == 3) {
		memset(b, 0, PAGE);
		return;
	}
	for (unsigned i = 0; i < PAGE / 2; i += 8) { /* half noise, half text: LZ4 compresses it by half */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(b + i, &x, 8);
	}
	for (unsigned i = PAGE / 2; i < PAGE; i += 32)
		snprintf((char *)b + i, 32, "page at 0x%016llx....", (unsigned long long)paddr);
	b[0] |= 1;
}

static void source_page(const struct range *r, uint64_t off, unsigned char *b)
{
	if (!r->ph) {
		pattern_page(r->paddr + off, b);
		return;
	}
	memset(b, 0, PAGE);
	if (off < r->ph->p_filesz) {
		uint64_t n = r->ph->p_filesz - off < PAGE ? r->ph->p_filesz - off : PAGE;
		if (pread(elf_fd, b, n, (off_t)(r->ph->p_offset + off)) != (ssize_t)n)
			err(1, "reading the source vmcore");
	}
}

/* "A:B[:C]" in any base strtoull reads: the number of fields, or -1. */
static int parse_nums(const char *s, unsigned long long *v, int max)
{
	int n = 0;
	char *end;
	for (;;) {
		if (n == max || !*s || *s == '-')
			return -1;
		v[n++] = strtoull(s, &end, 0);
		if (!*end)
			return n;
		if (*end != ':')
			return -1;
		s = end + 1;
	}
}

static int page_is_zero(const unsigned char *b)
{
	return b[0] == 0 && !memcmp(b, b + 1, PAGE - 1);
}

/* Is the page kept; if not, *reason says why. */
static int kept(const struct range *r, uint64_t off, const unsigned char *b, unsigned *reason)
{
	uint64_t pa = r->paddr + off;
	for (unsigned i = 0; i < nexcl; i++)
		if (pa >= excl[i].paddr && pa < excl[i].paddr + excl[i].npages * PAGE) {
			*reason = CC_EXCL_FREE;
			return 0;
		}
	if (exclude_zero && page_is_zero(b)) {
		*reason = CC_EXCL_ZERO;
		return 0;
	}
	return 1;
}

static void load_elf(const char *path)
{
	Elf64_Ehdr e;
	elf_fd = open(path, O_RDONLY);
	if (elf_fd < 0 || pread(elf_fd, &e, sizeof(e), 0) != sizeof(e) || memcmp(e.e_ident, ELFMAG, 4) ||
	    e.e_phentsize != sizeof(Elf64_Phdr) || e.e_phnum > MAXR)
		errx(2, "%s: not an ELF64 vmcore", path);
	elf_ph = calloc(e.e_phnum, sizeof(*elf_ph));
	if (!elf_ph || pread(elf_fd, elf_ph, e.e_phnum * sizeof(*elf_ph), (off_t)e.e_phoff) !=
	    (ssize_t)(e.e_phnum * sizeof(*elf_ph)))
		errx(2, "%s: reading program headers", path);
	for (unsigned i = 0; i < e.e_phnum; i++) {
		const Elf64_Phdr *p = &elf_ph[i];
		if (p->p_type == PT_NOTE && !notes) {
			notes_len = p->p_filesz;
			notes = malloc(notes_len ? notes_len : 1);
			if (!notes || pread(elf_fd, notes, notes_len, (off_t)p->p_offset) != (ssize_t)notes_len)
				errx(2, "%s: reading notes", path);
		} else if (p->p_type == PT_LOAD && p->p_memsz) {
			if ((p->p_paddr | p->p_memsz) % PAGE)
				errx(2, "%s: PT_LOAD %u not page aligned", path, i);
			ranges[nranges++] = (struct range){ p->p_paddr, p->p_vaddr, p->p_memsz, p };
		}
	}
}

/* ---- writing the target ------------------------------------------------------- */

static int out_fd;
static uint64_t out_pos;        /* stream bytes written */
static int print_map;
static long long extra_page_seq = -1;

static void emit(const void *p, size_t n)
{
	if (pwrite(out_fd, p, n, (off_t)(CC_DATA_OFFSET + out_pos)) != (ssize_t)n)
		err(1, "writing the target");
	out_pos += n;
}

static void emit_record(uint32_t size, const void *body)
{
	struct cc_skip_hdr sh = { CC_SKIP_MAGIC, size };
	emit(&sh, sizeof(sh));
	emit(body, size);
}

static void emit_head(void)
{
	uint64_t len = sizeof(Elf64_Ehdr) + (1 + nranges) * sizeof(Elf64_Phdr) + notes_len;
	unsigned char *b = calloc(1, sizeof(struct cc_rec_head) + len);
	struct cc_rec_head *rh = (void *)b;
	Elf64_Ehdr *e = (void *)(b + sizeof(*rh));
	Elf64_Phdr *ph = (void *)(e + 1);

	rh->type = CC_REC_HEAD;
	rh->version = CC_FMT_VERSION;
	rh->head_len = len;
	memcpy(e->e_ident, ELFMAG, 4);
	e->e_ident[4] = ELFCLASS64;
	e->e_ident[5] = ELFDATA2LSB;
	e->e_ident[6] = EV_CURRENT;
	e->e_type = ET_CORE;
	e->e_machine = EM_X86_64;
	e->e_version = EV_CURRENT;
	e->e_phoff = sizeof(*e);
	e->e_ehsize = sizeof(*e);
	e->e_phentsize = sizeof(*ph);
	e->e_phnum = (uint16_t)(1 + nranges);
	ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = len - notes_len, .p_filesz = notes_len, .p_memsz = notes_len };
	for (unsigned i = 0; i < nranges; i++)
		ph[1 + i] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X,
			.p_vaddr = ranges[i].vaddr, .p_paddr = ranges[i].paddr,
			.p_filesz = is_alias(&ranges[i]) ? 0 : ranges[i].size, .p_memsz = ranges[i].size };
	memcpy(b + sizeof(*rh) + len - notes_len, notes, notes_len);
	if (print_map)
		printf("head 0 %llu\n", (unsigned long long)(8 + sizeof(*rh) + len));
	emit_record((uint32_t)(sizeof(*rh) + len), b);
	free(b);
}

static int write_target(const char *path, unsigned chunk_pages, long long cut, unsigned level)
{
	struct cc_rec_end end = { .type = CC_REC_END, .dump_level = level };
	unsigned char *pages = malloc((size_t)(CC_CHUNK_PAGES + 1) * PAGE), *pg = malloc(PAGE);
	LZ4F_preferences_t prefs;
	size_t cap = LZ4F_compressFrameBound((size_t)(CC_CHUNK_PAGES + 1) * PAGE, NULL) + 64;
	unsigned char *frame = malloc(cap);
	uint64_t ram = 0;

	memset(&prefs, 0, sizeof(prefs));
	prefs.frameInfo.blockSizeID = LZ4F_max64KB;
	prefs.frameInfo.blockMode = LZ4F_blockIndependent;
	prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
	prefs.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled;
	out_fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (out_fd < 0)
		err(1, "%s", path);
	emit_head();
	for (unsigned r = 0; r < nranges; r++) {
		ram += ranges[r].size;
		if (is_alias(&ranges[r]))
			continue;
		for (uint64_t off = 0; off < ranges[r].size; off += (uint64_t)chunk_pages * PAGE) {
			struct cc_rec_chunk c = { .type = CC_REC_CHUNK, .range = r, .paddr = ranges[r].paddr + off,
						  .seq = end.chunks };
			uint64_t left = (ranges[r].size - off) / PAGE;
			c.npages = left < chunk_pages ? (uint32_t)left : chunk_pages;
			for (unsigned i = 0; i < c.npages; i++) {
				unsigned reason;
				source_page(&ranges[r], off + (uint64_t)i * PAGE, pg);
				if (kept(&ranges[r], off + (uint64_t)i * PAGE, pg, &reason)) {
					memcpy(pages + (size_t)c.nkept++ * PAGE, pg, PAGE);
					c.kept[i >> 3] |= (uint8_t)(1u << (i & 7));
				} else {
					end.excluded[reason]++;
					if (reason == CC_EXCL_ZERO)
						c.zero[i >> 3] |= (uint8_t)(1u << (i & 7));
				}
			}
			uint64_t rec_off = out_pos;
			emit_record(sizeof(c), &c);
			size_t flen = 0;
			size_t content = (size_t)(c.nkept + ((long long)c.seq == extra_page_seq)) * PAGE;
			if (content) {
				prefs.frameInfo.contentSize = content;
				flen = LZ4F_compressFrame(frame, cap, pages, content, &prefs);
				if (LZ4F_isError(flen))
					errx(1, "LZ4F_compressFrame: %s", LZ4F_getErrorName(flen));
			}
			if (print_map)
				printf("chunk %llu %llu %llu %zu\n", (unsigned long long)c.seq,
				       (unsigned long long)rec_off, (unsigned long long)out_pos, flen);
			emit(frame, flen);
			end.chunks++;
			end.pages += c.npages;
			end.kept += c.nkept;
		}
	}
	end.raw_bytes = end.kept * PAGE;
	if (print_map)
		printf("end %llu\n", (unsigned long long)out_pos);
	emit_record(sizeof(end), &end);
	if (print_map)
		printf("total %llu\n", (unsigned long long)out_pos);

	struct cc_dump_header h;
	memset(&h, 0, sizeof(h));
	uuid_parse("c0ffee00-1234-4abc-8def-0123456789ab", h.uuid);
	h.state = cut >= 0 ? CC_STATE_INCOMPLETE : CC_STATE_COMPLETE;
	h.status = cut >= 0 ? CC_ERR_IO : CC_OK;
	h.encoding = CC_ENC_PAGES;
	h.data_offset = CC_DATA_OFFSET;
	h.data_total = out_pos;
	h.data_written = cut >= 0 ? (uint64_t)cut : out_pos;
	h.target_bytes = CC_DATA_OFFSET + out_pos + PAGE;
	h.start_time = 1700000000;
	h.end_time = h.start_time + 2;
	h.sector_size = 512;
	h.ram_bytes = ram;
	h.elapsed_ms = 1234;
	h.dump_level = h.level_asked = level;
	h.compress = CC_COMPRESS_LZ4;
	dumphdr_seal(&h);
	if (pwrite(out_fd, &h, sizeof(h), 0) != sizeof(h) || ftruncate(out_fd, (off_t)h.target_bytes) < 0)
		err(1, "%s", path);
	if (cut >= 0 && (uint64_t)cut < out_pos) { /* never written: zeros */
		if (ftruncate(out_fd, (off_t)(CC_DATA_OFFSET + cut)) < 0 ||
		    ftruncate(out_fd, (off_t)h.target_bytes) < 0)
			err(1, "%s", path);
	}
	return close(out_fd);
}

/* ---- checking a saved core ------------------------------------------------------- */

static int check_core(const char *path)
{
	Elf64_Ehdr e;
	int fd = open(path, O_RDONLY);
	if (fd < 0 || pread(fd, &e, sizeof(e), 0) != sizeof(e) || memcmp(e.e_ident, ELFMAG, 4) ||
	    e.e_phentsize != sizeof(Elf64_Phdr))
		errx(2, "%s: not an ELF64 core", path);
	Elf64_Phdr *ph = calloc(e.e_phnum ? e.e_phnum : 1, sizeof(*ph));
	if (pread(fd, ph, e.e_phnum * sizeof(*ph), (off_t)e.e_phoff) != (ssize_t)(e.e_phnum * sizeof(*ph)))
		errx(2, "%s: reading program headers", path);
	unsigned char want[PAGE], got[PAGE];
	uint64_t nkept = 0, nexcl_ok = 0, absent = 0, wrong = 0;
	for (unsigned r = 0; r < nranges; r++) {
		int kern = ranges[r].vaddr >= KVADDR;
		for (uint64_t off = 0; off < ranges[r].size; off += PAGE) {
			uint64_t pa = ranges[r].paddr + off, va = ranges[r].vaddr + off;
			const Elf64_Phdr *p = NULL;
			for (unsigned i = 0; i < e.e_phnum && !p; i++) {
				if (ph[i].p_type != PT_LOAD || (ph[i].p_vaddr >= KVADDR) != kern)
					continue;
				uint64_t a = kern ? va : pa, base = kern ? ph[i].p_vaddr : ph[i].p_paddr;
				if (a >= base && a - base < ph[i].p_memsz)
					p = &ph[i];
			}
			if (!p) {
				absent++;
				continue;
			}
			uint64_t in = (kern ? va - p->p_vaddr : pa - p->p_paddr);
			memset(got, 0, PAGE);
			if (in < p->p_filesz && pread(fd, got, PAGE, (off_t)(p->p_offset + in)) != PAGE)
				errx(2, "%s: page at paddr 0x%llx lies past the end of the file", path,
				     (unsigned long long)pa);
			unsigned reason;
			source_page(&ranges[r], off, want);
			if (kept(&ranges[r], off, want, &reason)) {
				if (!memcmp(want, got, PAGE)) {
					nkept++;
					continue;
				}
			} else if (page_is_zero(got)) {
				nexcl_ok++;
				continue;
			}
			if (wrong++ < 10)
				printf("wrong page: range %u paddr 0x%llx\n", r, (unsigned long long)pa);
		}
	}
	printf("kept %llu excluded %llu absent %llu wrong %llu\n", (unsigned long long)nkept,
	       (unsigned long long)nexcl_ok, (unsigned long long)absent, (unsigned long long)wrong);
	return wrong ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "range", required_argument, NULL, 'r' },
		{ "elf", required_argument, NULL, 'e' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "exclude-zero", no_argument, NULL, 'z' },
		{ "chunk-pages", required_argument, NULL, 'c' },
		{ "cut", required_argument, NULL, 'k' },
		{ "level", required_argument, NULL, 'l' },
		{ "map", no_argument, NULL, 'm' },
		{ "alias", no_argument, NULL, 'A' },
		{ "extra-page", required_argument, NULL, 'E' },
		{ "check", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long nums[3];
	unsigned chunk_pages = CC_CHUNK_PAGES, level = CC_DL_DEFAULT;
	long long cut = -1;
	int check = 0, c;
	char *end;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			nums[2] = 0;
			if (nranges == MAXR || parse_nums(optarg, nums, 3) < 2 || (nums[0] | nums[1] | nums[2]) % PAGE)
				errx(2, "bad --range %s", optarg);
			ranges[nranges++] = (struct range){ nums[0], nums[2], nums[1], NULL };
			break;
		case 'e': load_elf(optarg); break;
		case 'x':
			if (nexcl == MAXR || parse_nums(optarg, nums, 2) != 2)
				errx(2, "bad --exclude %s", optarg);
			excl[nexcl].paddr = nums[0];
			excl[nexcl++].npages = nums[1];
			break;
		case 'z': exclude_zero = 1; break;
		case 'c':
			chunk_pages = (unsigned)strtoul(optarg, &end, 0);
			if (*end || !chunk_pages || chunk_pages > CC_CHUNK_PAGES)
				errx(2, "bad --chunk-pages %s", optarg);
			break;
		case 'k': cut = strtoll(optarg, &end, 0); if (*end || cut < 0) errx(2, "bad --cut"); break;
		case 'l': level = (unsigned)strtoul(optarg, &end, 0); break;
		case 'm': print_map = 1; break;
		case 'A': alias_kernel = 1; break;
		case 'E': extra_page_seq = strtoll(optarg, &end, 0); break;
		case 'C': check = 1; break;
		default: errx(2, "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1 || !nranges)
		errx(2, "usage: mkpages TARGET|--check CORE (--range PADDR:SIZE[:VADDR]...|--elf VMCORE) [options]");
	if (!notes) { /* a note crash would ignore, so the PT_NOTE is not empty */
		static unsigned char n[12 + 8 + 4] = { 6, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0x43, 0x43, 'M', 'K', 'P', 'G', 'S', 0, 0, 0, 't', 'e', 's', 't' };
		notes = n;
		notes_len = sizeof(n);
	}
	return check ? check_core(argv[optind]) : write_target(argv[optind], chunk_pages, cut, level) ? 1 : 0;
}
