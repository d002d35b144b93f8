/* drivers/pci.h - PCI configuration space through ports 0xCF8/0xCFC,
 * enumeration of every bus reachable through bridges. */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H
#include <stdint.h>

/* Configuration space offsets (PCI Local Bus 3.0, 6.1). */
#define PCI_VENDOR_ID       0x00
#define PCI_DEVICE_ID       0x02
#define PCI_COMMAND         0x04
#define PCI_STATUS          0x06
#define PCI_CLASS_REVISION  0x08 /* class << 8 | revision */
#define PCI_HEADER_TYPE     0x0e
#define PCI_BAR0            0x10
#define PCI_SECONDARY_BUS   0x19 /* type 1 header */
#define PCI_CAP_PTR         0x34

#define PCI_COMMAND_IO      (1u << 0)
#define PCI_COMMAND_MEMORY  (1u << 1)
#define PCI_COMMAND_MASTER  (1u << 2)
#define PCI_COMMAND_INTX_DISABLE (1u << 10)
#define PCI_STATUS_CAP_LIST (1u << 4)
#define PCI_HEADER_MULTIFUNCTION 0x80
#define PCI_HEADER_TYPE_MASK 0x7f
#define PCI_HEADER_TYPE_BRIDGE 1

#define PCI_BAR_IO          (1u << 0)
#define PCI_BAR_MEM_TYPE_MASK (3u << 1)
#define PCI_BAR_MEM_64      (2u << 1)

#define PCI_CAP_ID_MSI      0x05
#define PCI_CAP_ID_VNDR     0x09
#define PCI_CAP_ID_MSIX     0x11
#define PCI_MSI_FLAGS_ENABLE  (1u << 0)  /* in the MSI message control word */
#define PCI_MSIX_FLAGS_ENABLE (1u << 15) /* in the MSI-X message control word */

#define PCI_MAX_DEVICES 128

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint32_t class_rev;
};

uint8_t pci_read8(const struct pci_dev *d, uint16_t off);
uint16_t pci_read16(const struct pci_dev *d, uint16_t off);
uint32_t pci_read32(const struct pci_dev *d, uint16_t off);
void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v);
void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v);

/* Walk bus 0 and every bus behind a bridge; returns devices found. */
unsigned pci_enumerate(void);
const struct pci_dev *pci_device(unsigned i);
const struct pci_dev *pci_find(uint8_t bus, uint8_t dev, uint8_t fn);
/* BAR n: address (I/O port or memory), and whether it is I/O. 0 if unset. */
uint64_t pci_bar(const struct pci_dev *d, unsigned n, int *is_io);
/* Offset of the next capability with this id after `from` (0 = first), or 0. */
uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id, uint8_t from);
#define PCI_CLASS_BRIDGE 0x06 /* base class: host, ISA, PCI-to-PCI bridges */

/* Clear Bus Master Enable on every function but bridges (which forward
 * the target's DMA), the target included: devices the crashed kernel left
 * running stop writing into the memory being dumped, and nothing DMAs
 * through an IOMMU we are about to turn off.  The target's driver turns it
 * on again once its reset has made the device forget the old kernel's
 * requests.  Returns how many changed. */
unsigned pci_stop_bus_masters(void);
/* Bus Master Enable on (1) or off (0). */
void pci_set_master(const struct pci_dev *d, int on);
/* The one device we drive: disable MSI/MSI-X and INTx (we poll), then
 * enable the given PCI_COMMAND_* bits (memory, I/O, bus mastering). */
void pci_take_device(const struct pci_dev *d, uint16_t command_bits);

#endif
