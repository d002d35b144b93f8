/* loader/sparse_copy.c - see sparse_copy.h. */
#include <errno.h>
#include <err.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader/progress.h"
#include "loader/sparse_copy.h"

#define CHUNK (4u << 20) /* bytes read from the target at a time */

static int block_is_zero(const unsigned char *p, size_t n)
{
	/* p[0] == 0 and every byte equals its successor */
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

/* Write the non-zero runs of buf (len bytes, file offset pos); on failure
 * *at is the byte of the file that could not be written. */
static int write_nonzero_runs(int fd, const unsigned char *buf, size_t len, uint64_t pos, uint64_t *at)
{
	size_t i = 0;
	while (i < len) {
		size_t blk = len - i < SPARSE_BLOCK ? len - i : SPARSE_BLOCK;
		if (block_is_zero(buf + i, blk)) {
			i += blk;
			continue;
		}
		size_t run = i; /* extend over following non-zero blocks */
		while (run < len) {
			size_t b = len - run < SPARSE_BLOCK ? len - run : SPARSE_BLOCK;
			if (block_is_zero(buf + run, b))
				break;
			run += b;
		}
		if (pwrite_all(fd, buf + i, run - i, pos + i, at) < 0)
			return -1;
		i = run;
	}
	return 0;
}

int sparse_copy(const struct target *t, uint64_t off, uint64_t len,
		int out_fd, const char *out_name, volatile sig_atomic_t *stop)
{
	unsigned char *buf = malloc(CHUNK);
	struct progress prog;
	uint64_t done = 0;
	int rc = -1;

	if (!buf) {
		warnx("out of memory for a %u byte buffer", CHUNK);
		return -1;
	}
	posix_fadvise(t->fd, (off_t)off, (off_t)len, POSIX_FADV_SEQUENTIAL);
	progress_start(&prog, "saving", len);
	while (done < len) {
		size_t n = len - done < CHUNK ? (size_t)(len - done) : CHUNK;
		if (*stop) {
			progress_end(&prog, done);
			warnx("interrupted after %llu of %llu bytes", (unsigned long long)done,
			      (unsigned long long)len);
			goto out;
		}
		if (target_pread(t, buf, n, off + done) < 0) {
			int e = errno;
			progress_end(&prog, done);
			errno = e;
			warn("%s: reading byte %llu", t->path, (unsigned long long)(off + done));
			goto out;
		}
		uint64_t at = done;
		if (write_nonzero_runs(out_fd, buf, n, done, &at) < 0) {
			int e = errno;
			progress_end(&prog, done);
			errno = e;
			warn("%s: writing byte %llu", out_name, (unsigned long long)at);
			goto out;
		}
		done += n;
		progress_update(&prog, done);
	}
	progress_end(&prog, done);
	if (ftruncate(out_fd, (off_t)len) < 0) { /* trailing holes */
		warn("%s: setting length %llu", out_name, (unsigned long long)len);
		goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}
