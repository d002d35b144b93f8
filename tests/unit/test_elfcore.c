/* tests/unit/test_elfcore.c - capture/elfcore.c (the ELF core head).
 * Parsed back with the system's <elf.h>, then end to end with readelf. */
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "capture/elfcore.h"
#include "tests/unit/check.h"

static struct cc_params P;
static uint8_t notes[1024];
static size_t notes_len;

/* One ELF note by the gABI: header, name with NUL padded to 4, desc padded to 4. */
static void put_note(const char *name, uint32_t type, const void *desc, uint32_t descsz)
{
	Elf64_Nhdr h = { (uint32_t)strlen(name) + 1, descsz, type };
	memcpy(notes + notes_len, &h, sizeof(h));
	notes_len += sizeof(h);
	memcpy(notes + notes_len, name, h.n_namesz);
	notes_len += (h.n_namesz + 3) / 4 * 4;
	memcpy(notes + notes_len, desc, descsz);
	notes_len += (descsz + 3) / 4 * 4;
}

static void setup(void)
{
	memset(&P, 0, sizeof(P));
	static const struct cc_mem_range r[] = {
		{ 0x1000, 0x9f000, 0xffff888000001000ull, 0x1000 },
		{ 0x100000, 0x7ee0000, 0xffff888000100000ull, 0x100000 },
		{ 0x100000000ull, 0x3000, 0, 0x100000000ull },
		{ 0x3000000, 0x2000, 0xffffffff81000000ull, 0x3000000 },
	};
	P.nr_ranges = sizeof(r) / sizeof(r[0]);
	memcpy(P.ranges, r, sizeof(r));

	memset(notes, 0, sizeof(notes));
	notes_len = 0;
	uint8_t prstatus[336];
	for (unsigned i = 0; i < sizeof(prstatus); i++)
		prstatus[i] = (uint8_t)i;
	put_note("CORE", NT_PRSTATUS, prstatus, sizeof(prstatus));
	static const char vmci[] = "OSRELEASE=6.1.0\nPAGESIZE=4096\n";
	put_note("VMCOREINFO", 0, vmci, sizeof(vmci) - 1);
}

static uint64_t round4k(uint64_t v) { return (v + 4095) / 4096 * 4096; }

