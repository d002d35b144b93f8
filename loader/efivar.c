/* loader/efivar.c - see efivar.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "loader/efivar.h"
#include "loader/sysfile.h"

static int var_path(char *buf, size_t size, const char *root, const char *file)
{
	char rel[SYSFILE_PATH_MAX];
	if (snprintf(rel, sizeof(rel), "%s/%s", EFIVARFS_DIR, file) >= (int)sizeof(rel)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return sysfile_path(buf, size, root, rel);
}

int efivar_available(const char *root, char *why, size_t why_len)
{
	char path[SYSFILE_PATH_MAX], fw[SYSFILE_PATH_MAX];
	struct statfs sf;
	struct stat st;

	if (sysfile_path(fw, sizeof(fw), root, "/sys/firmware/efi") < 0 ||
	    sysfile_path(path, sizeof(path), root, EFIVARFS_DIR) < 0)
		return snprintf(why, why_len, "path too long"), 0;
	if (stat(fw, &st) < 0)
		return snprintf(why, why_len, "no %s: the system was not booted through UEFI", fw), 0;
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return snprintf(why, why_len, "no %s: efivarfs is not mounted", path), 0;
	if (!*root && (statfs(path, &sf) < 0 || (uint32_t)sf.f_type != EFIVARFS_MAGIC))
		return snprintf(why, why_len, "%s is not an efivarfs mount", path), 0;
	return 1;
}

/* efivarfs sets FS_IMMUTABLE_FL on the variables it does not know: clear
 * it so the file can be replaced or removed.  A file system without the
 * flags (a test's directory) has nothing to clear. */
static int clear_immutable(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), flags, rc = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0) {
		rc = errno == ENOTTY || errno == EOPNOTSUPP || errno == EINVAL ? 0 : -1;
	} else if (flags & FS_IMMUTABLE_FL) {
		flags &= ~FS_IMMUTABLE_FL;
		rc = ioctl(fd, FS_IOC_SETFLAGS, &flags);
	}
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

int efivar_delete(const char *root, const char *file, char *why, size_t why_len)
{
	char path[SYSFILE_PATH_MAX];
	if (var_path(path, sizeof(path), root, file) < 0)
		return snprintf(why, why_len, "path too long"), -1;
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0;
	if (clear_immutable(path) < 0)
		return snprintf(why, why_len, "%s: clearing the immutable flag: %s", path, strerror(errno)), -1;
	if (unlink(path) < 0) {
		if (errno == ENOENT)
			return 0;
		return snprintf(why, why_len, "%s: %s", path, strerror(errno)), -1;
	}
	return 1;
}

ssize_t efivar_read(const char *root, const char *file, uint32_t *attrs, void *buf, size_t size, char *why,
		    size_t why_len)
{
	char path[SYSFILE_PATH_MAX];
	static uint8_t raw[4 + EFIVAR_MAX_DATA + 1];
	size_t got = 0;

	if (size > EFIVAR_MAX_DATA)
		size = EFIVAR_MAX_DATA;
	if (var_path(path, sizeof(path), root, file) < 0)
		return snprintf(why, why_len, "path too long"), -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return -2;
		return snprintf(why, why_len, "%s: %s", path, strerror(errno)), -1;
	}
	while (got < 4 + size + 1) {
		ssize_t n = read(fd, raw + got, 4 + size + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return snprintf(why, why_len, "%s: %s", path, strerror(e)), -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got < 4) {
		errno = EINVAL;
		return snprintf(why, why_len, "%s: %zu bytes, shorter than the attributes", path, got), -1;
	}
	*attrs = (uint32_t)raw[0] | (uint32_t)raw[1] << 8 | (uint32_t)raw[2] << 16 | (uint32_t)raw[3] << 24;
	memcpy(buf, raw + 4, got - 4 > size ? size : got - 4);
	return (ssize_t)(got - 4);
}

int efivar_write(const char *root, const char *file, uint32_t attrs, const void *data, size_t len, char *why,
		 size_t why_len)
{
	char path[SYSFILE_PATH_MAX];
	static uint8_t out[4 + EFIVAR_MAX_DATA], back[EFIVAR_MAX_DATA + 1];
	uint32_t battrs;

	if (len == 0 || len > EFIVAR_MAX_DATA) {
		errno = EINVAL;
		return snprintf(why, why_len, "%zu bytes of data: 1..%u", len, EFIVAR_MAX_DATA), -1;
	}
	if (var_path(path, sizeof(path), root, file) < 0)
		return snprintf(why, why_len, "path too long"), -1;
	if (efivar_delete(root, file, why, why_len) < 0)
		return -1;
	for (int i = 0; i < 4; i++)
		out[i] = (uint8_t)(attrs >> (8 * i));
	memcpy(out + 4, data, len);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return snprintf(why, why_len, "%s: %s", path, strerror(errno)), -1;
	/* one write: efivarfs turns each write() into one SetVariable() */
	ssize_t n = write(fd, out, 4 + len);
	int e = errno;
	if (close(fd) < 0 && n == (ssize_t)(4 + len)) {
		n = -1;
		e = errno;
	}
	if (n != (ssize_t)(4 + len)) {
		errno = n < 0 ? e : EIO;
		snprintf(why, why_len, "%s: writing %zu bytes: %s", path, 4 + len,
			 n < 0 ? strerror(e) : "short write");
		e = errno;
		unlink(path);
		errno = e;
		return -1;
	}
	ssize_t r = efivar_read(root, file, &battrs, back, sizeof(back), why, why_len);
	if (r < 0)
		return r == -2 ? (snprintf(why, why_len, "%s: gone after writing it", path), errno = ENOENT, -1) : -1;
	if ((size_t)r != len || battrs != attrs || memcmp(back, data, len)) {
		errno = EIO;
		return snprintf(why, why_len, "%s: reads back %zd bytes, attributes 0x%x, not what was written", path,
				r, battrs), -1;
	}
	return 0;
}
