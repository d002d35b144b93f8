/* drivers/virtio_pci.c - see virtio_pci.h. */
#include <stddef.h>
#include "drivers/virtio_pci.h"
#include "boot/console.h"
#include "boot/paging.h"
#include "boot/format.h"
#include "boot/poll.h"
#include "boot/x86.h"
#include "crashcap/status.h"

#define VP_RESET_TIMEOUT_MS 1000
#define COMMON(vp, field) ((vp)->common + offsetof(struct virtio_pci_common_cfg, field))

/* Map `len` bytes at `off` into BAR `bar`: returns the MMIO address or 0. */
static uint64_t map_cap_region(const struct pci_dev *d, uint8_t cap)
{
	unsigned bar = pci_read8(d, cap + VIRTIO_PCI_CAP_BAR);
	uint32_t off = pci_read32(d, cap + VIRTIO_PCI_CAP_OFFSET);
	uint32_t len = pci_read32(d, cap + VIRTIO_PCI_CAP_LENGTH);
	int io;
	if (bar > 5)
		return 0;
	uint64_t base = pci_bar(d, bar, &io);
	if (!base || io)
		return 0;
	if (paging_map_mmio(base + off, len))
		return 0;
	return base + off;
}

int vp_probe(struct virtio_pci *vp, const struct pci_dev *d)
{
	*vp = (struct virtio_pci){ .pci = d };
	for (uint8_t cap = pci_find_cap(d, PCI_CAP_ID_VNDR, 0); cap; cap = pci_find_cap(d, PCI_CAP_ID_VNDR, cap)) {
		switch (pci_read8(d, cap + VIRTIO_PCI_CAP_CFG_TYPE)) {
		case VIRTIO_PCI_CAP_COMMON_CFG:
			if (!vp->common) vp->common = map_cap_region(d, cap);
			break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			if (!vp->notify) {
				vp->notify = map_cap_region(d, cap);
				vp->notify_mult = pci_read32(d, cap + VIRTIO_PCI_NOTIFY_CAP_MULT);
			}
			break;
		case VIRTIO_PCI_CAP_DEVICE_CFG:
			if (!vp->device_cfg) vp->device_cfg = map_cap_region(d, cap);
			break;
		}
	}
	if (vp->common && vp->notify && vp->device_cfg) {
		vp->modern = 1;
		pci_take_device(d, PCI_COMMAND_MEMORY); /* bus mastering only after the reset */
		return CC_OK;
	}
	int io;
	uint64_t bar0 = pci_bar(d, 0, &io);
	if (!io || !bar0 || bar0 > 0xffff) {
		cc_log("virtio %02x:%02x.%x: neither virtio 1.x capabilities nor a legacy I/O BAR 0", d->bus, d->dev, d->fn);
		return CC_ERR_DEVICE;
	}
	vp->io = (uint16_t)bar0;
	pci_take_device(d, PCI_COMMAND_IO); /* bus mastering only after the reset */
	return CC_OK;
}

uint8_t vp_get_status(struct virtio_pci *vp)
{
	return vp->modern ? mmio_read8(COMMON(vp, device_status)) : inb(vp->io + VIRTIO_LEGACY_STATUS);
}

static void set_status(struct virtio_pci *vp, uint8_t s)
{
	if (vp->modern)
		mmio_write8(COMMON(vp, device_status), s);
	else
		outb(vp->io + VIRTIO_LEGACY_STATUS, s);
}

void vp_add_status(struct virtio_pci *vp, uint8_t bits)
{
	set_status(vp, vp_get_status(vp) | bits);
}

/* vp_get_status() for boot/poll.h. */
static uint32_t read_status(uint64_t vp) { return vp_get_status((struct virtio_pci *)vp); }

int vp_reset(struct virtio_pci *vp)
{
	pci_set_master(vp->pci, 0); /* no DMA until the device has forgotten its old rings */
	set_status(vp, 0);
	char who[24];
	cc_snprintf(who, sizeof(who), "virtio %02x:%02x.%x", vp->pci->bus, vp->pci->dev, vp->pci->fn);
	if (poll_until(&(struct poll){ read_status, (uint64_t)vp, 0xff, 0, VP_RESET_TIMEOUT_MS, who,
				       "device status to read 0 after reset" }, 0))
		return -1;
	pci_set_master(vp->pci, 1);
	return 0;
}

