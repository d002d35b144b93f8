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
/* Sync the file and put it in place as FILE, then sync the directory:
 * 0, or -1 after one line (FILE is then unchanged, or whole if only the
 * directory sync failed). */
int out_commit(struct save_out *o);
/* Close everything and remove any name of ours left behind. */
void out_end(struct save_out *o);

#endif
