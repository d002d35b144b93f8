/* drivers/nvme.h - one namespace of an NVMe controller over PCI, polled,
 * zero copy, several commands in flight.  Scope and choices: docs/nvme.md. */
#ifndef DRIVERS_NVME_H
#define DRIVERS_NVME_H
#include "drivers/blkdev.h"
#include "drivers/pci.h"

/* Class 01:08:02: non-volatile memory controller, NVM Express. */
int nvme_is(const struct pci_dev *d);
/* blk_probe_fn (drivers/blkdev.h): take the controller over (CC.EN=0
 * without shutdown notification), build admin and I/O queues in the
 * payload's DMA arena, Identify the controller and namespace t->unit. */
blk_probe_fn nvme_probe;

#endif
