/* drivers/virtio_pci.h - the virtio PCI transport, modern (1.x capability
 * layout, 4.1.4) and legacy (I/O BAR 0, 4.1.4.10) behind one interface, so
 * device drivers never branch on the difference. */
#ifndef DRIVERS_VIRTIO_PCI_H
#define DRIVERS_VIRTIO_PCI_H
#include <stdint.h>
#include "drivers/pci.h"
#include "drivers/virtio_ring.h"

struct virtio_pci {
	const struct pci_dev *pci;
	int modern;
	uint16_t io;              /* legacy: I/O BAR 0 */
	uint64_t common;          /* modern: MMIO addresses of the structures */
	uint64_t notify;
	uint64_t device_cfg;
	uint32_t notify_mult;
	uint64_t queue_notify;    /* modern: notify address of our queue */
};

/* Find the transport's registers (modern when the capabilities are there),
 * map them uncached, take the PCI device.  0, or CC_ERR_*. */
int vp_probe(struct virtio_pci *vp, const struct pci_dev *pci);
/* Write status 0 and wait (bounded) until the device reads back 0. */
int vp_reset(struct virtio_pci *vp);
uint8_t vp_get_status(struct virtio_pci *vp);
void vp_add_status(struct virtio_pci *vp, uint8_t bits);
uint64_t vp_device_features(struct virtio_pci *vp);
/* Accept features; modern also sets FEATURES_OK and checks it stuck.  0 or -1. */
int vp_set_features(struct virtio_pci *vp, uint64_t features);
/* Largest size the device allows for queue q (0 = no such queue). */
unsigned vp_queue_max(struct virtio_pci *vp, unsigned q);
/* Legacy devices fix the ring size; modern ones accept a smaller one. */
int vp_queue_size_fixed(const struct virtio_pci *vp);
/* Ring alignment the transport needs. */
unsigned vp_ring_align(const struct virtio_pci *vp);
/* Tell the device where queue q lives and enable it.  0 or -1. */
int vp_setup_queue(struct virtio_pci *vp, unsigned q, const struct vring *vr);
void vp_notify(struct virtio_pci *vp, unsigned q);
uint8_t vp_cfg8(struct virtio_pci *vp, unsigned off);
uint32_t vp_cfg32(struct virtio_pci *vp, unsigned off);
uint64_t vp_cfg64(struct virtio_pci *vp, unsigned off);

#endif
