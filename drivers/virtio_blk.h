/* drivers/virtio_blk.h - virtio-blk over PCI, one polled queue, zero copy. */
#ifndef DRIVERS_VIRTIO_BLK_H
#define DRIVERS_VIRTIO_BLK_H
#include "drivers/blkdev.h"
#include "drivers/pci.h"

int virtio_blk_is(const struct pci_dev *d);
/* blk_probe_fn (drivers/blkdev.h): reset and bring up the device; t->unit
 * must be 0. */
blk_probe_fn virtio_blk_probe;

#endif
