/* loader/sysfile.h - reading the small text files of /proc and /sys.
 *
 * Every path is taken below a root directory: "" on a real run, the
 * --root DIR of a dry run (host tests feed a fake /proc and /sys tree).
 * Silent: callers word the messages, with errno set on failure. */
#ifndef LOADER_SYSFILE_H
#define LOADER_SYSFILE_H

#include <stddef.h>
#include <stdint.h>

#define SYSFILE_PATH_MAX 4096

/* root + path into buf (always NUL-terminated): 0, or -1 (ENAMETOOLONG). */
int sysfile_path(char *buf, size_t size, const char *root, const char *path);

/* The whole file, NUL-terminated, in a malloc'd buffer (*len without the
 * NUL): the buffer, or NULL with errno set.  Files of /proc report size 0,
 * so this reads until EOF. */
char *sysfile_read_all(const char *root, const char *path, size_t *len);

/* The first line of a small file, without the newline: 0, or -1. */
int sysfile_read_line(const char *root, const char *path, char *buf, size_t size);

/* The first line parsed as an unsigned number in base (0: C prefixes):
 * 0, or -1 (errno EINVAL if it is not a number). */
int sysfile_read_u64(const char *root, const char *path, int base, uint64_t *v);

#endif
