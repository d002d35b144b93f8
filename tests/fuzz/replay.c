/* tests/fuzz/replay.c - run a libFuzzer harness over files without
 * libFuzzer: `replay_NAME FILE|DIR...` feeds each file (every file of a
 * directory) to LLVMFuzzerTestOneInput once.  Built with gcc and its
 * address and undefined-behaviour sanitizers, so tests/run replays the
 * seed corpus on any machine that builds crashcap (tests/host/fuzz_test.sh);
 * the harness aborts on a broken invariant, the sanitizers on a bad access.
 * Prints the number of inputs; exits 0 if all ran. */
#include <dirent.h>
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long runs;

static void one(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		err(1, "%s", path);
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	if (!buf)
		errx(1, "out of memory");
	for (;;) {
		if (n == cap && !(buf = realloc(buf, cap *= 2)))
			errx(1, "out of memory");
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (!got)
			break;
	}
	if (ferror(f))
		err(1, "%s", path);
	fclose(f);
	/* an exact-size copy, so the sanitizer sees any read past the input */
	uint8_t *exact = malloc(n ? n : 1);
	if (!exact)
		errx(1, "out of memory");
	memcpy(exact, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	runs++;
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

int main(int argc, char **argv)
{
	if (argc < 2)
		errx(2, "usage: replay FILE|DIR...");
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0)
			err(1, "%s", argv[i]);
		if (!S_ISDIR(st.st_mode)) {
			one(argv[i]);
			continue;
		}
		struct dirent **ents;
		int n = scandir(argv[i], &ents, NULL, by_name);
		if (n < 0)
			err(1, "%s", argv[i]);
		for (int j = 0; j < n; j++) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", argv[i], ents[j]->d_name);
			if (ents[j]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode))
				one(path);
			free(ents[j]);
		}
		free(ents);
	}
	printf("%lu inputs replayed\n", runs);
	return 0;
}
