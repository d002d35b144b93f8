/* tests/unit/test_sysinfo.c - loader/sysinfo.c: the sysfs CPU list, and
 * the VMCOREINFO text read from the notes of a /proc/kcore (files written
 * here into a temporary root: the bounds on every size the file gives). */
#include <elf.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/sysinfo.h"
#include "tests/unit/check.h"

struct seen { unsigned n, cpus[16]; };

static int note(unsigned cpu, void *arg)
{
	struct seen *s = arg;
	if (s->n < 16)
		s->cpus[s->n] = cpu;
	s->n++;
	return 0;
}

static char root[] = "/tmp/test_sysinfo.XXXXXX";
static uint8_t notes[8192];
static size_t notes_len;

/* Append one note: header, name (padded to 4), descriptor (padded to 4). */
static void add_note(const char *name, uint32_t namesz, uint32_t type, const void *desc, uint32_t descsz)
{
	Elf64_Nhdr nh = { .n_namesz = namesz, .n_descsz = descsz, .n_type = type };
	memcpy(notes + notes_len, &nh, sizeof(nh));
	notes_len += sizeof(nh);
	memcpy(notes + notes_len, name, namesz);
	notes_len += (namesz + 3) & ~3u;
	if (desc)
		memcpy(notes + notes_len, desc, descsz);
	notes_len += (descsz + 3) & ~3u;
}

/* root/proc/kcore: ELF header, a PT_LOAD, then a PT_NOTE of note_size
 * bytes (as the header says) at offset 4096 holding notes[0, have). */
static void write_kcore(uint64_t note_size, size_t have)
{
	char path[256];
	Elf64_Ehdr eh = { .e_type = ET_CORE, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
			  .e_phoff = sizeof(Elf64_Ehdr), .e_ehsize = sizeof(Elf64_Ehdr),
			  .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 2 };
	Elf64_Phdr ph[2] = {
		{ .p_type = PT_LOAD, .p_offset = 0x10000, .p_vaddr = 0xffff888000000000ull, .p_filesz = 4096 },
		{ .p_type = PT_NOTE, .p_offset = 4096, .p_filesz = note_size },
	};
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	snprintf(path, sizeof(path), "%s/proc/kcore", root);
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(1);
	}
	fwrite(&eh, sizeof(eh), 1, f);
	fwrite(ph, sizeof(ph), 1, f);
	fseek(f, 4096, SEEK_SET);
	fwrite(notes, 1, have, f);
	fclose(f);
}

