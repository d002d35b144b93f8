/* tests/unit/check.h - the unit-test checks.  A failed check prints one
 * line "file:line: ..." on stderr and the test goes on; CHECK_DONE() ends
 * main: exit 1 if any check failed, else 0 after a one-line summary. */
#ifndef TESTS_UNIT_CHECK_H
#define TESTS_UNIT_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_count, check_failed;

#define CHECK(cond) do { \
	check_count++; \
	if (!(cond)) { \
		check_failed++; \
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

/* CHECK, plus a printf-style note (which case, the actual values). */
#define CHECKF(cond, ...) do { \
	int checkf_ok_ = !!(cond); /* evaluated once */ \
	check_count++; \
	if (!checkf_ok_) { \
		check_failed++; \
		fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
	} \
} while (0)

/* Integers of any width up to 64 bits, compared as unsigned long long. */
#define CHECK_EQ(a, b) do { \
	unsigned long long check_a_ = (unsigned long long)(a), check_b_ = (unsigned long long)(b); \
	check_count++; \
	if (check_a_ != check_b_) { \
		check_failed++; \
		fprintf(stderr, "%s:%d: CHECK_EQ(%s, %s) failed: 0x%llx != 0x%llx\n", \
			__FILE__, __LINE__, #a, #b, check_a_, check_b_); \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *check_a_ = (a), *check_b_ = (b); \
	check_count++; \
	if (strcmp(check_a_, check_b_)) { \
		check_failed++; \
		fprintf(stderr, "%s:%d: CHECK_STR(%s, %s) failed: \"%s\" != \"%s\"\n", \
			__FILE__, __LINE__, #a, #b, check_a_, check_b_); \
	} \
} while (0)

#define CHECK_DONE() do { \
	if (check_failed) { \
		fprintf(stderr, "%s: %d of %d checks failed\n", __FILE__, check_failed, check_count); \
		return 1; \
	} \
	printf("%s: %d checks ok\n", __FILE__, check_count); \
	return 0; \
} while (0)

#endif
