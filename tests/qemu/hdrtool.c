/* tests/qemu/hdrtool.c - re-seal a crashcap target's header with another
 * UUID, for the crash drill's wrong-disk scenario (tests/qemu/drill).  Test
 * only: it runs in the drill's initramfs, never on a real machine.
 *
 *   hdrtool DEV --uuid UUID
 *       read the 128-byte header at offset 0 of DEV (include/crashcap/
 *       dumphdr.h), which must be valid; put UUID in it, seal it again
 *       (capture/dumphdr.c: magic, version, size, CRC-32), write it back
 *       and fsync.  Nothing else on DEV changes.  Prints one line:
 *           hdrtool: DEV uuid OLD -> NEW
 *       The payload must then refuse DEV: its parameter block still
 *       carries OLD (CC_TF_UUID), as if another disk had taken DEV's place.
 *
 * Built static by tests/qemu/drill.mk, with capture/crc32.c,
 * capture/dumphdr.c and loader/uuid.c compiled in.  Exit status: 0 done,
 * 1 failed (one line on stderr says why), 2 usage. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "capture/dumphdr.h"
#include "loader/uuid.h"

static const char *check_name(int rc)
{
	switch (rc) {
	case DUMPHDR_NO_MAGIC: return "no crashcap magic";
	case DUMPHDR_BAD_VERSION: return "unknown version or size";
	case DUMPHDR_BAD_SUM: return "bad CRC-32";
	}
	return "invalid";
}

int main(int argc, char **argv)
{
	struct cc_dump_header h;
	uint8_t uuid[16];
	char old_text[UUID_TEXT_LEN + 1], new_text[UUID_TEXT_LEN + 1];

	if (argc != 4 || strcmp(argv[2], "--uuid")) {
		fprintf(stderr, "usage: hdrtool DEV --uuid UUID\n");
		return 2;
	}
	const char *dev = argv[1];
	if (uuid_parse(argv[3], uuid)) {
		fprintf(stderr, "hdrtool: '%s' is not a UUID (8-4-4-4-12 hex digits)\n", argv[3]);
		return 2;
	}
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "hdrtool: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		fprintf(stderr, "hdrtool: %s: cannot read the %zu-byte header\n", dev, sizeof(h));
		return 1;
	}
	int rc = dumphdr_check(&h);
	if (rc != DUMPHDR_OK) {
		fprintf(stderr, "hdrtool: %s: no valid crashcap header (%s)\n", dev, check_name(rc));
		return 1;
	}
	if (!memcmp(h.uuid, uuid, sizeof(uuid))) {
		fprintf(stderr, "hdrtool: %s already carries %s\n", dev, argv[3]);
		return 1;
	}
	uuid_format(h.uuid, old_text);
	memcpy(h.uuid, uuid, sizeof(uuid));
	dumphdr_seal(&h);
	if (pwrite(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) || fsync(fd) < 0) {
		fprintf(stderr, "hdrtool: %s: writing the header: %s\n", dev, strerror(errno));
		return 1;
	}
	close(fd);
	uuid_format(uuid, new_text);
	printf("hdrtool: %s uuid %s -> %s\n", dev, old_text, new_text);
	return 0;
}
