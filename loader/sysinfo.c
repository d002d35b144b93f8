/* loader/sysinfo.c - see sysinfo.h. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader/sysfile.h"
#include "loader/sysinfo.h"

#define GIB (1ull << 30)
#define TWO_MIB (2ull << 20)
#define KCORE_MAX_PHDRS 4096

int sysinfo_cpulist(const char *text, int (*fn)(unsigned cpu, void *arg), void *arg)
{
	const char *p = text;

	while (*p && *p != '\n') {
		char *end;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;
		if (end == p)
			return -1;
		p = end;
		if (*p == '-') {
			hi = strtoul(++p, &end, 10);
			if (end == p || hi < lo)
				return -1;
			p = end;
		}
		if (hi >= 1u << 20) /* no machine has a million CPUs: a bad file */
			return -1;
		for (unsigned long c = lo; c <= hi; c++)
			if (fn((unsigned)c, arg))
				return 0;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return -1;
	}
	return 0;
}

struct notes_walk {
	const char *root;
	struct crash_notes *cn;
	char *failed_path;
	size_t size;
	int error;
};

static int add_cpu_notes(unsigned cpu, void *arg)
{
	struct notes_walk *w = arg;
	char path[128];
	uint64_t addr, bytes;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/crash_notes", cpu);
	if (sysfile_read_u64(w->root, path, 16, &addr) < 0) {
		if (errno == ENOENT) { /* possible but not present: no notes */
			w->cn->absent++;
			return 0;
		}
		w->error = errno;
		snprintf(w->failed_path, w->size, "%s%s", w->root, path);
		return 1;
	}
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/crash_notes_size", cpu);
	if (sysfile_read_u64(w->root, path, 10, &bytes) < 0 || bytes == 0)
		bytes = SYSINFO_NOTE_BYTES_DEFAULT;
	if (w->cn->n == CC_MAX_NOTE_BUFS) {
		w->cn->dropped++;
		return 0;
	}
	w->cn->buf[w->cn->n++] = (struct cc_note_buf){ .paddr = addr, .size = bytes };
	return 0;
}

int sysinfo_crash_notes(const char *root, struct crash_notes *cn, char *failed_path, size_t size)
{
	struct notes_walk w = { root, cn, failed_path, size, 0 };
	char list[4096];

	memset(cn, 0, sizeof(*cn));
	if (sysfile_read_line(root, "/sys/devices/system/cpu/possible", list, sizeof(list)) < 0) {
		snprintf(failed_path, size, "%s/sys/devices/system/cpu/possible", root);
		return -1;
	}
	if (sysinfo_cpulist(list, add_cpu_notes, &w) < 0) {
		snprintf(failed_path, size, "%s/sys/devices/system/cpu/possible", root);
		errno = EINVAL;
		return -1;
	}
	if (w.error) {
		errno = w.error;
		return -1;
	}
	return 0;
}

int sysinfo_vmcoreinfo(const char *root, uint64_t *paddr, uint64_t *size)
{
	char line[128];
	unsigned long long a, s;

	if (sysfile_read_line(root, "/sys/kernel/vmcoreinfo", line, sizeof(line)) < 0)
		return -1;
	/* "%pa %x" on new kernels (0x-prefixed), "%lx %x" on old ones. */
	if (sscanf(line, "%llx %llx", &a, &s) != 2 || a == 0 || s == 0) {
		errno = EINVAL;
		return -1;
	}
	*paddr = a;
	*size = s;
	return 0;
}

static int read_at(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = pread(fd, buf, len, off);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		errno = EIO;
	return -1;
}

/* Open root/proc/kcore (its name into path) and read its ELF header:
 * the fd, or -1 with a reason in why. */
