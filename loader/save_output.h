/* loader/save_output.h - how `crashcap save` puts FILE in place.
 *
 * The vmcore holds every secret the crashed machine had, so FILE is only
 * ever written through a file this process created exclusively in FILE's
 * directory: an O_TMPFILE (no name until it is whole), or where the
 * filesystem has none, a new file with an unpredictable name made with
 * O_CREAT|O_EXCL|O_NOFOLLOW.  It is mode 0600 whatever the umask and owned
 * by the caller.  FILE itself is never opened:
 *   - it must not be the target (compared by st_dev/st_ino, through a
 *     symlink or a hard link, and by st_rdev for a block device);
 *   - if it exists it must be a regular file, and it is replaced (an
 *     atomic rename) only with force;
 *   - without force it is linked into place with no-replace semantics, so
 *     a FILE that appeared during the save is not replaced either.
 * One save at a time per FILE: a lock file in FILE's directory,
 * .crashcap-<hash of FILE's name>.lock, held with flock (never waited for)
 * from before FILE is checked to the end; a second save says who holds it.
 * The lock file is removed at the end (a save killed by SIGKILL leaves it,
 * empty; the next save to FILE takes it over).
 * The file gets an extended attribute, user.crashcap.dump, naming the dump
 * (the target's uuid, times and byte counts): a save killed after FILE was
 * in place but before the target was marked saved is rerun without
 * --force, and replaces that FILE, which holds the same dump.
 * Every message names FILE as the user gave it.  One line on stderr for
 * every failure. */
#ifndef LOADER_SAVE_OUTPUT_H
#define LOADER_SAVE_OUTPUT_H

#include "loader/target_io.h"

struct save_out {
	const char *path;      /* FILE as given */
	char *base;            /* its last component */
	int dirfd;             /* its directory */
	int fd;                /* the file being written */
	int anonymous;         /* O_TMPFILE: no name yet */
	char tmpname[40];      /* a name of our own in the directory, or "" */
	int replace;           /* FILE exists and may be replaced */
	int lockfd;            /* FILE's lock */
	char lockname[40];
};

#define SAVE_XATTR "user.crashcap.dump"

/* Lock FILE, check it against the target t and create the file to write:
 * 0 (o->fd is open), or -1 after one line.  identity (or NULL) names the
 * dump; with resume, an existing FILE that carries the same identity is
 * replaced without force (an earlier save of this dump that was stopped
 * before the target was marked saved). */
int out_begin(struct save_out *o, const char *path, const struct target *t, int force,
	      const char *identity, int resume);
/* The room check, before anything is written: does FILE's file system
 * have room for a file of `data` bytes of data (4 KiB blocks the writer
 * will fill: an upper bound it worked out; holes take no room)?  The room
 * asked for is data plus 1/256 of it, rounded up to 4 KiB, for the file
 * system's own blocks for the file (ext2's indirect blocks take 1/1024 of
 * the data, an ext4 extent block one per 340 extents).  Free is what the
 * caller may use: f_bavail * f_frsize of fstatvfs on the new file.  0, or
 * -1 after one line (`vmcore: not enough free space: ...; nothing saved`).
 * what says what data counts, for that line. */
int out_room(const struct save_out *o, uint64_t data, const char *what);
/* The bytes out_room asks for, for data bytes of data. */
uint64_t out_room_needed(uint64_t data);
/* Sync the file and put it in place as FILE, then sync the directory:
 * 0, or -1 after one line (FILE is then unchanged, or whole if only the
 * directory sync failed). */
int out_commit(struct save_out *o);
/* Close everything and remove any name of ours left behind. */
void out_end(struct save_out *o);

#endif