static void test_head(void)
{
	setup();
	uint64_t want_head = round4k(64 + 56 * (1 + P.nr_ranges) + notes_len);
	CHECK_EQ(elfcore_head_size(P.nr_ranges, notes_len), want_head);
	CHECK_EQ(elfcore_head_size(0, 0), 4096);
	CHECK_EQ(elfcore_head_size(72, 0), 8192); /* 64 + 73 * 56 = 4152 */

	size_t cap = 3 * 4096;
	uint8_t *buf = malloc(cap);
	memset(buf, 0xaa, cap); /* garbage: the head must be written in full */
	uint64_t total = 0;
	uint64_t head = elfcore_build(buf, cap, &P, NULL, 0, notes, notes_len, &total);
	CHECK_EQ(head, want_head);

	Elf64_Ehdr eh;
	memcpy(&eh, buf, sizeof(eh));
	CHECK(!memcmp(eh.e_ident, ELFMAG, SELFMAG));
	CHECK_EQ(eh.e_ident[EI_CLASS], ELFCLASS64);
	CHECK_EQ(eh.e_ident[EI_DATA], ELFDATA2LSB);
	CHECK_EQ(eh.e_ident[EI_VERSION], EV_CURRENT);
	CHECK_EQ(eh.e_ident[EI_OSABI], ELFOSABI_SYSV);
	int pad_zero = 1;
	for (int i = EI_PAD; i < EI_NIDENT; i++)
		pad_zero &= eh.e_ident[i] == 0;
	CHECK(pad_zero);
	CHECK_EQ(eh.e_type, ET_CORE);
	CHECK_EQ(eh.e_machine, EM_X86_64);
	CHECK_EQ(eh.e_version, EV_CURRENT);
	CHECK_EQ(eh.e_entry, 0);
	CHECK_EQ(eh.e_phoff, sizeof(Elf64_Ehdr));
	CHECK_EQ(eh.e_shoff, 0);
	CHECK_EQ(eh.e_flags, 0);
	CHECK_EQ(eh.e_ehsize, sizeof(Elf64_Ehdr));
	CHECK_EQ(eh.e_phentsize, sizeof(Elf64_Phdr));
	CHECK_EQ(eh.e_phnum, 1 + P.nr_ranges);
	CHECK_EQ(eh.e_shnum, 0);

	Elf64_Phdr ph[8];
	memcpy(ph, buf + eh.e_phoff, eh.e_phnum * sizeof(Elf64_Phdr));
	uint64_t notes_off = sizeof(Elf64_Ehdr) + eh.e_phnum * sizeof(Elf64_Phdr);
	CHECK_EQ(ph[0].p_type, PT_NOTE);
	CHECK_EQ(ph[0].p_offset, notes_off);
	CHECK_EQ(ph[0].p_filesz, notes_len);
	CHECK_EQ(ph[0].p_memsz, notes_len);
	CHECK_EQ(ph[0].p_vaddr, 0);
	CHECK_EQ(ph[0].p_paddr, 0);
	CHECK(!memcmp(buf + notes_off, notes, notes_len));
	int zero = 1;
	for (uint64_t i = notes_off + notes_len; i < head; i++)
		zero &= buf[i] == 0;
	CHECK(zero); /* padding after the notes */
	int untouched = 1;
	for (uint64_t i = head; i < cap; i++)
		untouched &= buf[i] == 0xaa;
	CHECK(untouched);

	uint64_t off = head;
	for (uint32_t i = 0; i < P.nr_ranges; i++) {
		const Elf64_Phdr *q = &ph[1 + i];
		CHECK_EQ(q->p_type, PT_LOAD);
		CHECK_EQ(q->p_flags, PF_R | PF_W | PF_X);
		CHECK_EQ(q->p_offset, off);
		CHECK_EQ(q->p_offset % 4096, 0);
		CHECK_EQ(q->p_paddr, P.ranges[i].paddr);
		CHECK_EQ(q->p_vaddr, P.ranges[i].vaddr);
		CHECK_EQ(q->p_filesz, P.ranges[i].size);
		CHECK_EQ(q->p_memsz, P.ranges[i].size);
		off += P.ranges[i].size;
	}
	CHECK_EQ(total, ph[P.nr_ranges].p_offset + ph[P.nr_ranges].p_filesz);
	CHECK_EQ(total, head + 0x9f000 + 0x7ee0000 + 0x3000 + 0x2000);

	/* too small by one byte: 0, nothing written */
	memset(buf, 0xaa, cap);
	total = 12345;
	CHECK_EQ(elfcore_build(buf, want_head - 1, &P, NULL, 0, notes, notes_len, &total), 0);
	CHECK_EQ(buf[0], 0xaa);
	CHECK_EQ(total, 12345);
	/* exactly enough */
	CHECK_EQ(elfcore_build(buf, want_head, &P, NULL, 0, notes, notes_len, &total), want_head);
	free(buf);
}

/* No ranges, no notes: a head of one page, PT_NOTE of size 0. */
static void test_empty(void)
{
	memset(&P, 0, sizeof(P));
	uint8_t buf[4096];
	uint64_t total = 1;
	CHECK_EQ(elfcore_build(buf, sizeof(buf), &P, NULL, 0, notes, 0, &total), 4096);
	CHECK_EQ(total, 4096);
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	memcpy(&eh, buf, sizeof(eh));
	memcpy(&ph, buf + sizeof(eh), sizeof(ph));
	CHECK_EQ(eh.e_phnum, 1);
	CHECK_EQ(ph.p_type, PT_NOTE);
	CHECK_EQ(ph.p_filesz, 0);
	CHECK_EQ(elfcore_build(buf, 4095, &P, NULL, 0, notes, 0, &total), 0);
}

