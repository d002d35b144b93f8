/* drivers/efi/blockio.h - the firmware's EFI_BLOCK_IO_PROTOCOL as a
 * drivers/blkdev.h driver, for hangcap.efi (docs/hangcap.md).
 *
 * Not a PCI driver: the firmware already drives the disk (NVMe, AHCI,
 * virtio, USB), so there is no blk_probe_fn.  blockio_find looks at every
 * Block I/O handle that is a whole disk with its medium present and asks
 * the caller, through match, whether the bytes at the target's window
 * start are the armed target; the caller (capture/efi/hangcap.c) decides
 * by the dump header, which this layer may not read.
 *
 * Requests run synchronously inside submit (ReadBlocks, WriteBlocks,
 * FlushBlocks), one slot; reap hands back the result.  A firmware call
 * cannot be interrupted, and blkq's deadline is checked only after the call
 * returns, so the firmware's watchdog bounds each call (Reset and the
 * search's header reads too): armed before it for blockio_call_bound_s of
 * its bytes, off after it.  A call that does not return in that time
 * resets the machine (docs/hangcap.md, "Bounds").  Every firmware error is
 * one console line. */
#ifndef DRIVERS_EFI_BLOCKIO_H
#define DRIVERS_EFI_BLOCKIO_H
#include <stdint.h>
#include "drivers/blkdev.h"

#define BLOCKIO_MAX_BYTES (1u << 20) /* per request; also the bounce buffer's size */
#define BLOCKIO_CALL_BOUND_S 15u     /* a firmware call's bound: blkq's per-request deadline, */
#define BLOCKIO_FLOOR_BPS 1000000u   /* plus its bytes at this floor rate (1 MB/s) */

/* Seconds a firmware call moving bytes bytes may take before the watchdog
 * resets the machine (a flush or Reset: bytes 0). */
uint64_t blockio_call_bound_s(uint64_t bytes);

/* 1 if area (len bytes read at the window's first sector) is the target. */
typedef int blockio_match_fn(const void *area, uint32_t len, void *ctx);

struct blockio_scan {
	unsigned handles;   /* Block I/O handles the firmware has */
	unsigned disks;     /* of them whole disks, medium present, right sector size, long enough */
	unsigned matches;   /* of them the ones match accepted */
};

/* Look for the target: sectors of sector_size bytes (0: any), the window
 * starting at lba; hdr_bytes read there for match.  With exactly one match,
 * *bd is that disk, ready for blkq, and the result is CC_OK; otherwise
 * CC_ERR_NO_DEVICE (no match: nothing chosen) or CC_ERR_WRONG_DISK (more
 * than one), with the counts in *scan for the caller's line.  Disks with
 * sectors or IoAlign over 4 KiB are not looked at.  Firmware memory: a
 * bounce buffer of BLOCKIO_MAX_BYTES (AllocatePages) only when the chosen
 * disk's IoAlign asks for aligned buffers. */
int blockio_find(uint32_t sector_size, uint64_t lba, uint32_t hdr_bytes, blockio_match_fn *match, void *ctx,
		 struct blkdev *bd, struct blockio_scan *scan);

/* Give the bounce buffer back to the firmware; the disk is no longer used.
 * Says first how many bytes WriteBlocks wrote and the time spent inside
 * it (boot/timer.h's clock): the Block I/O throughput. */
void blockio_release(void);

#endif