uint64_t vp_device_features(struct virtio_pci *vp)
{
	if (!vp->modern)
		return inl(vp->io + VIRTIO_LEGACY_HOST_FEATURES);
	mmio_write32(COMMON(vp, device_feature_select), 0);
	uint64_t lo = mmio_read32(COMMON(vp, device_feature));
	mmio_write32(COMMON(vp, device_feature_select), 1);
	return lo | (uint64_t)mmio_read32(COMMON(vp, device_feature)) << 32;
}

int vp_set_features(struct virtio_pci *vp, uint64_t f)
{
	if (!vp->modern) {
		outl(vp->io + VIRTIO_LEGACY_GUEST_FEATURES, (uint32_t)f);
		return 0;
	}
	mmio_write32(COMMON(vp, driver_feature_select), 0);
	mmio_write32(COMMON(vp, driver_feature), (uint32_t)f);
	mmio_write32(COMMON(vp, driver_feature_select), 1);
	mmio_write32(COMMON(vp, driver_feature), (uint32_t)(f >> 32));
	vp_add_status(vp, VIRTIO_STATUS_FEATURES_OK);
	return vp_get_status(vp) & VIRTIO_STATUS_FEATURES_OK ? 0 : -1;
}

unsigned vp_queue_max(struct virtio_pci *vp, unsigned q)
{
	if (!vp->modern) {
		outw(vp->io + VIRTIO_LEGACY_QUEUE_SELECT, (uint16_t)q);
		return inw(vp->io + VIRTIO_LEGACY_QUEUE_SIZE);
	}
	mmio_write16(COMMON(vp, queue_select), (uint16_t)q);
	return mmio_read16(COMMON(vp, queue_size));
}

int vp_queue_size_fixed(const struct virtio_pci *vp) { return !vp->modern; }
unsigned vp_ring_align(const struct virtio_pci *vp) { return vp->modern ? 16 : VIRTIO_LEGACY_RING_ALIGN; }

int vp_setup_queue(struct virtio_pci *vp, unsigned q, const struct vring *vr)
{
	if (!vp->modern) {
		outw(vp->io + VIRTIO_LEGACY_QUEUE_SELECT, (uint16_t)q);
		uint64_t pfn = (uint64_t)vr->desc >> VIRTIO_LEGACY_PFN_SHIFT;
		if (pfn >> 32)
			return -1; /* legacy rings must sit below 16 TiB */
		outl(vp->io + VIRTIO_LEGACY_QUEUE_PFN, (uint32_t)pfn);
		return 0;
	}
	mmio_write16(COMMON(vp, queue_select), (uint16_t)q);
	mmio_write16(COMMON(vp, queue_size), (uint16_t)vr->size);
	mmio_write16(COMMON(vp, queue_msix_vector), VIRTIO_NO_VECTOR);
	mmio_write64_split(COMMON(vp, queue_desc), (uint64_t)vr->desc);
	mmio_write64_split(COMMON(vp, queue_driver), (uint64_t)vr->avail);
	mmio_write64_split(COMMON(vp, queue_device), (uint64_t)vr->used);
	vp->queue_notify = vp->notify + (uint64_t)mmio_read16(COMMON(vp, queue_notify_off)) * vp->notify_mult;
	mmio_write16(COMMON(vp, queue_enable), 1);
	return 0;
}

void vp_notify(struct virtio_pci *vp, unsigned q)
{
	if (vp->modern)
		mmio_write16(vp->queue_notify, (uint16_t)q);
	else
		outw(vp->io + VIRTIO_LEGACY_QUEUE_NOTIFY, (uint16_t)q);
}

uint8_t vp_cfg8(struct virtio_pci *vp, unsigned off)
{
	return vp->modern ? mmio_read8(vp->device_cfg + off) : inb(vp->io + VIRTIO_LEGACY_DEVICE_CFG + off);
}

uint32_t vp_cfg32(struct virtio_pci *vp, unsigned off)
{
	return vp->modern ? mmio_read32(vp->device_cfg + off) : inl(vp->io + VIRTIO_LEGACY_DEVICE_CFG + off);
}

uint64_t vp_cfg64(struct virtio_pci *vp, unsigned off)
{
	return vp_cfg32(vp, off) | (uint64_t)vp_cfg32(vp, off + 4) << 32;
}