/* Many ranges: the program headers run into a second page. */
static void test_many(void)
{
	memset(&P, 0, sizeof(P));
	P.nr_ranges = CC_MAX_RANGES;
	for (uint32_t i = 0; i < CC_MAX_RANGES; i++)
		P.ranges[i] = (struct cc_mem_range){ (uint64_t)i << 24, 4096ull * (i + 1), 0, (uint64_t)i << 24 };
	uint64_t want_head = round4k(64 + 56 * (1 + CC_MAX_RANGES) + 100);
	CHECK_EQ(want_head, 8192);
	uint8_t *buf = malloc(want_head);
	uint64_t total = 0;
	uint8_t blob[100];
	memset(blob, 0x5c, sizeof(blob));
	CHECK_EQ(elfcore_build(buf, want_head, &P, NULL, 0, blob, sizeof(blob), &total), want_head);
	Elf64_Ehdr eh;
	memcpy(&eh, buf, sizeof(eh));
	CHECK_EQ(eh.e_phnum, 1 + CC_MAX_RANGES);
	Elf64_Phdr last;
	memcpy(&last, buf + eh.e_phoff + CC_MAX_RANGES * sizeof(Elf64_Phdr), sizeof(last));
	/* data: sum of 4096 * (i + 1) for i < 128 */
	uint64_t data = 4096ull * CC_MAX_RANGES * (CC_MAX_RANGES + 1) / 2;
	CHECK_EQ(total, want_head + data);
	CHECK_EQ(last.p_offset + last.p_filesz, total);
	CHECK_EQ(last.p_paddr, (uint64_t)(CC_MAX_RANGES - 1) << 24);
	CHECK(!memcmp(buf + 64 + 56 * (1 + CC_MAX_RANGES), blob, sizeof(blob)));
	free(buf);
}

/* A coremap's segments: split ranges, p_filesz < p_memsz, p_filesz 0;
 * p_offset advances by p_filesz only; vaddr 0 stays 0. */
static void test_segments(void)
{
	setup();
	static const struct cm_seg seg[] = {
		{ 0, 0x1000, 0x9f000, 0, 0 },             /* range 0 whole but a zero tail */
		{ 0, 0x2000, 0x300000, 1, 0 },            /* range 1: data, zeros, */
		{ 0x300000, 0, 0x200000, 1, 0 },          /*   all zeros (a run at the start of a split) */
		{ 0x500000, 0x79e0000, 0x79e0000, 1, 0 }, /*   the rest whole */
		{ 0, 0x3000, 0x3000, 2, 0 },              /* range 2 (vaddr 0) */
		{ 0, 0x2000, 0x2000, 3, 0 },              /* the kernel image */
	};
	uint32_t n = sizeof(seg) / sizeof(seg[0]);
	uint8_t buf[8192];
	uint64_t total = 0, head = elfcore_build(buf, sizeof(buf), &P, seg, n, notes, notes_len, &total);
	CHECK_EQ(head, round4k(64 + 56 * (1 + n) + notes_len));
	Elf64_Ehdr eh;
	memcpy(&eh, buf, sizeof(eh));
	CHECK_EQ(eh.e_phnum, 1 + n);
	Elf64_Phdr ph[8];
	memcpy(ph, buf + eh.e_phoff, eh.e_phnum * sizeof(Elf64_Phdr));
	CHECK_EQ(ph[0].p_offset, 64 + 56 * (1 + n));
	uint64_t off = head;
	for (uint32_t i = 0; i < n; i++) {
		const Elf64_Phdr *q = &ph[1 + i];
		const struct cc_mem_range *r = &P.ranges[seg[i].range];
		CHECK_EQ(q->p_type, PT_LOAD);
		CHECK_EQ(q->p_offset, off);
		CHECK_EQ(q->p_paddr, r->paddr + seg[i].off);
		CHECK_EQ(q->p_vaddr, r->vaddr ? r->vaddr + seg[i].off : 0);
		CHECK_EQ(q->p_filesz, seg[i].filesz);
		CHECK_EQ(q->p_memsz, seg[i].memsz);
		off += seg[i].filesz;
	}
	CHECK_EQ(ph[3].p_vaddr, 0xffff888000400000ull);
	CHECK_EQ(ph[5].p_vaddr, 0);
	CHECK_EQ(total, head + 0x1000 + 0x2000 + 0 + 0x79e0000 + 0x3000 + 0x2000);
	CHECK_EQ(total, off);
	/* the limit: how many PT_LOADs a head of cap bytes holds */
	CHECK_EQ(elfcore_max_loads(65536, 0), (65536 - 64 - 56) / 56);
	CHECK_EQ(elfcore_max_loads(65536, 49152), (65536 - 64 - 56 - 49152) / 56);
	CHECK_EQ(elfcore_max_loads(100, 0), 0);
	CHECK(elfcore_head_size(elfcore_max_loads(65536, 1000), 1000) <= 65536);
	CHECK(elfcore_head_size(elfcore_max_loads(65536, 1000) + 1, 1000) > 65536);
}