static void test_kcore_vmcoreinfo(void)
{
	static const char text[] = "OSRELEASE=6.1.0-test\nPAGESIZE=4096\nSYMBOL(mem_section)=ffffffff9b81a3c8\n";
	static uint8_t prstatus[336], prpsinfo[136];
	char path[256], why[512];
	size_t len = 0;
	char *got;

	if (!mkdtemp(root)) {
		perror(root);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/proc", root);
	mkdir(path, 0755);

	/* As the kernel writes it: CORE notes first, then VMCOREINFO (text without a NUL). */
	memset(prstatus, 0xa5, sizeof(prstatus));
	add_note("CORE", 5, NT_PRSTATUS, prstatus, sizeof(prstatus));
	add_note("CORE", 5, NT_PRPSINFO, prpsinfo, sizeof(prpsinfo));
	add_note("VMCOREINFO", 11, 0, text, sizeof(text) - 1);
	write_kcore(notes_len, notes_len);
	got = sysinfo_kcore_vmcoreinfo(root, &len, why, sizeof(why));
	CHECKF(got != NULL, "%s", why);
	CHECK_EQ(len, sizeof(text) - 1);
	CHECK(got && !memcmp(got, text, sizeof(text)));
	free(got);

	/* Bounds: a note that says it is longer than what is left. */
	size_t good = notes_len;
	notes_len = 0;
	add_note("CORE", 5, NT_PRSTATUS, prstatus, sizeof(prstatus));
	Elf64_Nhdr *last = (Elf64_Nhdr *)(notes + notes_len);
	add_note("VMCOREINFO", 11, 0, text, sizeof(text) - 1);
	last->n_descsz = 4096; /* past the PT_NOTE's end */
	write_kcore(notes_len, notes_len);
	CHECK(sysinfo_kcore_vmcoreinfo(root, &len, why, sizeof(why)) == NULL);
	CHECKF(strstr(why, "runs past its end") != NULL, "%s", why);
	last->n_namesz = 0xfffffff0u; /* a name size that would wrap */
	last->n_descsz = sizeof(text) - 1;
	write_kcore(notes_len, notes_len);
	CHECK(sysinfo_kcore_vmcoreinfo(root, &len, why, sizeof(why)) == NULL);
	CHECKF(strstr(why, "runs past its end") != NULL, "%s", why);

	/* The right name without its NUL, or another type: not VMCOREINFO. */
	notes_len = 0;
	add_note("VMCOREINFO", 10, 0, text, sizeof(text) - 1);
	add_note("VMCOREINFO", 11, 1, text, sizeof(text) - 1);
	write_kcore(notes_len, notes_len);
	CHECK(sysinfo_kcore_vmcoreinfo(root, &len, why, sizeof(why)) == NULL);
	CHECKF(strstr(why, "no VMCOREINFO note") != NULL, "%s", why);

	/* An empty note ends the walk, as in a crash_notes buffer. */
	notes_len = 0;
	add_note("", 0, 0, NULL, 0);
	add_note("VMCOREINFO", 11, 0, text, sizeof(text) - 1);
	write_kcore(notes_len, notes_len);
	CHECK(sysinfo_kcore_vmcoreinfo(root, &len, why, sizeof(why)) == NULL);
	CHECKF(strstr(why, "no VMCOREINFO note") != NULL, "%s", why);

	/* An empty or huge VMCOREINFO text. */
	notes_len = 0;
	add_note("VMCOREINFO", 11, 0, NULL, 0);
	write_kcore(notes_len, notes_len);
	CHECK(sysinfo_kcore_vmcoreinfo(root, &len, why, sizeof(why)) == NULL);
	CHECKF(strstr(why, "VMCOREINFO note of 0 bytes") != NULL, "%s", why);

	/* The PT_NOTE: too large to read, or longer than the file. */
	write_kcore(SYSINFO_KCORE_NOTES_MAX + 1ull, 0);
	CHECK(sysinfo_kcore_vmcoreinfo(root, &len, why, sizeof(why)) == NULL);
	CHECKF(strstr(why, "PT_NOTE of 1048577 bytes") != NULL, "%s", why);
	notes_len = good;
	write_kcore(good + 4096, good);
	CHECK(sysinfo_kcore_vmcoreinfo(root, &len, why, sizeof(why)) == NULL);
	CHECKF(strstr(why, "reading its") != NULL, "%s", why);

	/* No /proc/kcore (lockdown=confidentiality, no CONFIG_PROC_KCORE). */
	snprintf(path, sizeof(path), "%s/proc/kcore", root);
	unlink(path);
	CHECK(sysinfo_kcore_vmcoreinfo(root, &len, why, sizeof(why)) == NULL);
	CHECKF(strstr(why, "/proc/kcore: No such file") != NULL, "%s", why);
	snprintf(path, sizeof(path), "%s/proc", root);
	rmdir(path);
	rmdir(root);
}

/* /proc/cpuinfo as x86 Linux writes it (fields trimmed): the APIC IDs in
 * order, the boot CPU's from processor 0 wherever its block is. */
static void test_cpuinfo(void)
{
	struct cc_cpus c;
	char text[] = "processor\t: 1\nvendor_id\t: GenuineIntel\nphysical id\t: 0\napicid\t\t: 2\n"
		      "initial apicid\t: 2\n\nprocessor\t: 0\napicid\t\t: 0\ninitial apicid\t: 0\n\n"
		      "processor\t: 2\napicid\t\t: 6\n\n";
	CHECK_EQ(sysinfo_parse_cpuinfo(text, &c), 0);
	CHECK_EQ(c.nr, 3u);
	CHECK_EQ(c.apic_id[0], 2u);
	CHECK_EQ(c.apic_id[1], 0u);
	CHECK_EQ(c.apic_id[2], 6u);
	CHECK_EQ(c.boot_apic_id, 0u);
	char noboot[] = "processor\t: 1\napicid\t\t: 2\n\n";
	CHECK_EQ(sysinfo_parse_cpuinfo(noboot, &c), -1);
	CHECK_EQ(c.nr, 0u);
	char arm[] = "processor\t: 0\nBogoMIPS\t: 50.00\n\n"; /* no apicid at all */
	CHECK_EQ(sysinfo_parse_cpuinfo(arm, &c), -1);
	char bad[] = "processor\t: 0\napicid\t\t: x\n";
	CHECK_EQ(sysinfo_parse_cpuinfo(bad, &c), -1);
	/* more CPUs than the block holds: the first CC_MAX_CPUS, the boot CPU known */
	static char many[CC_MAX_CPUS * 2 * 40];
	size_t at = 0;
	for (unsigned i = 0; i < CC_MAX_CPUS * 2; i++)
		at += (size_t)snprintf(many + at, sizeof(many) - at, "processor\t: %u\napicid\t\t: %u\n\n", i, 100 + i);
	CHECK_EQ(sysinfo_parse_cpuinfo(many, &c), 0);
	CHECK_EQ(c.nr, (uint32_t)CC_MAX_CPUS);
	CHECK_EQ(c.boot_apic_id, 100u);
	CHECK_EQ(c.apic_id[CC_MAX_CPUS - 1], 100u + CC_MAX_CPUS - 1);
}

int main(void)
{
	struct seen s = { 0, { 0 } };

	CHECK_EQ(sysinfo_cpulist("0-3,6,8-9\n", note, &s), 0);
	CHECK_EQ(s.n, 7);
	CHECK_EQ(s.cpus[3], 3);
	CHECK_EQ(s.cpus[4], 6);
	CHECK_EQ(s.cpus[6], 9);
	s.n = 0;
	CHECK_EQ(sysinfo_cpulist("0", note, &s), 0);
	CHECK_EQ(s.n, 1);
	s.n = 0;
	CHECK_EQ(sysinfo_cpulist("3-1", note, &s), -1);
	CHECK_EQ(sysinfo_cpulist("a", note, &s), -1);
	CHECK_EQ(sysinfo_cpulist("0-", note, &s), -1);
	CHECK_EQ(sysinfo_cpulist("0;1", note, &s), -1);
	test_kcore_vmcoreinfo();
	test_cpuinfo();
	CHECK_DONE();
}
