/* drivers/virtio_ring.c - see virtio_ring.h. */
#include "drivers/virtio_ring.h"

static size_t align_up(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }

size_t vring_bytes(unsigned size, unsigned align)
{
	size_t avail_end = sizeof(struct vring_desc) * size + sizeof(uint16_t) * (3 + size);
	return align_up(avail_end, align) + sizeof(uint16_t) * 3 + sizeof(struct vring_used_elem) * size;
}

void vring_init(struct vring *vr, unsigned size, void *mem, unsigned align)
{
	uint8_t *p = mem;
	size_t avail_end = sizeof(struct vring_desc) * size + sizeof(uint16_t) * (3 + size);
	for (size_t i = 0; i < vring_bytes(size, align); i++)
		p[i] = 0;
	vr->size = size;
	vr->desc = (struct vring_desc *)p;
	vr->avail = (struct vring_avail *)(p + sizeof(struct vring_desc) * size);
	vr->used = (struct vring_used *)(p + align_up(avail_end, align));
	vr->avail->flags = VRING_AVAIL_F_NO_INTERRUPT; /* we poll */
	vr->avail_idx = 0;
	vr->last_used = 0;
}

void vring_set_desc(struct vring *vr, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	vr->desc[i] = (struct vring_desc){ .addr = addr, .len = len, .flags = flags, .next = next };
}

void vring_publish(struct vring *vr, uint16_t head)
{
	vr->avail->ring[vr->avail_idx % vr->size] = head;
	asm volatile("" ::: "memory"); /* descriptors and ring entry before idx */
	vr->avail_idx++;
	*(volatile uint16_t *)&vr->avail->idx = vr->avail_idx;
	asm volatile("" ::: "memory");
}

int vring_pop_used(struct vring *vr, uint32_t *id, uint32_t *len)
{
	uint16_t used_idx = *(volatile uint16_t *)&vr->used->idx;
	if (used_idx == vr->last_used)
		return 0;
	asm volatile("" ::: "memory"); /* idx before the element it covers */
	struct vring_used_elem e = vr->used->ring[vr->last_used % vr->size];
	vr->last_used++;
	*id = e.id;
	*len = e.len;
	return 1;
}