static void readelf_check(const uint8_t *head, uint64_t hs, uint64_t total, uint32_t nloads);

/* Write a whole (small) core file and let readelf judge it. */
static void test_readelf(void)
{
	if (system("readelf --version >/dev/null 2>&1") != 0) {
		printf("%s: readelf not found, end-to-end check skipped\n", __FILE__);
		return;
	}
	memset(&P, 0, sizeof(P));
	static const struct cc_mem_range r[] = {
		{ 0x1000, 0x3000, 0xffff888000001000ull, 0x1000 },
		{ 0x100000, 0x2000, 0xffff888000100000ull, 0x100000 },
		{ 0x100000000ull, 0x1000, 0, 0x100000000ull },
	};
	P.nr_ranges = 3;
	memcpy(P.ranges, r, sizeof(r));
	memset(notes, 0, sizeof(notes));
	notes_len = 0;
	uint8_t prstatus[336] = { 0 };
	put_note("CORE", NT_PRSTATUS, prstatus, sizeof(prstatus));
	static const char vmci[] = "OSRELEASE=6.1.0\nPAGESIZE=4096\n";
	put_note("VMCOREINFO", 0, vmci, sizeof(vmci) - 1);

	uint8_t head[8192];
	uint64_t total = 0, hs = elfcore_build(head, sizeof(head), &P, NULL, 0, notes, notes_len, &total);
	CHECK(hs != 0);
	/* and the same ranges as a coremap would describe them: zero tails, a
	 * PT_LOAD with no file bytes */
	static const struct cm_seg seg[] = {
		{ 0, 0x1000, 0x2000, 0, 0 }, { 0x2000, 0x1000, 0x1000, 0, 0 },
		{ 0, 0, 0x2000, 1, 0 }, { 0, 0x1000, 0x1000, 2, 0 },
	};
	uint8_t head2[8192];
	uint64_t total2 = 0, hs2 = elfcore_build(head2, sizeof(head2), &P, seg, 4, notes, notes_len, &total2);
	CHECK(hs2 != 0);
	CHECK_EQ(total2, hs2 + 0x3000);
	readelf_check(head2, hs2, total2, 4);
	readelf_check(head, hs, total, P.nr_ranges);
}

/* Write head and total - hs bytes of data, and run readelf on it. */
static void readelf_check(const uint8_t *head, uint64_t hs, uint64_t total, uint32_t nloads)
{
	char path[] = "/tmp/test_elfcore.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		CHECK(fd >= 0);
		return;
	}
	FILE *f = fdopen(fd, "w");
	fwrite(head, 1, hs, f);
	for (uint64_t b = hs; b < total; b++)
		fputc((int)(b & 0xff), f);
	fclose(f);

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "readelf -W -l -n %s 2>&1", path);
	FILE *pp = popen(cmd, "r");
	char line[512];
	int loads = 0, warnings = 0, core = 0, vmcoreinfo = 0, core_file = 0;
	while (pp && fgets(line, sizeof(line), pp)) {
		const char *s = line;
		while (*s == ' ')
			s++;
		if (!strncmp(s, "LOAD", 4))
			loads++;
		if (strstr(line, "Warning") || strstr(line, "Error") || strstr(line, "error"))
			warnings++, fprintf(stderr, "  readelf: %s", line);
		if (strstr(line, "CORE (Core file)"))
			core_file++;
		if (!strncmp(s, "CORE ", 5) && strstr(line, "NT_PRSTATUS"))
			core++;
		if (!strncmp(s, "VMCOREINFO", 10))
			vmcoreinfo++;
	}
	int st = pp ? pclose(pp) : -1;
	CHECK_EQ(st, 0);
	CHECK_EQ(loads, nloads);
	CHECK_EQ(warnings, 0);
	CHECK_EQ(core_file, 1);
	CHECK_EQ(core, 1);
	CHECK_EQ(vmcoreinfo, 1);
	unlink(path);
}

int main(void)
{
	test_head();
	test_empty();
	test_many();
	test_segments();
	test_readelf();
	CHECK_DONE();
}
