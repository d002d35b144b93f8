/* drivers/virtio_ring.h - split-virtqueue bookkeeping, polled, no
 * interrupts.  Pure (host-tested in tests/unit/test_virtio_ring.c): the ring
 * memory is caller-provided, addresses are pointer values (identity map). */
#ifndef DRIVERS_VIRTIO_RING_H
#define DRIVERS_VIRTIO_RING_H
#include <stddef.h>
#include <stdint.h>
#include "drivers/virtio_regs.h"

struct vring {
	unsigned size;            /* power of two */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t avail_idx;       /* our copy of avail->idx */
	uint16_t last_used;       /* used entries consumed */
};

/* Bytes for a ring of `size` entries laid out contiguously with the used
 * ring at `align` (4096 for legacy devices, 4 is enough for modern). */
size_t vring_bytes(unsigned size, unsigned align);
void vring_init(struct vring *vr, unsigned size, void *mem, unsigned align);
void vring_set_desc(struct vring *vr, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next);
/* Make the chain starting at `head` visible to the device (barrier, then
 * idx), as 2.7.13 requires; the caller notifies afterwards. */
void vring_publish(struct vring *vr, uint16_t head);
/* One used element if the device produced one: 1, else 0. */
int vring_pop_used(struct vring *vr, uint32_t *id, uint32_t *len);

#endif
