/* loader/blockdev.h - from the DEV given to `crashcap load` to what the
 * payload needs: the controller's PCI address, the sector range on the
 * disk, and the assurance that nothing uses DEV now.
 *
 * DEV is a whole disk or a partition.  sysfs: /sys/dev/block/MAJ:MIN is
 * DEV's directory (for a partition, a subdirectory of its disk with the
 * files partition, start and size, in 512-byte units); the disk's device
 * link leads to virtioN for virtio-blk, whose parent is the PCI function,
 * or for an ATA disk to the SCSI device PCI/ataN/hostH/targetH:0:0/H:0:0:0,
 * where ataN/ata_port/ataN/port_no is the AHCI port plus one, or for an
 * NVMe namespace to its controller nvmeN (whose device link is the PCI
 * function) or, with native multipath, to the subsystem nvme-subsysN that
 * links its controllers.
 * Every function that fails has printed one line on stderr. */
#ifndef LOADER_BLOCKDEV_H
#define LOADER_BLOCKDEV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "crashcap/params.h"

#define BLOCKDEV_NAME_MAX 64
#define BLOCKDEV_MAX_PARTS 128

struct blockdev {
	const char *path;              /* as given */
	int is_file;                   /* a regular file (dry-run tests only) */
	dev_t rdev;                    /* block device number, or 0 */
	dev_t file_dev;                /* for a file: st_dev and st_ino */
	ino_t file_ino;
	char name[BLOCKDEV_NAME_MAX];  /* "vdb1" */
	char disk[BLOCKDEV_NAME_MAX];  /* "vdb" (== name for a whole disk) */
	int is_partition;
	uint64_t start512;             /* first 512-byte sector on the disk */
	uint64_t count512;             /* 512-byte sectors of DEV */
	uint32_t logical_block_size;   /* the disk's */
	uint32_t kind;                 /* CC_TARGET_* */
	uint8_t bus, dev, fn;          /* the controller's PCI function */
	uint32_t unit;                 /* AHCI port (0..31); 0 for virtio-blk; the NVMe NSID */
	uint32_t sector_size;          /* the unit the payload addresses: 512 for
	                                  virtio-blk, the logical block for AHCI and NVMe */
	struct cc_disk_id id;          /* NVMe: the namespace's identity (params.target_id) */
	char controller[160];          /* "virtio-blk 0000:00:04.0", for messages */
	/* A whole disk's partitions (name, number), for the in-use checks. */
	unsigned nparts;
	char part_name[BLOCKDEV_MAX_PARTS][BLOCKDEV_NAME_MAX];
	dev_t part_rdev[BLOCKDEV_MAX_PARTS];
};

/* Parse "BB:DD.F" (hex, as lspci prints) or "DDDD:BB:DD.F" with domain 0:
 * 0, or -1.  Pure. */
int blockdev_parse_pci(const char *s, uint8_t *bus, uint8_t *dev, uint8_t *fn);

/* Resolve the block device path: stat it, find its sysfs directory below
 * root, its sector range and its controller (virtio-blk, AHCI or NVMe on PCI).
 * 0, or -1. */
int blockdev_resolve(const char *root, const char *path, struct blockdev *b);

/* The part of blockdev_resolve after the stat: sysdir is the real path of
 * DEV's sysfs directory, b->path is set (for messages), the rest of *b
 * zero.  Separate for tests on fake sysfs trees (test_blockdev.c). */
int blockdev_resolve_sysfs(const char *sysdir, struct blockdev *b);

/* Dry-run tests only: a regular file stands for a virtio-blk disk at the
 * given PCI address, all its bytes (whole 512-byte sectors) the target. */
int blockdev_from_file(const char *path, const char *pci, struct blockdev *b);

/* Refuse a target in use: mounted (/proc/self/mountinfo, by MAJ:MIN and
 * by mount source), swap (/proc/swaps), or held by device-mapper/md
 * (sysfs holders).  For a whole disk its partitions count too.  Applies
 * with or without --force: a dump would destroy a live filesystem.
 * 0 (unused), or -1. */
int blockdev_check_unused(const char *root, const struct blockdev *b);

/* One line of /proc/self/mountinfo: MAJ:MIN (field 3), the mount point
 * (field 5) and the mount source (after " - " and the fs type).  0, or -1
 * if the line does not parse.  Pure (host-tested in test_blockdev.c). */
int blockdev_mountinfo_line(const char *line, unsigned *maj, unsigned *min,
			    char *mnt, size_t mnt_size, char *src, size_t src_size);

/* Parse sysfs's NVMe identity attributes: "nguid" ("%pU": 32 hex digits
 * in 8-4-4-4-12 groups, bytes in order), "eui" ("%8ph": 8 bytes of 2 hex
 * digits separated by spaces) into id (CC_ID_NGUID, CC_ID_EUI64); the
 * controller's "serial" (Identify SN, space padded) into CC_ID_SERIAL the
 * way the payload reads it (trailing spaces removed, non-printable bytes
 * '?').  0, or -1 if text does not parse.  Pure. */
int blockdev_nvme_id(uint32_t kind, const char *text, struct cc_disk_id *id);

/* Bytes to read from the start of a target for blockdev_signature(). */
#define BLOCKDEV_SIG_BYTES (72 * 1024)

/* The name of a filesystem, swap area, LUKS volume or partition table
 * whose signature starts buf (len bytes from offset 0 of the target), or
 * NULL.  Only a few common ones; a crashcap header is not one.  Pure. */
const char *blockdev_signature(const uint8_t *buf, size_t len);

#endif
