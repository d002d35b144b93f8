/* tests/unit/test_sha256.c - purgatory/sha256.c and purgatory/verify.c on
 * the host.
 *
 *  1. FIPS 180-4 / NIST example vectors, in one call and byte by byte.
 *  2. Agreement with sha256sum(1) on pseudo-random buffers of every length
 *     0..300 and some large ones, each also hashed in pieces split at
 *     random boundaries.
 *  3. purg_hash_regions(): any split of a buffer into up to 16 regions
 *     (with empty slots) hashes like the whole buffer and like sha256sum.
 *  4. purg_ranges_overlap() and purg_digest_equal() edge cases.
 *
 * Checks from tests/unit/check.h; each failure also says which case.  The
 * pseudo-random data comes from a fixed seed (TEST_SHA256_SEED overrides),
 * so a failure can be repeated exactly.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "purgatory/sha256.h"
#include "purgatory/verify.h"
#include "tests/unit/check.h"

/* ---- helpers -------------------------------------------------------------------- */

static uint64_t rng_state;

/* xorshift64*: deterministic, good enough for test data. */
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static void fill_random(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(rng() >> 56);
}

static void to_hex(const uint8_t d[SHA256_DIGEST_SIZE], char out[2 * SHA256_DIGEST_SIZE + 1])
{
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* Hash p[0..n) with updates of random sizes (including 0). */
static void sha256_split(const uint8_t *p, size_t n, uint8_t out[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx c;
	size_t off = 0;

	sha256_init(&c);
	while (off < n) {
		size_t left = n - off;
		/* Mostly small pieces, sometimes a big one, sometimes empty. */
		size_t piece = rng() % 8 == 0 ? rng() % (left + 1) : rng() % 130;
		if (piece > left)
			piece = left;
		sha256_update(&c, p + off, piece);
		off += piece;
	}
	sha256_update(&c, p, 0);
	sha256_final(&c, out);
}

/* ---- 1. FIPS vectors ------------------------------------------------------------ */

struct vector {
	const char *msg;
	size_t repeat; /* msg is repeated this many times */
	const char *hex;
};

static const struct vector vectors[] = {
	{ "", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	/* 448 bits: the padding needs a second block */
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	/* 896 bits */
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 1,
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	/* one million 'a' */
	{ "a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
};

static void test_vectors(void)
{
	for (size_t v = 0; v < sizeof(vectors) / sizeof(vectors[0]); v++) {
		const struct vector *t = &vectors[v];
		size_t mlen = strlen(t->msg), n = mlen * t->repeat;
		uint8_t *buf = malloc(n + 1);
		uint8_t d[SHA256_DIGEST_SIZE];
		char hex[2 * SHA256_DIGEST_SIZE + 1];
		struct sha256_ctx c;

		for (size_t i = 0; i < t->repeat; i++)
			memcpy(buf + i * mlen, t->msg, mlen);

		sha256(buf, n, d);
		to_hex(d, hex);
		CHECKF(strcmp(hex, t->hex) == 0, "vector %zu (%zu bytes) one call: got %s want %s", v, n, hex, t->hex);

		sha256_init(&c);
		for (size_t i = 0; i < n; i++)
			sha256_update(&c, buf + i, 1);
		sha256_final(&c, d);
		to_hex(d, hex);
		CHECKF(strcmp(hex, t->hex) == 0, "vector %zu byte by byte: got %s want %s", v, hex, t->hex);

		sha256_split(buf, n, d);
		to_hex(d, hex);
		CHECKF(strcmp(hex, t->hex) == 0, "vector %zu random split: got %s want %s", v, hex, t->hex);
		free(buf);
	}
}

/* ---- 2./3. against sha256sum ---------------------------------------------------------- */

struct sample {
	size_t len;
	uint8_t *data;
	char path[320];
	char ours[2 * SHA256_DIGEST_SIZE + 1];
};

static char tmpdir[256];

static void write_file(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "test_sha256: cannot write %s: %s\n", path, strerror(errno));
		exit(2);
	}
}

/* Runs sha256sum once over every sample file and compares line by line. */
static void compare_with_sha256sum(struct sample *s, size_t n)
{
	char listpath[320];
	char cmd[400];
	FILE *list, *p;
	char line[8192];
	size_t got = 0;

	snprintf(listpath, sizeof(listpath), "%s/list", tmpdir);
	list = fopen(listpath, "w");
	if (!list) {
		fprintf(stderr, "test_sha256: cannot write %s\n", listpath);
		exit(2);
	}
	for (size_t i = 0; i < n; i++)
		fprintf(list, "%s\n", s[i].path);
	fclose(list);

	/* File names are ours (no spaces); xargs keeps the order. */
	snprintf(cmd, sizeof(cmd), "xargs sha256sum -b < '%s'", listpath);
	p = popen(cmd, "r");
	if (!p) {
		fprintf(stderr, "test_sha256: cannot run sha256sum\n");
		exit(2);
	}
	while (fgets(line, sizeof(line), p)) {
		char theirs[2 * SHA256_DIGEST_SIZE + 1];
		if (got >= n || sscanf(line, "%64s", theirs) != 1) {
			CHECKF(0, "unexpected sha256sum output: %s", line);
			break;
		}
		CHECKF(strcmp(theirs, s[got].ours) == 0, "%zu bytes (%s): ours %s, sha256sum %s",
		      s[got].len, s[got].path, s[got].ours, theirs);
		got++;
	}
	CHECKF(pclose(p) == 0, "sha256sum failed");
	CHECKF(got == n, "sha256sum printed %zu lines for %zu files", got, n);
}

static const size_t large_lens[] = {
	511, 512, 513, 1000, 4095, 4096, 4097, 65536 + 13, 1u << 20, (1u << 20) + 7, 3 * (1u << 20) + 55,
};
#define NR_SMALL 301 /* lengths 0..300 */
#define NR_LARGE (sizeof(large_lens) / sizeof(large_lens[0]))
#define NR_REGION_CASES 40

static void test_against_sha256sum(void)
{
	size_t n = NR_SMALL + NR_LARGE + NR_REGION_CASES;
	struct sample *s = calloc(n, sizeof(*s));

	for (size_t i = 0; i < NR_SMALL + NR_LARGE; i++) {
		uint8_t d[SHA256_DIGEST_SIZE], d2[SHA256_DIGEST_SIZE];

		s[i].len = i < NR_SMALL ? i : large_lens[i - NR_SMALL];
		s[i].data = malloc(s[i].len + 1);
		fill_random(s[i].data, s[i].len);
		snprintf(s[i].path, sizeof(s[i].path), "%s/buf-%zu", tmpdir, i);
		write_file(s[i].path, s[i].data, s[i].len);

		sha256(s[i].data, s[i].len, d);
		to_hex(d, s[i].ours);
		for (int k = 0; k < 3; k++) {
			sha256_split(s[i].data, s[i].len, d2);
			CHECKF(memcmp(d, d2, sizeof(d)) == 0, "%zu bytes: split update differs from one call", s[i].len);
		}
	}

	/* 3. Regions: a random buffer cut into up to 16 slots, some empty,
	 * in order; the concatenation goes to sha256sum too. */
	for (size_t k = 0; k < NR_REGION_CASES; k++) {
		size_t i = NR_SMALL + NR_LARGE + k;
		size_t len = k < NR_REGION_CASES / 2 ? rng() % 5000 : 100000 + rng() % 300000;
		struct cc_sha_region r[CC_PURG_MAX_REGIONS];
		uint8_t whole[SHA256_DIGEST_SIZE], regions[SHA256_DIGEST_SIZE];
		unsigned used = 1 + (unsigned)(rng() % CC_PURG_MAX_REGIONS);
		size_t off = 0;
		uint64_t total;

		s[i].len = len;
		s[i].data = malloc(len + 1);
		fill_random(s[i].data, len);
		snprintf(s[i].path, sizeof(s[i].path), "%s/regions-%zu", tmpdir, k);
		write_file(s[i].path, s[i].data, len);

		memset(r, 0, sizeof(r));
		for (unsigned j = 0; j < used; j++) {
			size_t left = len - off;
			size_t piece = j == used - 1 ? left : (rng() % 4 == 0 ? 0 : rng() % (left + 1));
			r[j].start = (uint64_t)(uintptr_t)(s[i].data + off);
			r[j].len = piece;
			off += piece;
		}
		/* Unused slots after the last one get a bogus start and len 0:
		 * they must be skipped, not read. */
		for (unsigned j = used; j < CC_PURG_MAX_REGIONS; j++)
			r[j].start = 0xdead0000u + j;

		sha256(s[i].data, len, whole);
		total = purg_hash_regions(r, CC_PURG_MAX_REGIONS, regions);
		CHECKF(total == len, "regions case %zu: hashed %llu bytes of %zu", k, (unsigned long long)total, len);
		CHECKF(memcmp(whole, regions, sizeof(whole)) == 0,
		      "regions case %zu: %u slots over %zu bytes differ from the whole buffer", k, used, len);
		to_hex(regions, s[i].ours);
	}

	compare_with_sha256sum(s, n);

	for (size_t i = 0; i < n; i++) {
		unlink(s[i].path);
		free(s[i].data);
	}
	free(s);
}

/* ---- 3b. region order and empty sets ------------------------------------------------ */

static void test_regions_misc(void)
{
	static const uint8_t a[] = "first part, ", b[] = "second part";
	uint8_t ab[sizeof(a) - 1 + sizeof(b) - 1];
	uint8_t d1[SHA256_DIGEST_SIZE], d2[SHA256_DIGEST_SIZE];
	struct cc_sha_region r[CC_PURG_MAX_REGIONS];

	memcpy(ab, a, sizeof(a) - 1);
	memcpy(ab + sizeof(a) - 1, b, sizeof(b) - 1);
	sha256(ab, sizeof(ab), d1);

	/* Slots 3 and 9 used, everything else empty: order is slot order. */
	memset(r, 0, sizeof(r));
	r[3] = (struct cc_sha_region){ (uintptr_t)a, sizeof(a) - 1 };
	r[9] = (struct cc_sha_region){ (uintptr_t)b, sizeof(b) - 1 };
	purg_hash_regions(r, CC_PURG_MAX_REGIONS, d2);
	CHECKF(memcmp(d1, d2, sizeof(d1)) == 0, "two sparse slots differ from the concatenation");

	/* Swapped slots give a different digest: order matters. */
	r[3] = (struct cc_sha_region){ (uintptr_t)b, sizeof(b) - 1 };
	r[9] = (struct cc_sha_region){ (uintptr_t)a, sizeof(a) - 1 };
	purg_hash_regions(r, CC_PURG_MAX_REGIONS, d2);
	CHECKF(memcmp(d1, d2, sizeof(d1)) != 0, "swapped regions hash the same");

	/* No regions: the digest of the empty message. */
	memset(r, 0, sizeof(r));
	CHECKF(purg_hash_regions(r, CC_PURG_MAX_REGIONS, d2) == 0, "empty set hashed bytes");
	sha256("", 0, d1);
	CHECKF(memcmp(d1, d2, sizeof(d1)) == 0, "empty set is not the empty-message digest");
}

/* ---- 4. small helpers ------------------------------------------------------------------ */

static void test_helpers(void)
{
	uint8_t x[SHA256_DIGEST_SIZE], y[SHA256_DIGEST_SIZE];

	fill_random(x, sizeof(x));
	memcpy(y, x, sizeof(x));
	CHECKF(purg_digest_equal(x, y), "equal digests compare unequal");
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
		y[i] ^= 0x80;
		CHECKF(!purg_digest_equal(x, y), "digests differing in byte %d compare equal", i);
		y[i] ^= 0x80;
	}

	CHECKF(!purg_ranges_overlap(0, 10, 10, 10), "adjacent ranges overlap");
	CHECKF(!purg_ranges_overlap(10, 10, 0, 10), "adjacent ranges overlap (swapped)");
	CHECKF(purg_ranges_overlap(0, 11, 10, 10), "one shared byte not seen");
	CHECKF(purg_ranges_overlap(10, 10, 0, 11), "one shared byte not seen (swapped)");
	CHECKF(purg_ranges_overlap(0, 100, 10, 1), "contained range not seen");
	CHECKF(purg_ranges_overlap(10, 1, 0, 100), "containing range not seen");
	CHECKF(purg_ranges_overlap(5, 1, 5, 1), "identical ranges not seen");
	CHECKF(!purg_ranges_overlap(5, 0, 0, 100), "empty range overlaps");
	CHECKF(!purg_ranges_overlap(0, 100, 5, 0), "empty range overlaps (swapped)");
	CHECKF(purg_ranges_overlap(UINT64_MAX - 9, 10, UINT64_MAX, 1), "top of the address space");
	CHECKF(!purg_ranges_overlap(UINT64_MAX - 9, 9, UINT64_MAX, 1), "top of the address space, adjacent");
	CHECKF(purg_ranges_overlap(0, UINT64_MAX, UINT64_MAX - 1, 1), "huge range");
}

int main(void)
{
	const char *seed = getenv("TEST_SHA256_SEED");
	const char *base = getenv("TMPDIR");
	char listpath[320];

	rng_state = seed ? strtoull(seed, NULL, 0) : 0x5eed5eed12345678ull;
	if (!rng_state)
		rng_state = 1;
	if (!base || !*base || strlen(base) > 200)
		base = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_sha256.XXXXXX", base);
	if (!mkdtemp(tmpdir)) {
		fprintf(stderr, "test_sha256: mkdtemp %s: %s\n", tmpdir, strerror(errno));
		return 2;
	}
	if (seed)
		printf("test_sha256: seed %s\n", seed);

	test_vectors();
	test_against_sha256sum();
	test_regions_misc();
	test_helpers();

	snprintf(listpath, sizeof(listpath), "%s/list", tmpdir);
	unlink(listpath);
	rmdir(tmpdir);
	CHECK_DONE();
}
