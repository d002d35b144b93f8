/* loader/target_io.h - the crashcap target: a block device or a disk image
 * file, with the dump header at offset 0 (include/crashcap/dumphdr.h).
 * Every function that fails has already printed one line on stderr. */
#ifndef LOADER_TARGET_IO_H
#define LOADER_TARGET_IO_H

#include <stddef.h>
#include <stdint.h>
#include "crashcap/dumphdr.h"

struct target {
	int fd;
	const char *path;
	uint64_t size;      /* bytes: BLKGETSIZE64 or st_size */
	int is_blockdev;
};

/* Open PATH read-only or read-write: 0, or -1.  PATH's type is checked
 * before it is opened (stat), and the open itself does not block
 * (O_NONBLOCK), so a FIFO or a terminal given as DEV is refused at once,
 * by its type. */
int target_open(struct target *t, const char *path, int writable);
void target_close(struct target *t);

/* Read exactly len bytes at off (retrying short reads): 0, or -1 with
 * errno set (EIO also for an unexpected end of the target).  Silent: the
 * caller words the message. */
int target_pread(const struct target *t, void *buf, size_t len, uint64_t off);

/* Write exactly n bytes of buf at file offset off (retrying short and
 * interrupted writes): 0, or -1 with errno set (EIO for a write of 0
 * bytes); then *at, if not NULL, is the offset of the first byte not
 * written.  Silent, like target_pread.  For the files save writes. */
int pwrite_all(int fd, const void *buf, size_t n, uint64_t off, uint64_t *at);

/* target_pread as a callback (struct dump_reader, loader/dumpcheck.h):
 * ctx is the struct target. */
int target_read_cb(void *ctx, void *buf, size_t len, uint64_t off);

/* Read the header and validate it (magic, version, checksum): 0, or -1. */
int target_read_header(const struct target *t, struct cc_dump_header *h);
/* Seal h (dumphdr_seal), write it at offset 0 and fsync: 0, or -1. */
int target_write_header(const struct target *t, struct cc_dump_header *h);

/* Take the target's lock (flock, exclusive, never waiting): one save (or
 * load) at a time per target.  0, or -1 after one line naming who holds it. */
int target_lock(const struct target *t);
/* The pid holding a flock on fd's file, from /proc/locks: > 0, or 0 if it
 * cannot be told.  Its command name goes to comm (16 bytes), "" if unknown. */
int lock_holder(int fd, char comm[16]);

/* "a regular file", "a FIFO", "a character device", ... for messages. */
const char *file_kind_words(unsigned mode);

#endif
