/* loader/sysfile.c - see sysfile.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader/sysfile.h"

int sysfile_path(char *buf, size_t size, const char *root, const char *path)
{
	int n = snprintf(buf, size, "%s%s", root ? root : "", path);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

char *sysfile_read_all(const char *root, const char *path, size_t *len)
{
	char full[SYSFILE_PATH_MAX];
	size_t cap = 4096, used = 0;
	char *buf;

	if (sysfile_path(full, sizeof(full), root, path) < 0)
		return NULL;
	int fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = malloc(cap);
	while (buf) {
		if (used + 1 >= cap) {
			char *bigger = realloc(buf, cap * 2);
			if (!bigger)
				break;
			buf = bigger;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + used, cap - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			close(fd);
			errno = e;
			return NULL;
		}
		if (n == 0) {
			buf[used] = '\0';
			close(fd);
			if (len)
				*len = used;
			return buf;
		}
		used += (size_t)n;
	}
	free(buf);
	close(fd);
	errno = ENOMEM;
	return NULL;
}

int sysfile_read_line(const char *root, const char *path, char *buf, size_t size)
{
	char full[SYSFILE_PATH_MAX];

	if (sysfile_path(full, sizeof(full), root, path) < 0)
		return -1;
	FILE *f = fopen(full, "re");
	if (!f)
		return -1;
	if (!fgets(buf, (int)size, f)) {
		int e = ferror(f) ? errno : EINVAL; /* an empty file */
		fclose(f);
		errno = e;
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int sysfile_read_u64(const char *root, const char *path, int base, uint64_t *v)
{
	char line[128], *end;

	if (sysfile_read_line(root, path, line, sizeof(line)) < 0)
		return -1;
	errno = 0;
	unsigned long long x = strtoull(line, &end, base);
	if (end == line || *line == '-' || errno || (*end && *end != ' ' && *end != '\t')) {
		errno = EINVAL;
		return -1;
	}
	*v = x;
	return 0;
}
