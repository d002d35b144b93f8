/* tests/tools/mktarget.c - build a fake crashcap target file for the host
 * tests of `crashcap save` and `crashcap status`.
 *
 *   mktarget FILE --state STATE [--written N] [--total N] [--size N]
 *            [--status N] [--uuid UUID] [--sparse]
 *
 * Writes a sealed header (include/crashcap/dumphdr.h) and N = data_written
 * bytes of test data at CC_DATA_OFFSET.  The first 4 KiB of the data is the
 * head of a raw ELF core as the payload writes it (Elf64_Ehdr, an empty
 * PT_NOTE, one PT_LOAD whose file part is the rest of data_total), so
 * save's checks of the data area pass.  The data is a fixed pseudo-random
 * pattern in which every 4th 4 KiB block (index 1, 5, 9, ...) is all zero,
 * so a sparse copy has holes to leave; the 4 KiB after it are 0xee (stale
 * bytes a save must not copy).  --size sets the file length (default: data
 * offset + total + 4 KiB); data beyond it is dropped, which makes a header
 * that points past the end of its target.  --sparse writes only one data
 * block in every 65536 (256 MiB) and leaves the rest as holes (zeros): a
 * large target made in a moment. */
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/dumphdr.h"
#include "capture/elf.h"
#include "crashcap/status.h"
#include "loader/uuid.h"

#define BLOCK 4096

static const char *const state_names[] = {
	[CC_STATE_EMPTY] = "empty",
	[CC_STATE_IN_PROGRESS] = "in-progress",
	[CC_STATE_COMPLETE] = "complete",
	[CC_STATE_INCOMPLETE] = "incomplete",
	[CC_STATE_SAVED] = "saved",
};

static int parse_u64(const char *s, unsigned long long *v)
{
	char *end;
	*v = strtoull(s, &end, 0);
	return *s && *s != '-' && !*end ? 0 : -1;
}

static int parse_state(const char *s, uint32_t *state)
{
	for (uint32_t i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++)
		if (!strcmp(s, state_names[i])) {
			*state = i;
			return 0;
		}
	return -1;
}

/* Block i of the test data: zero when i % 4 == 1, else xorshift bytes. */
static void fill_block(unsigned char *b, uint64_t index)
{
	uint64_t x = index * 0x9e3779b97f4a7c15ull + 1;
	if (index % 4 == 1) {
		memset(b, 0, BLOCK);
		return;
	}
	for (int i = 0; i < BLOCK; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		b[i] = (unsigned char)x;
	}
	b[0] |= 1; /* never an all-zero block by chance */
}

/* Block 0: the ELF head of a core whose file is total bytes. */
static void elf_head(unsigned char *b, uint64_t total)
{
	Elf64_Ehdr e;
	Elf64_Phdr ph[2];

	memset(b, 0, BLOCK);
	memset(&e, 0, sizeof(e));
	memcpy(e.e_ident, ELFMAG, 4);
	e.e_ident[4] = ELFCLASS64;
	e.e_ident[5] = ELFDATA2LSB;
	e.e_ident[6] = EV_CURRENT;
	e.e_type = ET_CORE;
	e.e_machine = EM_X86_64;
	e.e_version = EV_CURRENT;
	e.e_phoff = sizeof(e);
	e.e_ehsize = sizeof(e);
	e.e_phentsize = sizeof(Elf64_Phdr);
	e.e_phnum = 2;
	memset(ph, 0, sizeof(ph));
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = sizeof(e) + sizeof(ph);
	ph[1].p_type = PT_LOAD;
	ph[1].p_flags = PF_R | PF_W | PF_X;
	ph[1].p_offset = BLOCK;
	ph[1].p_filesz = ph[1].p_memsz = total > BLOCK ? total - BLOCK : 0;
	memcpy(b, &e, sizeof(e));
	memcpy(b + sizeof(e), ph, sizeof(ph));
}

