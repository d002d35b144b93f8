/* loader/dryrun.c - see dryrun.h. */
#include <errno.h>
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/dryrun.h"

static uint64_t page_up(uint64_t v) { return (v + 4095) & ~4095ull; }

static int write_all(int fd, const void *buf, uint64_t len, uint64_t off)
{
	const char *p = buf;
	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

/* FILE as stat or fstat saw it: 0 if a dry run may write it, else -1 after one line. */
static int writable_file(const char *file, const struct target *dev, const struct stat *st)
{
	struct stat ds;
	if (fstat(dev->fd, &ds) == 0 && ((st->st_dev == ds.st_dev && st->st_ino == ds.st_ino) ||
					 (S_ISBLK(st->st_mode) && S_ISBLK(ds.st_mode) && st->st_rdev == ds.st_rdev))) {
		warnx("dry run: %s is the target %s itself: a dry run never writes the target; give another file",
		      file, dev->path);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		warnx("dry run: %s is %s: give a regular file or a new name", file, file_kind_words(st->st_mode));
		return -1;
	}
	return 0;
}

int dryrun_check(const char *file, const struct target *dev)
{
	struct stat st;
	if (stat(file, &st) == 0)
		return writable_file(file, dev, &st);
	if (errno != ENOENT) {
		warn("dry run: %s", file);
		return -1;
	}
	return 0;
}

int dryrun_write(const char *file, const struct target *dev, uint64_t entry, unsigned long flags, uint64_t region_start,
		 uint64_t region_end, const char *extra, const struct segment *segs, unsigned n,
		 const struct cc_dump_header *hdr)
{
	char head[DRYRUN_HEAD_SIZE];
	size_t used = 0;
	uint64_t off = DRYRUN_HEAD_SIZE, seg_off[DRYRUN_MAX_SEGMENTS];

#define ADD(...) used += (size_t)snprintf(head + used, used < sizeof(head) ? sizeof(head) - used : 0, __VA_ARGS__)
	memset(head, 0, sizeof(head));
	ADD("crashcap-dry-run %d\n", DRYRUN_VERSION);
	ADD("entry 0x%llx\n", (unsigned long long)entry);
	ADD("flags 0x%lx\n", flags);
	ADD("region 0x%llx 0x%llx\n", (unsigned long long)region_start, (unsigned long long)region_end);
	ADD("%s", extra);
	ADD("segments %u\n", n);
	for (unsigned i = 0; i < n && i < DRYRUN_MAX_SEGMENTS; i++) {
		seg_off[i] = off;
		ADD("segment %s mem 0x%llx memsz 0x%llx bufsz 0x%llx offset 0x%llx hashed %d\n", segs[i].name,
		    (unsigned long long)segs[i].mem, (unsigned long long)segs[i].memsz,
		    (unsigned long long)segs[i].bufsz, (unsigned long long)off, segs[i].hashed);
		off = page_up(off + segs[i].bufsz);
	}
	ADD("header offset 0x%llx size 0x%zx\n", (unsigned long long)off, sizeof(*hdr));
	ADD("end\n");
#undef ADD
	if (used >= sizeof(head) || n > DRYRUN_MAX_SEGMENTS) {
		warnx("%s: dry-run head does not fit in %d bytes", file, DRYRUN_HEAD_SIZE);
		return -1;
	}

	struct stat st;
	if (dryrun_check(file, dev) < 0)
		return -1;
	/* No O_TRUNC: FILE is checked again once open, then emptied. */
	int fd = open(file, O_WRONLY | O_CREAT | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0644);
	if (fd < 0) {
		warn("dry run: %s", file);
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		warn("dry run: %s", file);
		close(fd);
		return -1;
	}
	if (writable_file(file, dev, &st) < 0) {
		close(fd);
		return -1;
	}
	if (ftruncate(fd, 0) < 0) {
		warn("dry run: emptying %s", file);
		close(fd);
		return -1;
	}
	int rc = write_all(fd, head, sizeof(head), 0);
	for (unsigned i = 0; !rc && i < n; i++)
		if (segs[i].bufsz)
			rc = write_all(fd, segs[i].buf, segs[i].bufsz, seg_off[i]);
	if (!rc)
		rc = write_all(fd, hdr, sizeof(*hdr), off);
	if (rc)
		warn("dry run: writing %s", file);
	if (close(fd) < 0 && !rc) {
		warn("dry run: closing %s", file);
		rc = -1;
	}
	return rc;
}
