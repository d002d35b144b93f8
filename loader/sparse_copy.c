/* loader/sparse_copy.c - see sparse_copy.h. */
#include <errno.h>
#include <err.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/progress.h"
#include "loader/sparse_copy.h"
#include "loader/writeback.h"

/* Bytes read from the target at a time: small enough that what read()
 * copied in is still in the CPU's cache when it is checked and written. */
#define CHUNK (256u << 10)

/* All zero?  64 bytes at a time, stopping at the first line that is not:
 * a block of data is told at once, a zero block costs one pass. */
static int block_is_zero(const unsigned char *p, size_t n)
{
	size_t i = 0;
	for (; i + 64 <= n; i += 64) {
		uint64_t w[8];
		memcpy(w, p + i, sizeof(w));
		if (w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7])
			return 0;
	}
	for (; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Write the non-zero runs of buf (len bytes, file offset pos); *written
 * gets the bytes written.  On failure *at is the byte of the file that
 * could not be written. */
static int write_nonzero_runs(int fd, const unsigned char *buf, size_t len, uint64_t pos, uint64_t *at,
			      uint64_t *written)
{
	size_t i = 0;
	*written = 0;
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
		*written += run - i;
		i = run;
	}
	return 0;
}

/* The next stretch of [pos, end) worth reading, [*from, *to).  In a file,
 * the next data extent (SEEK_DATA, then SEEK_HOLE): a hole reads as zeros,
 * so it is left a hole without reading it (*from = *to = end when only
 * holes are left).  A block device, or a file system that cannot say, is
 * all data.  0, or -1 with errno set. */
static int next_data(const struct target *t, uint64_t pos, uint64_t end, uint64_t *from, uint64_t *to)
{
	*from = pos;
	*to = end;
	if (t->is_blockdev)
		return 0;
	off_t d = lseek(t->fd, (off_t)pos, SEEK_DATA);
	if (d < 0) {
		if (errno == ENXIO) { /* a hole up to the end of the file */
			*from = end;
			return 0;
		}
		return errno == EINVAL || errno == EOPNOTSUPP ? 0 : -1;
	}
	if ((uint64_t)d >= end) {
		*from = end;
		return 0;
	}
	off_t h = lseek(t->fd, d, SEEK_HOLE);
	if (h < 0)
		return -1;
	*from = (uint64_t)d;
	*to = (uint64_t)h < end ? (uint64_t)h : end;
	return 0;
}

int sparse_need(const struct target *t, uint64_t off, uint64_t len, uint64_t *need)
{
	uint64_t pos = off, end = off + len;

	*need = 0;
	while (pos < end) {
		uint64_t from, to;
		if (next_data(t, pos, end, &from, &to) < 0) {
			warn("%s: looking for data from byte %llu", t->path, (unsigned long long)pos);
			return -1;
		}
		if (from == to)
			break;
		/* output offsets, out to whole blocks */
		uint64_t a = (from - off) / SPARSE_BLOCK * SPARSE_BLOCK;
		uint64_t b = (to - off + SPARSE_BLOCK - 1) / SPARSE_BLOCK * SPARSE_BLOCK;
		*need += b - a;
		pos = to;
	}
	return 0;
}

int sparse_copy(const struct target *t, uint64_t off, uint64_t len,
		int out_fd, const char *out_name, volatile sig_atomic_t *stop)
{
	unsigned char *buf = malloc(CHUNK);
	struct progress prog;
	struct writeback wb;
	uint64_t pos = off, end = off + len;
	int rc = -1;

	if (!buf) {
		warnx("out of memory for a %u byte buffer", CHUNK);
		return -1;
	}
	writeback_init(&wb, out_fd);
	posix_fadvise(t->fd, (off_t)off, (off_t)len, POSIX_FADV_SEQUENTIAL);
	progress_start(&prog, "saving", len);
	while (pos < end) {
		uint64_t from, to;
		if (*stop)
			goto stopped;
		if (next_data(t, pos, end, &from, &to) < 0) {
			int e = errno;
			progress_end(&prog, pos - off);
			errno = e;
			warn("%s: looking for data from byte %llu", t->path, (unsigned long long)pos);
			goto out;
		}
		for (pos = from; pos < to;) {
			size_t n = to - pos < CHUNK ? (size_t)(to - pos) : CHUNK;
			uint64_t at = pos - off, written;
			if (*stop)
				goto stopped;
			if (target_pread(t, buf, n, pos) < 0) {
				int e = errno;
				progress_end(&prog, pos - off);
				errno = e;
				warn("%s: reading byte %llu", t->path, (unsigned long long)pos);
				goto out;
			}
			if (write_nonzero_runs(out_fd, buf, n, pos - off, &at, &written) < 0) {
				int e = errno;
				progress_end(&prog, pos - off);
				errno = e;
				warn("%s: writing byte %llu", out_name, (unsigned long long)at);
				goto out;
			}
			writeback_note(&wb, written);
			pos += n;
			progress_update(&prog, pos - off);
		}
	}
	progress_end(&prog, len);
	/* Holes were not read: a file cut short meanwhile would have read as
	 * zeros, where reading fails (as it does on a block device). */
	struct stat st;
	if (!t->is_blockdev && (fstat(t->fd, &st) < 0 || (uint64_t)st.st_size < end)) {
		warnx("%s became shorter during the save (byte %llu is gone): nothing saved", t->path,
		      (unsigned long long)(end - 1));
		goto out;
	}
	if (ftruncate(out_fd, (off_t)len) < 0) { /* trailing holes */
		warn("%s: setting length %llu", out_name, (unsigned long long)len);
		goto out;
	}
	rc = 0;
	goto out;
stopped:
	progress_end(&prog, pos - off);
	warnx("interrupted after %llu of %llu bytes", (unsigned long long)(pos - off), (unsigned long long)len);
out:
	free(buf);
	return rc;
}
