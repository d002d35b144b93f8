/* tests/qemu/patterns.c - known bytes in the crashed kernel's RAM, for the
 * crash drill to find in the vmcore.
 *
 *   patterns [--pages N] [--seed S] [--pipe-pages M] [--pipe-seed P]
 *            [--ready FILE]                                (in the guest, as root)
 *       Anonymous memory: mmap N pages (default 256), fill page i with
 *       pattern(S, i), mlock them, look up each page's frame in
 *       /proc/self/pagemap and print one line per page to stdout:
 *           CCPAT <paddr hex> <seed> <index>
 *       Kernel memory (with M > 0): write pattern(P, i) for i < M into
 *       pipes, one 4096-byte write per page, and never read them: the bytes
 *       sit in pipe buffer pages, at addresses nobody prints; then
 *           CCPIPE <P> <M> <pipes>
 *       Then "CCPAT done <N>", create FILE (if given) and sleep until killed,
 *       so the pages and the pipes stay live until the crash.
 *   patterns --emit SEED INDEX                            (on the host)
 *       write the 4096 bytes of pattern(SEED, INDEX) to stdout.
 *
 * pattern(S, i) is tests/qemu/pattern.h's, shared with vmcore-probe --find
 * (which looks for pages by content).  One static binary serves both sides
 * (drill.mk).
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

#include "pattern.h"

#define PAGE PATTERN_PAGE
#define PAGEMAP_PRESENT (1ull << 63)
#define PAGEMAP_PFN_MASK ((1ull << 55) - 1)  /* bits 0-54 */
#define MAX_PAGES (1u << 20)                  /* 4 GiB: far more than a drill uses */
#define PIPE_BYTES (1u << 20)                 /* asked of F_SETPIPE_SZ: 256 pages a pipe */

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
	pattern_fill(page, seed, index);
	if (fwrite(page, 1, PAGE, stdout) != PAGE || fflush(stdout)) {
		fprintf(stderr, "patterns: writing the page to stdout failed\n");
		return 1;
	}
	return 0;
}

/* The anonymous pages: mmap, fill, mlock, and one "CCPAT paddr seed index"
 * line per page from /proc/self/pagemap.  0, or 1 after one line. */
static int anon_pages(uint64_t npages, uint64_t seed)
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
		pattern_fill(mem + i * PAGE, seed, i);
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
	return 0;
}

/* The kernel-memory pages: pattern(seed, i) for i < npages written into
 * pipes and never read, so each sits in a pipe buffer page (kernel memory:
 * neither page cache nor anonymous, kept at every dump level).  One write
 * of exactly PAGE bytes per page: into an empty pipe slot it fills a fresh
 * buffer page from offset 0 (a write never merges into a full page).  Each
 * pipe is grown to PIPE_BYTES with F_SETPIPE_SZ; O_NONBLOCK, so a full pipe
 * says EAGAIN and the next pipe is opened.  The pipes stay open as long as
 * the process lives; the user buffer is zeroed afterwards, so the bytes are
 * left only in the pipes.  0, or 1 after one line. */
static int pipe_pages(uint64_t npages, uint64_t seed)
{
	static unsigned char page[PAGE];
	uint64_t i = 0, pipes = 0;

	while (i < npages) {
		int fds[2];
		if (pipe2(fds, O_NONBLOCK)) {
			fprintf(stderr, "patterns: pipe %" PRIu64 ": %s\n", pipes, strerror(errno));
			return 1;
		}
		pipes++;
		fcntl(fds[1], F_SETPIPE_SZ, PIPE_BYTES); /* best effort: else 16 pages */
		uint64_t in_this = 0;
		for (; i < npages; i++, in_this++) {
			pattern_fill(page, seed, i);
			ssize_t n = write(fds[1], page, PAGE);
			if (n < 0 && errno == EAGAIN && in_this > 0)
				break; /* full: the next pipe */
			if (n != (ssize_t)PAGE) {
				fprintf(stderr, "patterns: pipe %" PRIu64 ", page %" PRIu64 ": write gave %zd: %s\n",
					pipes - 1, i, n, n < 0 ? strerror(errno) : "short write");
				return 1;
			}
		}
		/* fds stay open (leaked on purpose) until the crash */
	}
	memset(page, 0, sizeof(page));
	char line[80];
	int n = snprintf(line, sizeof(line), "CCPIPE %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", seed, npages,
			 pipes);
	if (write(1, line, (size_t)n) != n) {
		fprintf(stderr, "patterns: write to stdout: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

static int guest(uint64_t npages, uint64_t seed, uint64_t pipe_npages, uint64_t pipe_seed,
		 const char *ready)
{
	if (anon_pages(npages, seed))
		return 1;
	if (pipe_npages && pipe_pages(pipe_npages, pipe_seed))
		return 1;
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
	fprintf(stderr, "usage: patterns [--pages N] [--seed S] [--pipe-pages N] [--pipe-seed S] [--ready FILE]\n"
		"       patterns --emit SEED INDEX\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t npages = 256, seed = 1, pipe_npages = 0, pipe_seed = 2;
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
		} else if (!strcmp(argv[i], "--pipe-pages")) {
			if (parse_u64(argv[++i], &pipe_npages) || pipe_npages > MAX_PAGES)
				return usage();
		} else if (!strcmp(argv[i], "--pipe-seed")) {
			if (parse_u64(argv[++i], &pipe_seed))
				return usage();
		} else if (!strcmp(argv[i], "--ready")) {
			ready = argv[++i];
		} else {
			return usage();
		}
	}
	if (pipe_npages && pipe_seed == seed) {
		fprintf(stderr, "patterns: --pipe-seed must differ from --seed (the host tells the two sets apart by seed)\n");
		return 2;
	}
	return guest(npages, seed, pipe_npages, pipe_seed, ready);
}
