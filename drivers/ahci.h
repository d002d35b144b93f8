/* drivers/ahci.h - one port of an AHCI 1.x HBA over PCI, polled, zero copy
 * (bounced below 4 GiB when the HBA lacks 64-bit addressing).  Scope and
 * choices: docs/ahci.md. */
#ifndef DRIVERS_AHCI_H
#define DRIVERS_AHCI_H
#include "drivers/blkdev.h"
#include "drivers/pci.h"

/* Class 01:06:01: SATA controller with the AHCI programming interface. */
int ahci_is(const struct pci_dev *d);
/* blk_probe_fn (drivers/blkdev.h): reset the HBA, start port t->unit,
 * IDENTIFY its disk.  CC_TEST_DMA32 in test_flags treats the HBA as if
 * CAP.S64A were clear (tests of the bounce path). */
blk_probe_fn ahci_probe;

#endif
