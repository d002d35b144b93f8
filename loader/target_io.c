/* loader/target_io.c - see target_io.h. */
#include <errno.h>
#include <err.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/sysmacros.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/dumphdr.h"
#include "loader/target_io.h"

const char *file_kind_words(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFBLK: return "a block device";
	case S_IFDIR: return "a directory";
	case S_IFCHR: return "a character device";
	case S_IFIFO: return "a FIFO";
	case S_IFSOCK: return "a socket";
	case S_IFLNK: return "a symbolic link";
	}
	return "not a file crashcap knows";
}

int target_open(struct target *t, const char *path, int writable)
{
	struct stat st, fst;

	t->path = path;
	t->fd = -1;
	/* The type first: opening a FIFO or a terminal could block or have
	 * effects. */
	if (stat(path, &st) < 0) {
		warn("%s", path);
		return -1;
	}
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode)) {
		warnx("%s is %s: give a block device or a disk image file", path, file_kind_words(st.st_mode));
		return -1;
	}
	t->fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (t->fd < 0) {
		warn("%s", path);
		return -1;
	}
	if (fstat(t->fd, &fst) < 0) {
		warn("%s: stat", path);
		goto fail;
	}
	if (fst.st_dev != st.st_dev || fst.st_ino != st.st_ino || (fst.st_mode & S_IFMT) != (st.st_mode & S_IFMT)) {
		warnx("%s changed while it was opened", path);
		goto fail;
	}
	int fl = fcntl(t->fd, F_GETFL);
	if (fl >= 0)
		fcntl(t->fd, F_SETFL, fl & ~O_NONBLOCK);
	t->is_blockdev = S_ISBLK(fst.st_mode);
	if (t->is_blockdev) {
		if (ioctl(t->fd, BLKGETSIZE64, &t->size) < 0) {
			warn("%s: BLKGETSIZE64", path);
			goto fail;
		}
	} else {
		t->size = (uint64_t)fst.st_size;
	}
	return 0;
fail:
	close(t->fd);
	t->fd = -1;
	return -1;
}

int lock_holder(int fd, char comm[16])
{
	struct stat st;
	char line[256], path[64];
	int pid = 0;

	comm[0] = '\0';
	FILE *f = fopen("/proc/locks", "re");
	if (fstat(fd, &st) < 0 || !f) {
		if (f)
			fclose(f);
		return 0;
	}
	/* "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF" (a waiter's line has "->") */
	while (fgets(line, sizeof(line), f)) {
		unsigned maj, min;
		unsigned long long ino;
		int p;
		char type[16];
		if (sscanf(line, "%*u: %15s %*s %*s %d %x:%x:%llu", type, &p, &maj, &min, &ino) == 5 &&
		    !strcmp(type, "FLOCK") && maj == major(st.st_dev) && min == minor(st.st_dev) &&
		    ino == (unsigned long long)st.st_ino && p > 0) {
			pid = p;
			break;
		}
	}
	fclose(f);
	if (pid) {
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		FILE *c = fopen(path, "re");
		if (c) {
			if (fgets(comm, 16, c))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(c);
		}
	}
	return pid;
}

int target_lock(const struct target *t)
{
	char comm[16];

	if (flock(t->fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK) {
		warn("%s: lock", t->path);
		return -1;
	}
	int pid = lock_holder(t->fd, comm);
	if (pid)
		warnx("%s is in use by %s (pid %d), which holds its lock: try again when it has finished",
		      t->path, comm[0] ? comm : "another process", pid);
	else
		warnx("%s is in use by another crashcap, which holds its lock: try again when it has finished", t->path);
	return -1;
}

void target_close(struct target *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

int pwrite_all(int fd, const void *buf, size_t n, uint64_t off, uint64_t *at)
{
	const unsigned char *p = buf;
	while (n) {
		ssize_t w = pwrite(fd, p, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w == 0)
			errno = EIO;
		if (w <= 0) {
			if (at)
				*at = off;
			return -1;
		}
		p += w;
		off += (uint64_t)w;
		n -= (size_t)w;
	}
	return 0;
}

int target_pread(const struct target *t, void *buf, size_t len, uint64_t off)
{
	char *p = buf;
	while (len) {
		ssize_t n = pread(t->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO; /* the target ended early */
			return -1;
		}
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int target_read_cb(void *ctx, void *buf, size_t len, uint64_t off)
{
	return target_pread(ctx, buf, len, off);
}

int target_read_header(const struct target *t, struct cc_dump_header *h)
{
	if (t->size < sizeof(*h)) {
		warnx("%s: no crashcap header (only %llu bytes)", t->path,
		      (unsigned long long)t->size);
		return -1;
	}
	if (target_pread(t, h, sizeof(*h), 0) < 0) {
		warn("%s: reading the header", t->path);
		return -1;
	}
	switch (dumphdr_check(h)) {
	case DUMPHDR_OK:
		dumphdr_upgrade(h); /* version 1: origin panic, whatever follows its checksum */
		return 0;
	case DUMPHDR_NO_MAGIC:
		warnx("%s: no crashcap header", t->path);
		return -1;
	case DUMPHDR_BAD_VERSION:
		warnx("%s: crashcap header version %u size %u, this crashcap reads version %u size %u and version %u size %u",
		      t->path, h->version, h->header_size, CC_HDR_VERSION, CC_HDR_SIZE, CC_HDR_VERSION_V1, CC_HDR_SIZE_V1);
		return -1;
	case DUMPHDR_BAD_SUM:
		warnx("%s: crashcap header damaged (checksum 0x%08x, computed 0x%08x)",
		      t->path, h->checksum, dumphdr_checksum(h));
		return -1;
	}
	warnx("%s: crashcap header rejected", t->path);
	return -1;
}

int target_write_header(const struct target *t, struct cc_dump_header *h)
{
	dumphdr_seal(h);
	ssize_t n = pwrite(t->fd, h, sizeof(*h), 0);
	if (n != (ssize_t)sizeof(*h)) {
		if (n >= 0)
			errno = EIO;
		warn("%s: writing the header", t->path);
		return -1;
	}
	if (fsync(t->fd) < 0) {
		warn("%s: fsync after writing the header", t->path);
		return -1;
	}
	return 0;
}
