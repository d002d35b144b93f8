/* drivers/blkdev.h - the one interface between a disk driver and the dump
 * writer.  AHCI, virtio-blk and NVMe implement it the same way.
 *
 * A driver has one probe of type blk_probe_fn.  It brings the device up
 * (reset first), fills the geometry and the three operations (assigned at
 * run time: a static table of function pointers would need relocations)
 * and says one console line.  Requests live in slots 0..nslots-1.
 *
 * Who does what: capture/blkq.c owns the policy - the target window,
 * splitting to max_bytes, deadlines, retries and when to reset.  A driver
 * only starts a request (submit), reports one that ended (reap), and
 * brings the device back when blkq asks (reset).  A driver never retries,
 * never waits for a request, and never recovers on its own.
 *
 * Identity: a driver that can tell which disk it reached (NVMe: the
 * namespace's NGUID, EUI64, the controller's serial) lists it in ids;
 * capture/target.c compares the one the loader recorded (params.target_id)
 * before the first write.
 *
 * Memory: only one disk driver runs per capture, so the DMA memory that is
 * big (AHCI's bounce buffer, virtio's ring, NVMe's queues and PRP lists)
 * comes from one shared arena, blk_dma_arena(), not from each driver.
 *
 * DMA: requests carry 64-bit physical addresses anywhere in RAM.  A device
 * that reaches less copies through its own bounce buffer (AHCI without
 * CAP.S64A) and lowers max_bytes to that buffer's size; blkq needs no limit
 * (docs/guarantees.md, "Memory above 4 GiB"). */
#ifndef DRIVERS_BLKDEV_H
#define DRIVERS_BLKDEV_H
#include <stdint.h>
#include "crashcap/params.h"
#include "drivers/pci.h"

#define BLK_OP_READ  0
#define BLK_OP_WRITE 1
#define BLK_OP_FLUSH 2

#define BLK_MAX_SLOTS 16
#define BLK_MAX_IDS   3

/* The shared DMA arena: page aligned, inside the payload's image (so below
 * 4 GiB whenever the payload is), owned by whichever driver probes. */
#define BLK_DMA_ARENA_BYTES (128 * 1024)
void *blk_dma_arena(void);

/* Why blkq asks for a reset. */
#define BLK_RESET_FAILED  1 /* a request ended with an error (reap: ok = 0): make the
                               device take commands again.  The other requests in
                               flight stay in flight; a driver that cannot keep them
                               runs with nslots = 1. */
#define BLK_RESET_TIMEOUT 2 /* a request did not end in time: reset the device.
                               Every request in flight is forgotten; blkq starts
                               them again.  A completion reaped later for a slot
                               blkq no longer counts as busy is ignored. */

struct blk_req {
	uint32_t op;
	uint64_t lba;    /* device sector */
	uint64_t phys;   /* DMA address of the data */
	uint64_t bytes;  /* multiple of the sector size, at most max_bytes; 0 for a flush */
};

struct blkdev {
	char name[40];          /* "virtio-blk 00:04.0", for messages */
	uint64_t sectors;       /* device capacity in sectors */
	uint32_t sector_size;   /* addressing unit in bytes */
	uint64_t max_bytes;     /* largest data transfer of one request */
	unsigned nslots;        /* requests that may be in flight, 1..BLK_MAX_SLOTS */
	int has_flush;
	struct cc_disk_id ids[BLK_MAX_IDS]; /* what the device says it is (CC_ID_*) */
	unsigned nids;
	void *drv;              /* driver state */
	/* Start request r in slot s (free).  0, or -1 if the device refused
	 * (blkq gives the request up: no retry of a refusal). */
	int (*submit)(struct blkdev *d, unsigned s, const struct blk_req *r);
	/* Look once, never wait: 1 with *slot and *ok set for one ended
	 * request, 0 if none has ended. */
	int (*reap)(struct blkdev *d, unsigned *slot, int *ok);
	/* why: BLK_RESET_*.  0 when the device takes requests again, -1 when
	 * it will not (then blkq gives up). */
	int (*reset)(struct blkdev *d, int why);
};

/* The one probe signature.  pci: the function at the target's recorded
 * address, already known to be of the driver's kind.  t->unit: AHCI port,
 * 0 for virtio-blk, the namespace ID for NVMe.  test_flags: CC_TEST_* the
 * driver honours (CC_TEST_DMA32 for AHCI).  CC_OK with *bd filled, or
 * CC_ERR_* after one console line saying why. */
typedef int blk_probe_fn(const struct pci_dev *pci, const struct cc_target *t, uint32_t test_flags,
			 struct blkdev *bd);

#endif
