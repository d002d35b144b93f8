/* tests/tools/vmcore_probe.c - inspect and check an ELF64 core file, as
 * written by the capture payload, for the QEMU tests.
 *
 *   vmcore-probe FILE --layout
 *       one line per PT_LOAD: "paddr size vaddr offset filesz" (hex; size
 *       is p_memsz), one line per note of each PT_NOTE: "note NAME type
 *       descsz" (decimal), in program header order.
 *   vmcore-probe FILE --check-layout
 *       PT_LOADs sorted by p_paddr and not overlapping, p_offset page
 *       aligned, p_filesz <= p_memsz and both whole pages (the bytes from
 *       p_filesz to p_memsz are zeros that are not in the file: zero-run
 *       elision), file parts in program header order without overlap, the
 *       file as long as the last file part.  The kernel-image PT_LOADs
 *       (p_vaddr in the x86-64 kernel text mapping, KERNEL_MAP_BASE and up)
 *       are a second view of RAM, as kexec-tools writes them: they are
 *       exempt from the order and overlap rule.
 *   vmcore-probe FILE --expect PADDR:PATTERNFILE...
 *       the bytes at physical address PADDR (hex) equal PATTERNFILE; prints
 *       "ok PADDR", "MISMATCH PADDR at +OFFSET" or "NOT COVERED PADDR".
 *       Bytes between p_filesz and p_memsz read as zeros; the range may
 *       run across PT_LOADs that follow each other in physical memory.
 *   vmcore-probe FILE --find SEED:N...
 *       look at every page-aligned physical page the PT_LOADs describe,
 *       each once (a page that two PT_LOADs describe, as the kernel-image
 *       view does, is read from the RAM view; zero tails included, as
 *       zeros), and count the pages equal, byte for byte, to
 *       pattern(SEED, i) for some i < N (tests/qemu/pattern.h).  One line
 *       per SEED:
 *           find SEED N present P copies C damaged D missing I,I,...
 *       P: how many of the N patterns are there at least once; C: pages
 *       beyond the first with the same pattern; D: pages with the header
 *       of one of the N (magic, SEED, i) but other bytes; the first
 *       missing indices (at most 8; "-" if none).
 *   vmcore-probe FILE --check-views
 *       every page of every kernel-image PT_LOAD (the second view of RAM)
 *       equals the same physical page read through the RAM PT_LOADs (zero
 *       tails as zeros); one line
 *           views P pages same D differ U uncovered [first paddr 0x...]
 *       fails if D or U is not 0.  A tool that reads physical memory
 *       through the first PT_LOAD covering it (crash does) must see what
 *       one that reads the RAM view (drgn) sees.
 *   vmcore-probe FILE --count
 *       the same walk (each physical page once, RAM view first): one line
 *           pages P nonzero N
 *       P pages described, N of them with a byte that is not zero.
 *
 * Modes combine.  Exit status: 0 all checks passed, 1 a check failed, 2
 * bad usage or FILE is not a valid x86-64 ELF64 core (one line says why). */
#include <elf.h>
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/qemu/pattern.h"

#define PAGE 4096
#define MAX_NOTES_BYTES (64u << 20)  /* refuse absurd PT_NOTE sizes */
#define CMP_CHUNK (1u << 20)

struct core {
	int fd;
	const char *path;
	uint64_t size;
	Elf64_Ehdr eh;
	Elf64_Phdr *ph;
	unsigned phnum;
};