static int kcore_open(const char *root, char *path, Elf64_Ehdr *eh, char *why, size_t size)
{
	int fd;

	if (sysfile_path(path, SYSFILE_PATH_MAX, root, "/proc/kcore") < 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(why, size, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (read_at(fd, eh, sizeof(*eh), 0) < 0) {
		snprintf(why, size, "%s: reading the ELF header: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    eh->e_phnum == 0 || eh->e_phnum > KCORE_MAX_PHDRS) {
		snprintf(why, size, "%s: not an ELF64 core file with program headers", path);
		close(fd);
		return -1;
	}
	return fd;
}

/* Program header i of the open /proc/kcore at path; why says what failed. */
static int kcore_phdr(int fd, const Elf64_Ehdr *eh, unsigned i, Elf64_Phdr *ph, const char *path, char *why,
		      size_t size)
{
	if (read_at(fd, ph, sizeof(*ph), (off_t)(eh->e_phoff + i * sizeof(*ph))) < 0) {
		snprintf(why, size, "%s: reading program header %u: %s", path, i, strerror(errno));
		return -1;
	}
	return 0;
}

int sysinfo_page_offset(const char *root, uint64_t *page_offset, char *why, size_t size)
{
	char path[SYSFILE_PATH_MAX];
	Elf64_Ehdr eh;
	uint64_t lowest = 0;
	int fd, found = 0;

	if ((fd = kcore_open(root, path, &eh, why, size)) < 0)
		return -1;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		if (kcore_phdr(fd, &eh, i, &ph, path, why, size) < 0)
			goto fail;
		if (ph.p_type != PT_LOAD || ph.p_vaddr < 0x8000000000000000ull)
			continue;
		if (!found || ph.p_vaddr < lowest)
			lowest = ph.p_vaddr;
		found = 1;
	}
	close(fd);
	if (!found) {
		snprintf(why, size, "%s: no kernel PT_LOAD", path);
		return -1;
	}
	/* The direct map is the lowest kernel mapping and starts on a 1 GiB
	 * boundary, also when KASLR moves it (kexec-tools: pud_mask). */
	*page_offset = lowest & ~(GIB - 1);
	return 0;
fail:
	close(fd);
	return -1;
}

int sysinfo_kcore_read_phys(const char *root, uint64_t page_offset, uint64_t paddr, void *buf, size_t len,
			    char *why, size_t size)
{
	char path[SYSFILE_PATH_MAX];
	Elf64_Ehdr eh;
	uint64_t va = page_offset + paddr;
	int fd;

	if (va < page_offset || va + len < va) {
		snprintf(why, size, "physical 0x%llx+%zu: outside the direct map", (unsigned long long)paddr, len);
		return -1;
	}
	if ((fd = kcore_open(root, path, &eh, why, size)) < 0)
		return -1;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		if (kcore_phdr(fd, &eh, i, &ph, path, why, size) < 0)
			break;
		if (ph.p_type != PT_LOAD || va < ph.p_vaddr || va - ph.p_vaddr > ph.p_filesz ||
		    len > ph.p_filesz - (va - ph.p_vaddr))
			continue;
		if (read_at(fd, buf, len, (off_t)(ph.p_offset + (va - ph.p_vaddr))) < 0) {
			snprintf(why, size, "%s: reading physical 0x%llx+%zu: %s", path, (unsigned long long)paddr, len,
				 strerror(errno));
			break;
		}
		close(fd);
		return 0;
	}
	if (!why[0] || !strstr(why, path))
		snprintf(why, size, "%s: no PT_LOAD holds physical 0x%llx+%zu", path, (unsigned long long)paddr, len);
	close(fd);
	return -1;
}

static uint64_t note_pad(uint64_t n) { return (n + 3) & ~3ull; }

/* The VMCOREINFO note's text in the notes buf[0, len): a pointer into buf
 * and its length, or NULL with a reason.  Every size is checked against
 * what is left of buf before it is used. */
static const char *find_vmcoreinfo(const uint8_t *buf, uint64_t len, uint64_t *text_len,
				   const char *path, char *why, size_t size)
{
	static const char name[] = SYSINFO_VMCOREINFO_NOTE; /* with its NUL, as n_namesz counts it */
	uint64_t off = 0;

	while (len - off >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr nh;
		memcpy(&nh, buf + off, sizeof(nh));
		off += sizeof(nh);
		if (nh.n_namesz == 0 && nh.n_descsz == 0)
			break; /* the empty note that ends a note buffer */
		uint64_t name_room = note_pad(nh.n_namesz), desc_room = note_pad(nh.n_descsz);
		if (name_room > len - off || desc_room > len - off - name_room) {
			snprintf(why, size, "%s: a note at byte %llu of the PT_NOTE runs past its end", path,
				 (unsigned long long)(off - sizeof(nh)));
			return NULL;
		}
		if (nh.n_namesz == sizeof(name) && nh.n_type == 0 && !memcmp(buf + off, name, sizeof(name))) {
			if (nh.n_descsz == 0 || nh.n_descsz > SYSINFO_VMCOREINFO_MAX) {
				snprintf(why, size, "%s: VMCOREINFO note of %u bytes (expected 1..%u)", path,
					 nh.n_descsz, SYSINFO_VMCOREINFO_MAX);
				return NULL;
			}
			*text_len = nh.n_descsz;
			return (const char *)buf + off + name_room;
		}
		off += name_room + desc_room;
	}
	snprintf(why, size, "%s: no VMCOREINFO note in its PT_NOTE (kernel before 4.19?)", path);
	return NULL;
}

char *sysinfo_kcore_vmcoreinfo(const char *root, size_t *len, char *why, size_t size)
{
	char path[SYSFILE_PATH_MAX];
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint8_t *notes = NULL;
	char *text = NULL;
	uint64_t text_len = 0;
	int fd, found = 0;

	if ((fd = kcore_open(root, path, &eh, why, size)) < 0)
		return NULL;
	for (unsigned i = 0; i < eh.e_phnum && !found; i++) {
		if (read_at(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) < 0) {
			snprintf(why, size, "%s: reading program header %u: %s", path, i, strerror(errno));
			goto out;
		}
		found = ph.p_type == PT_NOTE;
	}
	if (!found) {
		snprintf(why, size, "%s: no PT_NOTE", path);
		goto out;
	}
	if (ph.p_filesz < sizeof(Elf64_Nhdr) || ph.p_filesz > SYSINFO_KCORE_NOTES_MAX) {
		snprintf(why, size, "%s: PT_NOTE of %llu bytes (expected %zu..%u)", path,
			 (unsigned long long)ph.p_filesz, sizeof(Elf64_Nhdr), SYSINFO_KCORE_NOTES_MAX);
		goto out;
	}
	notes = malloc(ph.p_filesz);
	if (!notes) {
		snprintf(why, size, "out of memory for the %llu bytes of %s's notes", (unsigned long long)ph.p_filesz,
			 path);
		goto out;
	}
	if (read_at(fd, notes, ph.p_filesz, (off_t)ph.p_offset) < 0) {
		snprintf(why, size, "%s: reading its %llu bytes of notes at %llu: %s", path,
			 (unsigned long long)ph.p_filesz, (unsigned long long)ph.p_offset, strerror(errno));
		goto out;
	}
	const char *t = find_vmcoreinfo(notes, ph.p_filesz, &text_len, path, why, size);
	if (!t)
		goto out;
	if (!(text = malloc(text_len + 1))) {
		snprintf(why, size, "out of memory for the VMCOREINFO text");
		goto out;
	}
	memcpy(text, t, text_len);
	text[text_len] = '\0';
	*len = text_len;
out:
	free(notes);
	close(fd);
	return text;
}

int sysinfo_kernel_text(const char *root, uint64_t *text, uint64_t *end, char *why, size_t size)
{
	char path[SYSFILE_PATH_MAX], line[512];
	unsigned long long t = 0, st = 0, e = 0;
	int seen_text = 0, seen_stext = 0;
	FILE *f;

	if (sysfile_path(path, sizeof(path), root, "/proc/kallsyms") < 0 || !(f = fopen(path, "re"))) {
		snprintf(why, size, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long a;
		char type, name[256];
		if (sscanf(line, "%llx %c %255s", &a, &type, name) != 3)
			continue;
		if (!strcmp(name, "_text")) {
			t = a;
			seen_text = 1;
		} else if (!strcmp(name, "_stext")) {
			st = a;
			seen_stext = 1;
		} else if (!strcmp(name, "_end")) {
			e = a;
		}
		if (seen_text && seen_stext && e)
			break;
	}
	fclose(f);
	if (!seen_text && !seen_stext) {
		snprintf(why, size, "%s: no _text or _stext symbol", path);
		return -1;
	}
	if (!seen_text)
		t = st & ~(TWO_MIB - 1); /* the kernel image starts 2 MiB aligned */
	if (t < SYSINFO_START_KERNEL_MAP) {
		snprintf(why, size, "%s: addresses hidden (kernel.kptr_restrict, or not root)", path);
		return -1;
	}
	*text = t;
	*end = e > t ? e : 0;
	return 0;
}

uint64_t sysinfo_rsdp(const char *root)
{
	size_t len;
	char *text = sysfile_read_all(root, "/sys/firmware/efi/systab", &len);
	uint64_t acpi20 = 0, acpi = 0;

	if (!text)
		return 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strncmp(line, "ACPI20=", 7))
			acpi20 = strtoull(line + 7, NULL, 0);
		else if (!strncmp(line, "ACPI=", 5))
			acpi = strtoull(line + 5, NULL, 0);
	}
	free(text);
	return acpi20 ? acpi20 : acpi;
}

