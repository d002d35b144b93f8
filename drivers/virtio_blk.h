/* drivers/virtio_blk.h - virtio-blk over PCI, one polled queue, zero copy. */
#ifndef DRIVERS_VIRTIO_BLK_H
#define DRIVERS_VIRTIO_BLK_H
#include "drivers/blkdev.h"
#include "drivers/pci.h"

int virtio_blk_is(const struct pci_dev *d);
/* Reset and bring up the device; fills *bd.  CC_OK or CC_ERR_*. */
int virtio_blk_probe(const struct pci_dev *d, struct blkdev *bd);

#endif