static int read_at(const struct core *c, void *buf, size_t len, uint64_t off)
{
	char *p = buf;
	while (len) {
		ssize_t n = pread(c->fd, p, len, (off_t)off);
		if (n <= 0)
			return -1;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/* [off, off+len) inside the file, without overflow. */
static int in_file(const struct core *c, uint64_t off, uint64_t len)
{
	return off <= c->size && len <= c->size - off;
}

static const char *check_ehdr(const struct core *c)
{
	const Elf64_Ehdr *e = &c->eh;
	if (memcmp(e->e_ident, ELFMAG, SELFMAG))
		return "not an ELF file (bad magic)";
	if (e->e_ident[EI_CLASS] != ELFCLASS64)
		return "not ELFCLASS64";
	if (e->e_ident[EI_DATA] != ELFDATA2LSB)
		return "not little endian (ELFDATA2LSB)";
	if (e->e_type != ET_CORE)
		return "e_type is not ET_CORE";
	if (e->e_machine != EM_X86_64)
		return "e_machine is not EM_X86_64";
	if (e->e_phentsize != sizeof(Elf64_Phdr))
		return "e_phentsize is not sizeof(Elf64_Phdr)";
	if (e->e_phnum == 0)
		return "no program headers";
	if (e->e_phnum == PN_XNUM)
		return "e_phnum is PN_XNUM (extended numbering is not supported)";
	if (!in_file(c, e->e_phoff, (uint64_t)e->e_phnum * sizeof(Elf64_Phdr)))
		return "program headers extend past the end of the file";
	return NULL;
}

/* Open and validate FILE: 0, or -1 after one line on stderr. */
static int core_open(struct core *c, const char *path)
{
	struct stat st;
	const char *why;

	c->path = path;
	c->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (c->fd < 0 || fstat(c->fd, &st) < 0) {
		warn("%s", path);
		return -1;
	}
	c->size = (uint64_t)st.st_size;
	if (c->size < sizeof(c->eh)) {
		warnx("%s: too short for an ELF header (%llu bytes)", path, (unsigned long long)c->size);
		return -1;
	}
	if (read_at(c, &c->eh, sizeof(c->eh), 0) < 0) {
		warn("%s: reading the ELF header", path);
		return -1;
	}
	if ((why = check_ehdr(c))) {
		warnx("%s: %s", path, why);
		return -1;
	}
	c->phnum = c->eh.e_phnum;
	c->ph = calloc(c->phnum, sizeof(Elf64_Phdr));
	if (!c->ph || read_at(c, c->ph, c->phnum * sizeof(Elf64_Phdr), c->eh.e_phoff) < 0) {
		warn("%s: reading the program headers", path);
		return -1;
	}
	for (unsigned i = 0; i < c->phnum; i++) {
		const Elf64_Phdr *p = &c->ph[i];
		if ((p->p_type == PT_LOAD || p->p_type == PT_NOTE) && !in_file(c, p->p_offset, p->p_filesz)) {
			warnx("%s: program header %u: p_offset 0x%llx + p_filesz 0x%llx is past the end of the file (0x%llx bytes)",
			      path, i, (unsigned long long)p->p_offset, (unsigned long long)p->p_filesz,
			      (unsigned long long)c->size);
			return -1;
		}
		if (p->p_type == PT_LOAD && p->p_filesz > p->p_memsz) {
			warnx("%s: program header %u: p_filesz 0x%llx > p_memsz 0x%llx", path, i,
			      (unsigned long long)p->p_filesz, (unsigned long long)p->p_memsz);
			return -1;
		}
	}
	return 0;
}

static void print_name(const char *name, uint32_t namesz)
{
	if (namesz <= 1) {
		fputs("-", stdout);
		return;
	}
	for (uint32_t i = 0; i < namesz - 1 && name[i]; i++)
		putchar(name[i] > ' ' && name[i] < 0x7f ? name[i] : '?');
}

#define ALIGN4(x) (((uint64_t)(x) + 3) & ~(uint64_t)3)

/* Print the notes of PT_NOTE number i: 0, or -1 after one line. */
static int print_notes(const struct core *c, unsigned i)
{
	const Elf64_Phdr *p = &c->ph[i];
	if (p->p_filesz > MAX_NOTES_BYTES) {
		warnx("%s: PT_NOTE %u is %llu bytes, more than this tool reads", c->path, i,
		      (unsigned long long)p->p_filesz);
		return -1;
	}
	char *buf = malloc(p->p_filesz + 1);
	if (!buf || read_at(c, buf, p->p_filesz, p->p_offset) < 0) {
		warn("%s: reading PT_NOTE %u", c->path, i);
		free(buf);
		return -1;
	}
	uint64_t pos = 0;
	int rc = 0;
	while (pos < p->p_filesz) {
		Elf64_Nhdr n;
		if (p->p_filesz - pos < sizeof(n)) {
			warnx("%s: PT_NOTE %u: truncated note header at +0x%llx", c->path, i, (unsigned long long)pos);
			rc = -1;
			break;
		}
		memcpy(&n, buf + pos, sizeof(n));
		uint64_t name_at = pos + sizeof(n), desc_at = name_at + ALIGN4(n.n_namesz);
		uint64_t end = desc_at + ALIGN4(n.n_descsz);
		if (end > p->p_filesz) {
			warnx("%s: PT_NOTE %u: note at +0x%llx runs past the segment end", c->path, i,
			      (unsigned long long)pos);
			rc = -1;
			break;
		}
		fputs("note ", stdout);
		print_name(buf + name_at, n.n_namesz);
		printf(" %u %u\n", n.n_type, n.n_descsz);
		pos = end;
	}
	free(buf);
	return rc;
}

static int print_layout(const struct core *c)
{
	for (unsigned i = 0; i < c->phnum; i++) {
		const Elf64_Phdr *p = &c->ph[i];
		if (p->p_type == PT_LOAD)
			printf("0x%llx 0x%llx 0x%llx 0x%llx 0x%llx\n", (unsigned long long)p->p_paddr,
			       (unsigned long long)p->p_memsz, (unsigned long long)p->p_vaddr,
			       (unsigned long long)p->p_offset, (unsigned long long)p->p_filesz);
		else if (p->p_type == PT_NOTE && print_notes(c, i) < 0)
			return -1;
	}
	return 0;
}

#define KERNEL_MAP_BASE 0xffffffff80000000ull /* __START_KERNEL_map */

/* One line per violation; 0 if the layout is right, else -1. */
static int check_layout(const struct core *c)
{
	const Elf64_Phdr *prev = NULL, *prev_file = NULL;
	uint64_t file_end = 0, elided = 0;
	int bad = 0, loads = 0;

	for (unsigned i = 0; i < c->phnum; i++) {
		const Elf64_Phdr *p = &c->ph[i];
		if (p->p_type != PT_LOAD)
			continue;
		loads++;
		if (p->p_offset % PAGE) {
			printf("BAD LAYOUT PT_LOAD %u: p_offset 0x%llx not page aligned\n", i,
			       (unsigned long long)p->p_offset);
			bad = 1;
		}
		if (p->p_filesz > p->p_memsz || p->p_filesz % PAGE || p->p_memsz % PAGE) {
			printf("BAD LAYOUT PT_LOAD %u: p_filesz 0x%llx, p_memsz 0x%llx: want whole pages, p_filesz <= p_memsz\n", i,
			       (unsigned long long)p->p_filesz, (unsigned long long)p->p_memsz);
			bad = 1;
		} else {
			elided += p->p_memsz - p->p_filesz;
		}
		if (prev_file && p->p_offset < prev_file->p_offset + prev_file->p_filesz) {
			printf("BAD LAYOUT PT_LOAD %u: file part at 0x%llx overlaps the previous one (0x%llx + 0x%llx)\n", i,
			       (unsigned long long)p->p_offset, (unsigned long long)prev_file->p_offset,
			       (unsigned long long)prev_file->p_filesz);
			bad = 1;
		}
		prev_file = p;
		if (p->p_vaddr >= KERNEL_MAP_BASE) {
			/* the kernel image again: order and overlap do not apply */
		} else if (prev && p->p_paddr < prev->p_paddr) {
			printf("BAD LAYOUT PT_LOAD %u: paddr 0x%llx below the previous 0x%llx (not sorted)\n", i,
			       (unsigned long long)p->p_paddr, (unsigned long long)prev->p_paddr);
			bad = 1;
		} else if (prev && p->p_paddr - prev->p_paddr < prev->p_memsz) {
			printf("BAD LAYOUT PT_LOAD %u: paddr 0x%llx overlaps the previous segment (0x%llx + 0x%llx)\n", i,
			       (unsigned long long)p->p_paddr, (unsigned long long)prev->p_paddr,
			       (unsigned long long)prev->p_memsz);
			bad = 1;
		}
		if (p->p_offset + p->p_filesz > file_end)
			file_end = p->p_offset + p->p_filesz;
		if (p->p_vaddr < KERNEL_MAP_BASE)
			prev = p;
	}
	if (!loads) {
		printf("BAD LAYOUT no PT_LOAD\n");
		bad = 1;
	}
	if (file_end > c->size) { /* core_open already refuses this; kept for the record */
		printf("BAD LAYOUT file is 0x%llx bytes, segments end at 0x%llx\n",
		       (unsigned long long)c->size, (unsigned long long)file_end);
		bad = 1;
	}
	if (!bad)
		printf("layout ok: %d PT_LOADs, %llu MiB of zeros not in the file\n", loads,
		       (unsigned long long)(elided >> 20));
	return bad ? -1 : 0;
}

/* The PT_LOAD holding paddr (the first in header order), or NULL. */
static const Elf64_Phdr *find_load(const struct core *c, uint64_t paddr)
{
	for (unsigned i = 0; i < c->phnum; i++) {
		const Elf64_Phdr *p = &c->ph[i];
		if (p->p_type == PT_LOAD && paddr >= p->p_paddr && paddr - p->p_paddr < p->p_memsz)
			return p;
	}
	return NULL;
}

/* One page of PT_LOAD p at byte at of it into buf (zeros past p_filesz). */
static void read_view_page(const struct core *c, const Elf64_Phdr *p, uint64_t at, unsigned char *buf)
{
	uint64_t from_file = at < p->p_filesz ? (p->p_filesz - at < PAGE ? p->p_filesz - at : PAGE) : 0;
	if (from_file && read_at(c, buf, from_file, p->p_offset + at) < 0)
		err(2, "%s: reading at 0x%llx", c->path, (unsigned long long)(p->p_offset + at));
	memset(buf + from_file, 0, PAGE - from_file);
}

/* --check-views: 0 if every kernel-image page equals its RAM-view page. */
static int check_views(const struct core *c)
{
	unsigned char *a = malloc(PAGE), *b = malloc(PAGE);
	uint64_t same = 0, differ = 0, uncovered = 0, first = 0;
	if (!a || !b)
		errx(2, "out of memory");
	for (unsigned i = 0; i < c->phnum; i++) {
		const Elf64_Phdr *k = &c->ph[i];
		if (k->p_type != PT_LOAD || k->p_vaddr < KERNEL_MAP_BASE)
			continue;
		for (uint64_t at = 0; at + PAGE <= k->p_memsz; at += PAGE) {
			uint64_t paddr = k->p_paddr + at;
			const Elf64_Phdr *r = NULL;
			for (unsigned j = 0; j < c->phnum && !r; j++) {
				const Elf64_Phdr *q = &c->ph[j];
				if (q->p_type == PT_LOAD && q->p_vaddr < KERNEL_MAP_BASE && paddr >= q->p_paddr &&
				    paddr - q->p_paddr + PAGE <= q->p_memsz)
					r = q;
			}
			if (!r) {
				uncovered++;
				continue;
			}
			read_view_page(c, k, at, a);
			read_view_page(c, r, paddr - r->p_paddr, b);
			if (!memcmp(a, b, PAGE)) {
				same++;
			} else if (!differ++) {
				first = paddr;
			}
		}
	}
	printf("views %llu pages same %llu differ %llu uncovered", (unsigned long long)same,
	       (unsigned long long)differ, (unsigned long long)uncovered);
	if (differ)
		printf(" first paddr 0x%llx", (unsigned long long)first);
	putchar('\n');
	free(a);
	free(b);
	return differ || uncovered ? -1 : 0;
}

/* Compare len bytes of the core at paddr with pat: -1 if equal, -2 if some
 * byte is in no PT_LOAD (*uncovered gets its offset), else the offset of the
 * first difference.  Bytes past p_filesz read as zero. */
static long long compare(const struct core *c, uint64_t paddr, const unsigned char *pat, uint64_t len,
			 unsigned char *buf, uint64_t *uncovered)
{
	for (uint64_t done = 0; done < len;) {
		const Elf64_Phdr *p = find_load(c, paddr + done);
		if (!p) {
			*uncovered = done;
			return -2;
		}
		uint64_t at = paddr + done - p->p_paddr, n = len - done;
		if (n > CMP_CHUNK)
			n = CMP_CHUNK;
		if (n > p->p_memsz - at)
			n = p->p_memsz - at;
		uint64_t from_file = 0;
		if (at < p->p_filesz)
			from_file = p->p_filesz - at < n ? p->p_filesz - at : n;
		if (from_file && read_at(c, buf, from_file, p->p_offset + at) < 0)
			err(2, "%s: reading at 0x%llx", c->path, (unsigned long long)(p->p_offset + at));
		memset(buf + from_file, 0, n - from_file);
		for (uint64_t k = 0; k < n; k++)
			if (buf[k] != pat[done + k])
				return (long long)(done + k);
		done += n;
	}
	return -1;
}

static unsigned char *slurp(const char *path, uint64_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		err(2, "%s", path);
	if (!S_ISREG(st.st_mode) || st.st_size == 0)
		errx(2, "%s: pattern file must be a non-empty regular file", path);
	unsigned char *buf = malloc((size_t)st.st_size);
	ssize_t n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
	if (n != st.st_size)
		err(2, "%s: reading", path);
	close(fd);
	*len = (uint64_t)st.st_size;
	return buf;
}

/* One --expect argument: 0 if ok, -1 if the check failed. */
static int expect_one(const struct core *c, const char *arg, unsigned char *buf)
{
	char *end;
	uint64_t paddr = strtoull(arg, &end, 16), len;

	if (end == arg || *end != ':' || !end[1])
		errx(2, "--expect wants PADDR:PATTERNFILE with PADDR in hex, not '%s'", arg);
	unsigned char *pat = slurp(end + 1, &len);
	uint64_t uncovered = 0;
	long long diff = compare(c, paddr, pat, len, buf, &uncovered);
	free(pat);
	if (diff == -2)
		printf("NOT COVERED 0x%llx (from +0x%llx)\n", (unsigned long long)paddr, (unsigned long long)uncovered);
	else if (diff >= 0)
		printf("MISMATCH 0x%llx at +0x%llx\n", (unsigned long long)paddr, diff);
	else
		printf("ok 0x%llx\n", (unsigned long long)paddr);
	return diff == -1 ? 0 : -1;
}

/* --find: the patterns of one seed, and what the scan saw of them. */
struct find {
	uint64_t seed, n;
	uint32_t *seen;     /* pages equal to pattern(seed, i), per i */
	uint64_t damaged;   /* pages with its header but other bytes */
};

static int is_kernel_view(const Elf64_Phdr *p)
{
	return p->p_vaddr >= KERNEL_MAP_BASE;
}

/* Order in which the PT_LOADs own a physical page: the RAM views in header
 * order, then the kernel-image views.  Fills order[], returns the count. */
static unsigned load_order(const struct core *c, unsigned *order)
{
	unsigned n = 0;
	for (int pass = 0; pass < 2; pass++)
		for (unsigned i = 0; i < c->phnum; i++)
			if (c->ph[i].p_type == PT_LOAD && is_kernel_view(&c->ph[i]) == pass)
				order[n++] = i;
	return n;
}

static int overlaps(const Elf64_Phdr *a, const Elf64_Phdr *b)
{
	return a->p_paddr < b->p_paddr + b->p_memsz && b->p_paddr < a->p_paddr + a->p_memsz;
}

/* One page (PAGE bytes at page) against the seeds. */
static void find_page(const unsigned char *page, struct find *f, unsigned nf, unsigned char *want)
{
	uint64_t seed, index;
	if (!pattern_claims(page, &seed, &index))
		return;
	for (unsigned k = 0; k < nf; k++) {
		if (f[k].seed != seed || index >= f[k].n)
			continue;
		pattern_fill(want, seed, index);
		if (!memcmp(page, want, PAGE))
			f[k].seen[index]++;
		else
			f[k].damaged++;
	}
}

struct count {
	uint64_t pages, nonzero;
};

static int page_is_zero(const unsigned char *p)
{
	for (unsigned i = 0; i < PAGE; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Every physical page the PT_LOADs describe, once: find the patterns in
 * it (f, nf) and count it (cnt). */
static void find_all(const struct core *c, struct find *f, unsigned nf, struct count *cnt, unsigned char *buf)
{
	unsigned *order = calloc(c->phnum, sizeof(*order));
	unsigned char *want = malloc(PAGE);
	if (!order || !want)
		errx(2, "out of memory");
	unsigned nl = load_order(c, order);
	for (unsigned k = 0; k < nl; k++) {
		const Elf64_Phdr *p = &c->ph[order[k]];
		/* a PT_LOAD that no earlier one overlaps needs no per-page test */
		int shared = 0;
		for (unsigned j = 0; j < k && !shared; j++)
			shared = overlaps(p, &c->ph[order[j]]);
		uint64_t first = (PAGE - p->p_paddr % PAGE) % PAGE; /* first page-aligned paddr */
		uint64_t at;
		for (at = first; at < p->p_memsz && p->p_memsz - at >= PAGE;) {
			/* a window of whole pages: from the file up to p_filesz, zeros after */
			uint64_t n = p->p_memsz - at;
			if (n > CMP_CHUNK)
				n = CMP_CHUNK;
			n -= n % PAGE;
			if (at >= p->p_filesz)
				break; /* zeros from here on: no pattern page (counted below) */
			uint64_t from_file = p->p_filesz - at < n ? p->p_filesz - at : n;
			if (read_at(c, buf, from_file, p->p_offset + at) < 0)
				err(2, "%s: reading at 0x%llx", c->path, (unsigned long long)(p->p_offset + at));
			memset(buf + from_file, 0, n - from_file);
			for (uint64_t off = 0; off < n; off += PAGE) {
				uint64_t paddr = p->p_paddr + at + off;
				int earlier = 0;
				for (unsigned j = 0; shared && j < k && !earlier; j++) {
					const Elf64_Phdr *q = &c->ph[order[j]];
					earlier = paddr >= q->p_paddr && paddr - q->p_paddr < q->p_memsz;
				}
				if (earlier)
					continue;
				find_page(buf + off, f, nf, want);
				cnt->pages++;
				cnt->nonzero += !page_is_zero(buf + off);
			}
			at += n;
		}
		/* the zero tail's pages the windows did not reach */
		for (; at < p->p_memsz && p->p_memsz - at >= PAGE; at += PAGE) {
			uint64_t paddr = p->p_paddr + at;
			int earlier = 0;
			for (unsigned j = 0; shared && j < k && !earlier; j++) {
				const Elf64_Phdr *q = &c->ph[order[j]];
				earlier = paddr >= q->p_paddr && paddr - q->p_paddr < q->p_memsz;
			}
			cnt->pages += !earlier;
		}
	}
	free(want);
	free(order);
}

static void find_report(const struct find *f)
{
	uint64_t present = 0, copies = 0;
	unsigned listed = 0;
	char missing[8 * 24] = "";
	for (uint64_t i = 0; i < f->n; i++) {
		if (f->seen[i]) {
			present++;
			copies += f->seen[i] - 1;
		} else if (listed < 8) {
			size_t len = strlen(missing);
			snprintf(missing + len, sizeof(missing) - len, "%s%llu", listed ? "," : "",
				 (unsigned long long)i);
			listed++;
		}
	}
	printf("find %llu %llu present %llu copies %llu damaged %llu missing %s\n",
	       (unsigned long long)f->seed, (unsigned long long)f->n, (unsigned long long)present,
	       (unsigned long long)copies, (unsigned long long)f->damaged, listed ? missing : "-");
}

int main(int argc, char **argv)
{
	static const char usage[] = "usage: vmcore-probe FILE [--layout] [--check-layout] [--expect PADDR:PATTERNFILE...] [--find SEED:N...] [--count] [--check-views]";
	int layout = 0, check = 0, count = 0, views = 0, first_expect = 0, nexpect = 0, failed = 0;
	struct find finds[8];
	unsigned nfind = 0;
	struct core c;

	if (argc < 3)
		errx(2, "%s", usage);
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--layout"))
			layout = 1;
		else if (!strcmp(argv[i], "--check-layout"))
			check = 1;
		else if (!strcmp(argv[i], "--count"))
			count = 1;
		else if (!strcmp(argv[i], "--check-views"))
			views = 1;
		else if (!strcmp(argv[i], "--expect")) {
			if (first_expect)
				errx(2, "--expect given twice: list all PADDR:PATTERNFILE after one --expect");
			first_expect = i + 1;
			while (i + 1 < argc && strncmp(argv[i + 1], "--", 2))
				i++, nexpect++;
			if (!nexpect)
				errx(2, "--expect needs at least one PADDR:PATTERNFILE");
		} else if (!strcmp(argv[i], "--find")) {
			if (nfind)
				errx(2, "--find given twice: list all SEED:N after one --find");
			while (i + 1 < argc && strncmp(argv[i + 1], "--", 2)) {
				const char *arg = argv[++i];
				char *end, *end2;
				if (nfind == sizeof(finds) / sizeof(finds[0]))
					errx(2, "--find: at most %zu seeds", sizeof(finds) / sizeof(finds[0]));
				struct find *f = &finds[nfind++];
				f->seed = strtoull(arg, &end, 10);
				f->n = end != arg && *end == ':' ? strtoull(end + 1, &end2, 10) : 0;
				if (end == arg || *end != ':' || end2 == end + 1 || *end2 || !f->n || f->n > (1u << 24))
					errx(2, "--find wants SEED:N (decimal, 0 < N <= 2^24), not '%s'", arg);
				f->seen = calloc(f->n, sizeof(*f->seen));
				f->damaged = 0;
				if (!f->seen)
					errx(2, "out of memory");
			}
			if (!nfind)
				errx(2, "--find needs at least one SEED:N");
		} else
			errx(2, "unknown argument '%s' (%s)", argv[i], usage);
	}
	if (core_open(&c, argv[1]) < 0)
		return 2;
	if (layout && print_layout(&c) < 0)
		return 2;
	if (check && check_layout(&c) < 0)
		failed = 1;
	if (views && check_views(&c) < 0)
		failed = 1;
	unsigned char *buf = malloc(CMP_CHUNK);
	if (!buf)
		errx(2, "out of memory");
	for (int k = 0; k < nexpect; k++)
		if (expect_one(&c, argv[first_expect + k], buf) < 0)
			failed = 1;
	if (nfind || count) {
		struct count cnt = { 0, 0 };
		find_all(&c, finds, nfind, &cnt, buf);
		for (unsigned k = 0; k < nfind; k++)
			find_report(&finds[k]);
		if (count)
			printf("pages %llu nonzero %llu\n", (unsigned long long)cnt.pages, (unsigned long long)cnt.nonzero);
	}
	free(buf);
	return failed;
}
