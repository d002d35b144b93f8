/* drivers/virtio_blk.c - virtio-blk (virtio 1.2, 5.2) for the dump writer.
 *
 * Every request is a three-descriptor chain: header (device reads), data
 * pointing straight at the RAM being dumped (device reads; no copy), status
 * byte (device writes).  Slot s owns descriptors 3s..3s+2, its header and
 * status byte, so no free list is needed.  The device is reset first,
 * unconditionally: the crashed kernel may have left requests in flight. */
#include "drivers/virtio_blk.h"
#include "drivers/virtio_pci.h"
#include "boot/console.h"
#include "boot/format.h"
#include "crashcap/status.h"

#define VBLK_QUEUE          0
#define VBLK_MAX_QUEUE      256     /* modern: the ring size we ask for */
#define VBLK_RING_BYTES     (32 * 1024) /* legacy rings up to 1024 entries */
#define VBLK_MAX_REQUEST    (4u << 20)  /* bytes per request, if the device allows */
#define VBLK_DESC_PER_REQ   3
#define VBLK_MIN_REQUEST    4096        /* requests stay whole pages (4 KiB logical blocks) */

struct vblk {
	struct virtio_pci vp;
	struct vring vr;
	uint64_t features;
	struct virtio_blk_req_hdr hdr[BLK_MAX_SLOTS];
	volatile uint8_t status[BLK_MAX_SLOTS];
};

static struct vblk vblk;
_Static_assert(VBLK_RING_BYTES <= BLK_DMA_ARENA_BYTES, "the ring lives in the shared DMA arena");

int virtio_blk_is(const struct pci_dev *d)
{
	return d->vendor == VIRTIO_PCI_VENDOR &&
	       (d->device == VIRTIO_PCI_DEVICE_BLK_LEGACY || d->device == VIRTIO_PCI_DEVICE_BLK_MODERN);
}

static int vblk_submit(struct blkdev *bd, unsigned s, const struct blk_req *r)
{
	struct vblk *v = bd->drv;
	unsigned d0 = s * VBLK_DESC_PER_REQ;
	v->hdr[s] = (struct virtio_blk_req_hdr){
		.type = r->op == BLK_OP_WRITE ? VIRTIO_BLK_T_OUT : r->op == BLK_OP_READ ? VIRTIO_BLK_T_IN : VIRTIO_BLK_T_FLUSH,
		.sector = r->lba,
	};
	v->status[s] = 0xff; /* the device overwrites it */
	vring_set_desc(&v->vr, d0, (uint64_t)&v->hdr[s], sizeof(v->hdr[s]), VRING_DESC_F_NEXT, (uint16_t)(d0 + 1));
	if (r->op == BLK_OP_FLUSH) {
		vring_set_desc(&v->vr, d0 + 1, (uint64_t)&v->status[s], 1, VRING_DESC_F_WRITE, 0);
	} else {
		uint16_t dir = r->op == BLK_OP_READ ? VRING_DESC_F_WRITE : 0;
		vring_set_desc(&v->vr, d0 + 1, r->phys, (uint32_t)r->bytes, dir | VRING_DESC_F_NEXT, (uint16_t)(d0 + 2));
		vring_set_desc(&v->vr, d0 + 2, (uint64_t)&v->status[s], 1, VRING_DESC_F_WRITE, 0);
	}
	vring_publish(&v->vr, (uint16_t)d0);
	vp_notify(&v->vp, VBLK_QUEUE);
	return 0;
}

static int vblk_reap(struct blkdev *bd, unsigned *slot, int *ok)
{
	struct vblk *v = bd->drv;
	uint32_t id, len;
	if (!vring_pop_used(&v->vr, &id, &len))
		return 0;
	*slot = id / VBLK_DESC_PER_REQ;
	if (*slot >= bd->nslots)
		return 0; /* not ours: ignore */
	*ok = v->status[*slot] == VIRTIO_BLK_S_OK;
	return 1;
}

