/* tests/qemu/workload.c - the "used guest" workload of the crash drill and
 * the benchmark (tests/qemu/init, tests/qemu/bench-init.sh): memory that a
 * machine which has run for a while has, filled with random bytes so that
 * neither zero-page elision nor a compressor can make it small.
 *
 *   workload --anon MIB --free MIB [--seed S] [--ready FILE]   (in the guest)
 *       1. anonymous memory: mmap MIB MiB (private, anonymous), write
 *          random bytes to every page and keep it (user data, left out
 *          from dump level 8 on);
 *       2. then free memory: mmap --free MIB, write random bytes, munmap
 *          (the frames go back to the page allocator holding random bytes:
 *          free pages, left out from level 16 on, but not zero pages).
 *       Prints "CCWORK anon MIB free MIB", creates FILE (if given) and
 *       sleeps until killed, so the anonymous memory stays until the crash.
 *       The page cache part is the caller's: it reads a file of random
 *       bytes from a real filesystem (docs/drill.md, "The used guest").
 *
 * The bytes are a xorshift64* stream (seeded by S, default 1): random
 * enough for LZ4 (it finds no matches) and fast under QEMU's TCG.
 * Exit status: 1 failed (one line on stderr says why), 2 usage.  Never
 * returns on success. */
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

#define MIB (1u << 20)
#define MAX_MIB (1u << 20) /* 1 TiB: a bound on the argument, not a guest */

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

/* Random bytes into every word of [p, p + len): len a multiple of 8. */
static void fill_random(uint64_t *p, size_t len, uint64_t *state)
{
	uint64_t s = *state;
	for (size_t i = 0; i < len / 8; i++) {
		s ^= s >> 12;
		s ^= s << 25;
		s ^= s >> 27;
		p[i] = s * 0x2545f4914f6cdd1dull;
	}
	*state = s;
}

/* mmap mib MiB of anonymous memory and fill it: the mapping, or NULL after
 * one line on stderr. */
static void *filled(uint64_t mib, const char *what, uint64_t *state)
{
	size_t len = (size_t)mib * MIB;
	void *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		fprintf(stderr, "workload: mmap of %" PRIu64 " MiB (%s): %s\n", mib, what, strerror(errno));
		return NULL;
	}
	fill_random(mem, len, state);
	return mem;
}

static int usage(void)
{
	fprintf(stderr, "usage: workload --anon MIB --free MIB [--seed S] [--ready FILE]\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t anon = 0, freed = 0, seed = 1;
	const char *ready = NULL;
	int have_anon = 0, have_free = 0;

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			return usage();
		if (!strcmp(argv[i], "--anon")) {
			if (parse_u64(argv[++i], &anon) || anon > MAX_MIB)
				return usage();
			have_anon = 1;
		} else if (!strcmp(argv[i], "--free")) {
			if (parse_u64(argv[++i], &freed) || freed > MAX_MIB)
				return usage();
			have_free = 1;
		} else if (!strcmp(argv[i], "--seed")) {
			if (parse_u64(argv[++i], &seed))
				return usage();
		} else if (!strcmp(argv[i], "--ready")) {
			ready = argv[++i];
		} else {
			return usage();
		}
	}
	if (!have_anon || !have_free)
		return usage();

	uint64_t state = seed ? seed : 1;
	if (anon && !filled(anon, "anonymous", &state))
		return 1;
	if (freed) {
		void *mem = filled(freed, "to free", &state);
		if (!mem)
			return 1;
		if (munmap(mem, (size_t)freed * MIB)) {
			fprintf(stderr, "workload: munmap: %s\n", strerror(errno));
			return 1;
		}
	}
	char line[80];
	int n = snprintf(line, sizeof(line), "CCWORK anon %" PRIu64 " free %" PRIu64 "\n", anon, freed);
	if (write(1, line, (size_t)n) != n)
		return 1;
	if (ready) {
		int r = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (r < 0) {
			fprintf(stderr, "workload: %s: %s\n", ready, strerror(errno));
			return 1;
		}
		close(r);
	}
	for (;;)
		pause();
}