/* One "key<tabs>: value" line of /proc/cpuinfo: the value if the key is
 * KEY, else NULL. */
static const char *cpuinfo_value(const char *line, const char *key)
{
	size_t n = strlen(key);
	if (strncmp(line, key, n))
		return NULL;
	line += n;
	while (*line == ' ' || *line == '\t')
		line++;
	return *line == ':' ? line + 1 : NULL;
}

int sysinfo_parse_cpuinfo(char *text, struct cc_cpus *cpus)
{
	long processor = -1;
	int boot_seen = 0;
	memset(cpus, 0, sizeof(*cpus));
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		const char *v;
		char *end;
		if ((v = cpuinfo_value(line, "processor"))) {
			processor = strtol(v, &end, 10);
			if (end == v || processor < 0)
				return -1;
		} else if ((v = cpuinfo_value(line, "apicid"))) {
			unsigned long id = strtoul(v, &end, 10);
			if (end == v || processor < 0 || id > UINT32_MAX)
				return -1;
			if (processor == 0) {
				cpus->boot_apic_id = (uint32_t)id;
				boot_seen = 1;
			}
			if (cpus->nr < CC_MAX_CPUS)
				cpus->apic_id[cpus->nr++] = (uint32_t)id;
			processor = -1; /* one apicid per processor block */
		}
	}
	if (!boot_seen) { /* no boot CPU known: no CPU may be started */
		memset(cpus, 0, sizeof(*cpus));
		return -1;
	}
	return 0;
}

int sysinfo_cpus(const char *root, struct cc_cpus *cpus)
{
	size_t len;
	char *text = sysfile_read_all(root, "/proc/cpuinfo", &len);
	memset(cpus, 0, sizeof(*cpus));
	if (!text)
		return -1;
	int r = sysinfo_parse_cpuinfo(text, cpus);
	free(text);
	return r;
}
