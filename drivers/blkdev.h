/* drivers/blkdev.h - what a disk driver gives the dump writer.
 *
 * A driver fills the geometry and three operations at probe time (assigned
 * at run time: a static table of function pointers would need relocations).
 * Requests live in slots; capture/blkq.c owns retries, deadlines and the
 * target window, so drivers stay free of policy. */
#ifndef DRIVERS_BLKDEV_H
#define DRIVERS_BLKDEV_H
#include <stdint.h>

#define BLK_OP_READ  0
#define BLK_OP_WRITE 1
#define BLK_OP_FLUSH 2

#define BLK_MAX_SLOTS 16

struct blk_req {
	uint32_t op;
	uint64_t lba;    /* device sector */
	uint64_t phys;   /* DMA address of the data */
	uint64_t bytes;  /* multiple of the sector size; 0 for a flush */
};

struct blkdev {
	char name[40];          /* "virtio-blk 00:04.0", for messages */
	uint64_t sectors;       /* device capacity in sectors */
	uint32_t sector_size;   /* addressing unit in bytes */
	uint64_t max_bytes;     /* largest data transfer of one request */
	uint64_t dma_limit;     /* highest DMA address + 1 the device can reach */
	unsigned nslots;        /* requests that may be in flight */
	int has_flush;
	void *drv;              /* driver state */
	/* Start request r in slot s (free).  0, or -1 if the device refused. */
	int (*submit)(struct blkdev *d, unsigned s, const struct blk_req *r);
	/* One finished request: 1 with *slot and *ok set, 0 if none yet. */
	int (*reap)(struct blkdev *d, unsigned *slot, int *ok);
	/* Reset the controller and queue after a timeout: every request in
	 * flight is forgotten.  0 on success. */
	int (*recover)(struct blkdev *d);
};

#endif
