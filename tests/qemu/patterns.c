/* tests/qemu/patterns.c - known bytes at known physical addresses, for the
 * crash drill to find in the vmcore.
 *
 *   patterns [--pages N] [--seed S] [--ready FILE]        (in the guest, as root)
 *       mmap N pages (default 256), fill page i with pattern(S, i), mlock
 *       them, look up each page's frame in /proc/self/pagemap and print one
 *       line per page to stdout:
 *           CCPAT <paddr hex> <seed> <index>
 *       then "CCPAT done <N>", create FILE (if given) and sleep until killed,
 *       so the pages stay live until the crash.
 *   patterns --emit SEED INDEX                            (on the host)
 *       write the 4096 bytes of pattern(SEED, INDEX) to stdout.
 *
 * pattern(S, i): bytes 0-7 "CCPATTRN", 8-15 S, 16-23 i (little endian), the
 * rest a xorshift64* stream seeded by splitmix64(S ^ i * golden ratio).  The
 * header makes a misplaced page recognisable in a hex dump; the stream makes
 * every page different.  One static binary serves both sides (drill.mk).
 *
 * Exit status: 0 (--emit), 1 failed (one line on stderr says why), 2 usage.
 * The guest mode never returns on success. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096u
#define PAGEMAP_PRESENT (1ull << 63)
#define PAGEMAP_PFN_MASK ((1ull << 55) - 1)  /* bits 0-54 */
#define MAX_PAGES (1u << 20)                  /* 4 GiB: far more than a drill uses */

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static void fill_page(unsigned char *p, uint64_t seed, uint64_t index)
{
	uint64_t s = splitmix64(seed ^ (index * 0x9e3779b97f4a7c15ull));
	if (!s)
		s = 1;  /* xorshift never leaves 0 */
	memcpy(p, "CCPATTRN", 8);
	for (int b = 0; b < 8; b++) {
		p[8 + b] = (unsigned char)(seed >> (8 * b));
		p[16 + b] = (unsigned char)(index >> (8 * b));
	}
	for (unsigned off = 24; off < PAGE; off += 8) {
		s ^= s >> 12;
		s ^= s << 25;
		s ^= s >> 27;
		uint64_t v = s * 0x2545f4914f6cdd1dull;
		for (int b = 0; b < 8; b++)
			p[off + b] = (unsigned char)(v >> (8 * b));
	}
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		return -1;
	*out = v;
	return 0;
}

static int emit(uint64_t seed, uint64_t index)
{
	unsigned char page[PAGE];
	fill_page(page, seed, index);
	if (fwrite(page, 1, PAGE, stdout) != PAGE || fflush(stdout)) {
		fprintf(stderr, "patterns: writing the page to stdout failed\n");
		return 1;
	}
	return 0;
}

static int guest(uint64_t npages, uint64_t seed, const char *ready)
{
	size_t len = (size_t)npages * PAGE;
	unsigned char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED) {
		fprintf(stderr, "patterns: mmap of %" PRIu64 " pages: %s\n", npages, strerror(errno));
		return 1;
	}
	/* khugepaged would copy the pages into a huge page: new frames. */
	madvise(mem, len, MADV_NOHUGEPAGE);
	for (uint64_t i = 0; i < npages; i++)
		fill_page(mem + i * PAGE, seed, i);
	if (mlock(mem, len)) {
		fprintf(stderr, "patterns: mlock: %s\n", strerror(errno));
		return 1;
	}

	int fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "patterns: /proc/self/pagemap: %s\n", strerror(errno));
		return 1;
	}
	for (uint64_t i = 0; i < npages; i++) {
		uint64_t entry;
		off_t off = (off_t)(((uintptr_t)mem / PAGE + i) * sizeof(entry));
		if (pread(fd, &entry, sizeof(entry), off) != sizeof(entry)) {
			fprintf(stderr, "patterns: reading pagemap for page %" PRIu64 ": %s\n", i,
				strerror(errno));
			return 1;
		}
		uint64_t pfn = entry & PAGEMAP_PFN_MASK;
		if (!(entry & PAGEMAP_PRESENT) || !pfn) {
			fprintf(stderr, "patterns: page %" PRIu64 " has no frame in pagemap "
				"(entry %#" PRIx64 "; not root?)\n", i, entry);
			return 1;
		}
		/* One write per line: kernel messages may share the console. */
		char line[80];
		int n = snprintf(line, sizeof(line), "CCPAT %" PRIx64 " %" PRIu64 " %" PRIu64 "\n",
				 pfn * PAGE, seed, i);
		if (write(1, line, (size_t)n) != n) {
			fprintf(stderr, "patterns: write to stdout: %s\n", strerror(errno));
			return 1;
		}
	}
	close(fd);
	char done[48];
	int n = snprintf(done, sizeof(done), "CCPAT done %" PRIu64 "\n", npages);
	if (write(1, done, (size_t)n) != n)
		return 1;
	if (ready) {
		int r = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (r < 0) {
			fprintf(stderr, "patterns: %s: %s\n", ready, strerror(errno));
			return 1;
		}
		close(r);
	}
	for (;;)
		pause();
}

static int usage(void)
{
	fprintf(stderr, "usage: patterns [--pages N] [--seed S] [--ready FILE] | patterns --emit SEED INDEX\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t npages = 256, seed = 1;
	const char *ready = NULL;

	if (argc == 4 && !strcmp(argv[1], "--emit")) {
		uint64_t index;
		if (parse_u64(argv[2], &seed) || parse_u64(argv[3], &index))
			return usage();
		return emit(seed, index);
	}
	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			return usage();
		if (!strcmp(argv[i], "--pages")) {
			if (parse_u64(argv[++i], &npages) || !npages || npages > MAX_PAGES)
				return usage();
		} else if (!strcmp(argv[i], "--seed")) {
			if (parse_u64(argv[++i], &seed))
				return usage();
		} else if (!strcmp(argv[i], "--ready")) {
			ready = argv[++i];
		} else {
			return usage();
		}
	}
	return guest(npages, seed, ready);
}