/* Reset, negotiate, set up the queue, DRIVER_OK (3.1.1). */
static int vblk_start(struct blkdev *bd)
{
	struct vblk *v = bd->drv;
	if (vp_reset(&v->vp))
		return CC_ERR_TIMEOUT;
	vp_add_status(&v->vp, VIRTIO_STATUS_ACKNOWLEDGE);
	vp_add_status(&v->vp, VIRTIO_STATUS_DRIVER);
	uint64_t offered = vp_device_features(&v->vp);
	uint64_t want = (1ull << VIRTIO_BLK_F_SIZE_MAX) | (1ull << VIRTIO_BLK_F_SEG_MAX) |
			(1ull << VIRTIO_BLK_F_BLK_SIZE) | (1ull << VIRTIO_BLK_F_FLUSH) | (1ull << VIRTIO_BLK_F_RO);
	/* ACCESS_PLATFORM (virtio 1.2, 6.1): the device's DMA goes through the
	 * platform IOMMU.  capture/iommu.c turned every IOMMU off before this,
	 * so our physical addresses are what the device must use either way;
	 * a device offering it (QEMU iommu_platform=on) refuses a driver that
	 * does not accept it. */
	if (v->vp.modern)
		want |= 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_ACCESS_PLATFORM;
	v->features = offered & want;
	if (vp_set_features(&v->vp, v->features)) {
		cc_log("%s: device did not accept features %lx (offered %lx)", bd->name, v->features, offered);
		goto fail;
	}
	unsigned qmax = vp_queue_max(&v->vp, VBLK_QUEUE);
	unsigned qsize = vp_queue_size_fixed(&v->vp) ? qmax : (qmax < VBLK_MAX_QUEUE ? qmax : VBLK_MAX_QUEUE);
	unsigned align = vp_ring_align(&v->vp);
	if (qsize < VBLK_DESC_PER_REQ || (qsize & (qsize - 1)) || vring_bytes(qsize, align) > VBLK_RING_BYTES) {
		cc_log("%s: queue size %u unusable (need a power of two, ring within %u bytes)", bd->name, qsize, VBLK_RING_BYTES);
		goto fail;
	}
	vring_init(&v->vr, qsize, blk_dma_arena(), align);
	if (vp_setup_queue(&v->vp, VBLK_QUEUE, &v->vr)) {
		cc_log("%s: could not place the queue", bd->name);
		goto fail;
	}
	bd->nslots = qsize / VBLK_DESC_PER_REQ < BLK_MAX_SLOTS ? qsize / VBLK_DESC_PER_REQ : BLK_MAX_SLOTS;
	vp_add_status(&v->vp, VIRTIO_STATUS_DRIVER_OK);
	if (vp_get_status(&v->vp) & (VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED)) {
		cc_log("%s: device reports status %x after DRIVER_OK", bd->name, vp_get_status(&v->vp));
		goto fail;
	}
	return CC_OK;
fail:
	vp_add_status(&v->vp, VIRTIO_STATUS_FAILED);
	return CC_ERR_DEVICE;
}

/* blkdev.reset.  A failed request (status byte not OK) leaves the queue
 * working: nothing to do.  After a timeout: reset and set up again. */
static int vblk_reset(struct blkdev *bd, int why)
{
	if (why == BLK_RESET_FAILED)
		return 0;
	cc_log("%s: resetting the device", bd->name);
	return vblk_start(bd) == CC_OK ? 0 : -1;
}

int virtio_blk_probe(const struct pci_dev *d, const struct cc_target *t, uint32_t test_flags, struct blkdev *bd)
{
	struct vblk *v = &vblk;
	(void)test_flags; /* none applies */
	*bd = (struct blkdev){ .drv = v };
	cc_snprintf(bd->name, sizeof(bd->name), "virtio-blk %02x:%02x.%x", d->bus, d->dev, d->fn);
	if (t->unit) {
		cc_log("%s: a virtio-blk device is one disk: unit %u does not exist", bd->name, t->unit);
		return CC_ERR_PARAMS;
	}
	int st = vp_probe(&v->vp, d);
	if (st)
		return st;
	bd->submit = vblk_submit;
	bd->reap = vblk_reap;
	bd->reset = vblk_reset;
	st = vblk_start(bd);
	if (st)
		return st;
	bd->sectors = vp_cfg64(&v->vp, __builtin_offsetof(struct virtio_blk_config, capacity));
	bd->sector_size = VIRTIO_BLK_SECTOR; /* virtio-blk addresses 512-byte sectors */
	bd->max_bytes = VBLK_MAX_REQUEST;
	/* One data descriptor per request: size_max bounds it when offered. */
	if (v->features & (1ull << VIRTIO_BLK_F_SIZE_MAX)) {
		uint32_t size_max = vp_cfg32(&v->vp, __builtin_offsetof(struct virtio_blk_config, size_max));
		if (size_max && size_max < bd->max_bytes)
			bd->max_bytes = size_max & ~(uint64_t)(VBLK_MIN_REQUEST - 1);
		if (bd->max_bytes < VBLK_MIN_REQUEST) {
			cc_log("%s: size_max %u is below one page: requests could not cover the dump", bd->name, size_max);
			return CC_ERR_DEVICE;
		}
	}
	bd->has_flush = !!(v->features & (1ull << VIRTIO_BLK_F_FLUSH));
	if (v->features & (1ull << VIRTIO_BLK_F_RO)) {
		cc_log("%s is read-only", bd->name);
		return CC_ERR_DEVICE;
	}
	cc_log("%s up, %lu sectors, %s, %u-entry queue, %lu KiB requests%s", bd->name, bd->sectors,
	       v->vp.modern ? "modern" : "legacy", v->vr.size, bd->max_bytes >> 10, bd->has_flush ? ", flush" : "");
	return CC_OK;
}
