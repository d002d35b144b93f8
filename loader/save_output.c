/* loader/save_output.c - see save_output.h. */
#include <errno.h>
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "loader/save_output.h"

#define NAME_TRIES 16

/* A fresh unpredictable name in FILE's directory for our own file. */
static int random_name(char *buf, size_t n)
{
	unsigned long long r;
	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -1;
	snprintf(buf, n, ".crashcap-%016llx.tmp", r);
	return 0;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Is st the target: the same inode, or a node of the same block device? */
static int is_target(const struct target *t, const struct stat *st)
{
	struct stat ts;
	if (fstat(t->fd, &ts) < 0)
		return 0;
	return same_file(&ts, st) || (S_ISBLK(ts.st_mode) && S_ISBLK(st->st_mode) && ts.st_rdev == st->st_rdev);
}

static unsigned long long name_hash(const char *s)
{
	unsigned long long h = 0xcbf29ce484222325ull; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* One save at a time per FILE: flock on a lock file next to it. */
static int lock_file(struct save_out *o, const struct target *t)
{
	char comm[16];

	snprintf(o->lockname, sizeof(o->lockname), ".crashcap-%016llx.lock", name_hash(o->base));
	for (int i = 0; i < NAME_TRIES; i++) {
		struct stat st, now;
		int fd = openat(o->dirfd, o->lockname, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
		if (fd < 0) {
			warn("%s: creating its lock file %s in its directory", o->path, o->lockname);
			return -1;
		}
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size != 0 || is_target(t, &st)) {
			close(fd);
			warnx("%s: %s in its directory is not an empty lock file: remove it or give another FILE",
			      o->path, o->lockname);
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int e = errno, pid = e == EWOULDBLOCK ? lock_holder(fd, comm) : 0;
			close(fd);
			if (e != EWOULDBLOCK) {
				errno = e;
				warn("%s: locking %s", o->path, o->lockname);
			} else if (pid) {
				warnx("%s is being written by %s (pid %d), which holds its lock: try again when it has finished",
				      o->path, comm[0] ? comm : "another process", pid);
			} else {
				warnx("%s is being written by another crashcap save, which holds its lock", o->path);
			}
			return -1;
		}
		/* The holder before us may have removed the name meanwhile. */
		if (fstatat(o->dirfd, o->lockname, &now, AT_SYMLINK_NOFOLLOW) == 0 && same_file(&st, &now)) {
			o->lockfd = fd;
			return 0;
		}
		close(fd);
	}
	warnx("%s: could not take its lock (%s keeps changing)", o->path, o->lockname);
	return -1;
}

static void unlock_file(struct save_out *o)
{
	struct stat st, now;

	if (o->lockfd < 0)
		return;
	if (fstat(o->lockfd, &st) == 0 && st.st_size == 0 &&
	    fstatat(o->dirfd, o->lockname, &now, AT_SYMLINK_NOFOLLOW) == 0 && same_file(&st, &now))
		unlinkat(o->dirfd, o->lockname, 0);
	close(o->lockfd);
	o->lockfd = -1;
}

/* Does FILE carry this identity (an earlier save of the same dump)? */
static int same_dump(const struct save_out *o, const char *identity)
{
	char buf[256];
	ssize_t n = lgetxattr(o->path, SAVE_XATTR, buf, sizeof(buf));
	return n > 0 && (size_t)n == strlen(identity) && !memcmp(buf, identity, (size_t)n);
}

/* FILE as it is now: absent (0), or a regular file that is not the target
 * (1); anything else is refused (-1, one line). */
static int check_file(struct save_out *o, const struct target *t)
{
	struct stat lst, st;

	if (fstatat(o->dirfd, o->base, &lst, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		warn("%s", o->path);
		return -1;
	}
	if (is_target(t, &lst)) {
		warnx("%s is the target itself: give another file", o->path);
		return -1;
	}
	if (S_ISLNK(lst.st_mode) && fstatat(o->dirfd, o->base, &st, 0) == 0 && is_target(t, &st)) {
		warnx("%s is the target itself (through a symbolic link): give another file", o->path);
		return -1;
	}
	if (!S_ISREG(lst.st_mode)) {
		warnx("%s is %s: save writes a regular file, and --force replaces only a regular file", o->path,
		      file_kind_words(lst.st_mode));
		return -1;
	}
	return 1;
}

int out_begin(struct save_out *o, const char *path, const struct target *t, int force,
	      const char *identity, int resume)
{
	memset(o, 0, sizeof(*o));
	o->path = path;
	o->dirfd = o->fd = o->lockfd = -1;

	size_t len = strlen(path);
	if (!len || path[len - 1] == '/') {
		warnx("save: -o '%s' is not a file name", path);
		return -1;
	}
	char *copy = strdup(path);
	if (!copy) {
		warnx("out of memory");
		return -1;
	}
	char *slash = strrchr(copy, '/');
	const char *dir = ".";
	if (slash) {
		*slash = '\0';
		dir = slash == copy ? "/" : copy;
		o->base = strdup(slash + 1);
	} else {
		o->base = strdup(copy);
	}
	if (!o->base) {
		free(copy);
		warnx("out of memory");
		return -1;
	}
	o->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->dirfd < 0) {
		warn("%s", path);
		free(copy);
		return -1;
	}
	free(copy);

	if (lock_file(o, t) < 0)
		return -1;
	int exists = check_file(o, t);
	if (exists < 0)
		return -1;
	if (exists && !force && identity && resume && same_dump(o, identity)) {
		warnx("note: %s holds this dump from a save that was stopped before the target was marked saved: "
		      "replacing it", path);
		force = 1;
	}
	if (exists && !force) {
		warnx("%s exists (--force overwrites it)", path);
		return -1;
	}
	o->replace = exists;

	o->fd = openat(o->dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (o->fd >= 0) {
		o->anonymous = 1;
	} else if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) {
		/* No O_TMPFILE here: a new name nobody can guess, never an
		 * existing file, never through a symlink. */
		for (int i = 0; i < NAME_TRIES && o->fd < 0; i++) {
			if (random_name(o->tmpname, sizeof(o->tmpname)) < 0)
				break;
			o->fd = openat(o->dirfd, o->tmpname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
			if (o->fd < 0 && errno != EEXIST)
				break;
		}
		if (o->fd < 0)
			o->tmpname[0] = '\0';
	}
	if (o->fd < 0) {
		warn("%s: creating a file in its directory", path);
		return -1;
	}
	if (fchmod(o->fd, 0600) < 0) { /* exactly 0600, whatever the umask */
		warn("%s: chmod 0600", path);
		return -1;
	}
	/* Where the filesystem has no user xattrs, a rerun needs --force. */
	if (identity)
		fsetxattr(o->fd, SAVE_XATTR, identity, strlen(identity), 0);
	return 0;
}

#define ROOM_BLOCK 4096ull

static uint64_t round_block(uint64_t n)
{
	return (n + ROOM_BLOCK - 1) / ROOM_BLOCK * ROOM_BLOCK;
}

uint64_t out_room_needed(uint64_t data)
{
	return round_block(data) + round_block(data / 256);
}

int out_room(const struct save_out *o, uint64_t data, const char *what)
{
	struct statvfs sv;
	uint64_t need = out_room_needed(data);

	if (fstatvfs(o->fd, &sv) < 0) {
		warn("%s: the free space of its file system", o->path);
		return -1;
	}
	uint64_t avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (avail >= need)
		return 0;
	warnx("%s: not enough free space: its file system has %llu bytes (%llu MiB) free, this vmcore needs up to "
	      "%llu (%llu MiB: %s, and 1/256 of that for the file system); nothing saved", o->path,
	      (unsigned long long)avail, (unsigned long long)(avail >> 20), (unsigned long long)need,
	      (unsigned long long)((need + (1 << 20) - 1) >> 20), what);
	return -1;
}

/* Give the anonymous file a name of our own (to rename it over FILE). */
static int name_it(struct save_out *o)
{
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", o->fd);
	for (int i = 0; i < NAME_TRIES; i++) {
		if (random_name(o->tmpname, sizeof(o->tmpname)) < 0)
			break;
		int rc = linkat(AT_FDCWD, proc, o->dirfd, o->tmpname, AT_SYMLINK_FOLLOW);
		if (rc < 0 && errno == ENOENT) /* no /proc: needs CAP_DAC_READ_SEARCH */
			rc = linkat(o->fd, "", o->dirfd, o->tmpname, AT_EMPTY_PATH);
		if (rc == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	o->tmpname[0] = '\0';
	return -1;
}

/* Link the anonymous file as FILE; fails with EEXIST if FILE exists. */
static int link_as_file(struct save_out *o)
{
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", o->fd);
	int rc = linkat(AT_FDCWD, proc, o->dirfd, o->base, AT_SYMLINK_FOLLOW);
	if (rc < 0 && errno == ENOENT) {
		int e = errno;
		rc = linkat(o->fd, "", o->dirfd, o->base, AT_EMPTY_PATH);
		if (rc < 0 && errno != EEXIST)
			errno = e;
	}
	return rc;
}

int out_commit(struct save_out *o)
{
	int rc;

	if (fsync(o->fd) < 0) {
		warn("%s: fsync", o->path);
		return -1;
	}
	if (!o->replace) {
		if (o->anonymous) {
			rc = link_as_file(o);
		} else {
			rc = renameat2(o->dirfd, o->tmpname, o->dirfd, o->base, RENAME_NOREPLACE);
			if (rc == 0)
				o->tmpname[0] = '\0';
			else if (errno == EINVAL) /* a filesystem without RENAME_NOREPLACE; out_end removes our name */
				rc = linkat(o->dirfd, o->tmpname, o->dirfd, o->base, 0);
		}
		if (rc < 0 && errno == EEXIST) {
			warnx("%s appeared during the save: not replaced (--force overwrites it)", o->path);
			return -1;
		}
	} else {
		if (o->anonymous && name_it(o) < 0) {
			warn("%s: naming the new file in its directory", o->path);
			return -1;
		}
		/* FILE again, just before it is replaced. */
		struct stat lst;
		if (fstatat(o->dirfd, o->base, &lst, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(lst.st_mode)) {
			warnx("%s became %s during the save: not replaced", o->path, file_kind_words(lst.st_mode));
			return -1;
		}
		rc = renameat(o->dirfd, o->tmpname, o->dirfd, o->base);
		if (rc == 0)
			o->tmpname[0] = '\0';
	}
	if (rc < 0) {
		warn("%s", o->path);
		return -1;
	}
	if (fsync(o->dirfd) < 0) {
		warn("%s: syncing its directory", o->path);
		return -1; /* FILE is in place and whole; only durability is in doubt */
	}
	return 0;
}

void out_end(struct save_out *o)
{
	if (o->tmpname[0] && o->dirfd >= 0)
		unlinkat(o->dirfd, o->tmpname, 0);
	o->tmpname[0] = '\0';
	if (o->fd >= 0)
		close(o->fd);
	unlock_file(o);
	if (o->dirfd >= 0)
		close(o->dirfd);
	o->fd = o->dirfd = -1;
	free(o->base);
	o->base = NULL;
}