static int write_at(int fd, const void *p, size_t n, uint64_t off)
{
	return pwrite(fd, p, n, (off_t)off) == (ssize_t)n ? 0 : -1;
}

#define SPARSE_EVERY 65536 /* blocks */
static int sparse;

static int write_target(int fd, const struct cc_dump_header *h, uint64_t size)
{
	unsigned char b[BLOCK];

	if (ftruncate(fd, (off_t)size) < 0 || write_at(fd, h, sizeof(*h), 0) < 0)
		return -1;
	for (uint64_t pos = 0; pos < h->data_written; pos += BLOCK) {
		uint64_t n = h->data_written - pos < BLOCK ? h->data_written - pos : BLOCK;
		uint64_t off = h->data_offset + pos;
		if (off >= size)
			break;
		if (sparse && (pos / BLOCK) % SPARSE_EVERY)
			continue;
		if (pos == 0)
			elf_head(b, h->data_total);
		else
			fill_block(b, pos / BLOCK);
		if (write_at(fd, b, size - off < n ? size - off : n, off) < 0)
			return -1;
	}
	uint64_t stale = h->data_offset + h->data_written;
	memset(b, 0xee, BLOCK);
	if (stale < size && write_at(fd, b, size - stale < BLOCK ? size - stale : BLOCK, stale) < 0)
		return -1;
	return fsync(fd);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "written", required_argument, NULL, 'w' },
		{ "total", required_argument, NULL, 't' },
		{ "size", required_argument, NULL, 'z' },
		{ "status", required_argument, NULL, 'x' },
		{ "uuid", required_argument, NULL, 'u' },
		{ "sparse", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct cc_dump_header h;
	unsigned long long written = 0, total = 0, size = 0, status = CC_OK;
	int have_state = 0, have_total = 0, have_status = 0, c;
	char *tmp;

	memset(&h, 0, sizeof(h));
	uuid_parse("c0ffee00-1234-4abc-8def-0123456789ab", h.uuid);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		int bad = 0;
		switch (c) {
		case 's': bad = parse_state(optarg, &h.state); have_state = !bad; break;
		case 'w': bad = parse_u64(optarg, &written); break;
		case 't': bad = parse_u64(optarg, &total); have_total = 1; break;
		case 'z': bad = parse_u64(optarg, &size); break;
		case 'x': bad = parse_u64(optarg, &status); have_status = 1; break;
		case 'u': bad = uuid_parse(optarg, h.uuid); break;
		case 'p': sparse = 1; break;
		default: errx(2, "bad option '%s'", argv[optind - 1]);
		}
		if (bad)
			errx(2, "bad value '%s' for %s", optarg, argv[optind - 1]);
	}
	if (optind != argc - 1 || !have_state)
		errx(2, "usage: mktarget FILE --state STATE [--written N] [--total N] [--size N] [--status N] [--uuid UUID] [--sparse]");

	h.encoding = CC_ENC_ELF;
	h.data_offset = CC_DATA_OFFSET;
	h.data_written = written;
	h.data_total = have_total ? total : written;
	h.status = have_status ? (uint32_t)status : h.state == CC_STATE_INCOMPLETE ? CC_ERR_TARGET_FULL : CC_OK;
	h.target_bytes = size ? size : CC_DATA_OFFSET + h.data_total + BLOCK;
	h.start_time = 1700000000;      /* 2023-11-14 22:13:20 UTC */
	h.end_time = h.start_time + 2;
	h.sector_size = 512;
	h.ram_bytes = h.data_total;
	h.elapsed_ms = 1234;
	dumphdr_seal(&h);

	const char *path = argv[optind];
	if (asprintf(&tmp, "%s.tmp", path) < 0)
		errx(1, "out of memory");
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		err(1, "%s", tmp);
	if (write_target(fd, &h, h.target_bytes) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		warn("%s", path);
		unlink(tmp);
		return 1;
	}
	return 0;
}
