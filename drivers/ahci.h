/* drivers/ahci.h - one port of an AHCI 1.x HBA over PCI, polled, zero copy
 * (bounced below 4 GiB when the HBA lacks 64-bit addressing).  Scope and
 * choices: docs/ahci.md. */
#ifndef DRIVERS_AHCI_H
#define DRIVERS_AHCI_H
#include "drivers/blkdev.h"
#include "drivers/pci.h"

/* Class 01:06:01: SATA controller with the AHCI programming interface. */
int ahci_is(const struct pci_dev *d);
/* Reset the HBA, start `port`, IDENTIFY its disk; fills *bd.  dma32_only
 * treats the HBA as if CAP.S64A were clear (tests of the bounce path).
 * CC_OK or CC_ERR_*, after one console line saying why. */
int ahci_probe(const struct pci_dev *d, unsigned port, int dma32_only, struct blkdev *bd);

#endif
