/* drivers/pci.c - see pci.h.  Configuration mechanism #1 (PCI Local Bus
 * 3.0, 3.2.2.3.2). */
#include "drivers/pci.h"
#include "boot/x86.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc
#define PCI_CONFIG_ENABLE  (1u << 31)
#define PCI_MAX_BUS_DEPTH  8   /* bridges behind bridges we follow */
#define PCI_MAX_CAPS       48  /* bound on a capability chain walk */

static struct pci_dev devices[PCI_MAX_DEVICES];
static unsigned ndevices;

static void select_reg(const struct pci_dev *d, uint16_t off)
{
	outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | (uint32_t)d->bus << 16 |
	     (uint32_t)d->dev << 11 | (uint32_t)d->fn << 8 | (off & 0xfc));
}

uint32_t pci_read32(const struct pci_dev *d, uint16_t off)
{
	select_reg(d, off);
	return inl(PCI_CONFIG_DATA);
}

uint16_t pci_read16(const struct pci_dev *d, uint16_t off)
{
	select_reg(d, off);
	return inw(PCI_CONFIG_DATA + (off & 2));
}

uint8_t pci_read8(const struct pci_dev *d, uint16_t off)
{
	select_reg(d, off);
	return inb(PCI_CONFIG_DATA + (off & 3));
}

void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v)
{
	select_reg(d, off);
	outw(PCI_CONFIG_DATA + (off & 2), v);
}

void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v)
{
	select_reg(d, off);
	outl(PCI_CONFIG_DATA, v);
}

static void scan_bus(uint8_t bus, unsigned depth);

static void scan_function(uint8_t bus, uint8_t dev, uint8_t fn, unsigned depth)
{
	struct pci_dev d = { .bus = bus, .dev = dev, .fn = fn };
	uint16_t vendor = pci_read16(&d, PCI_VENDOR_ID);
	if (vendor == 0xffff)
		return;
	d.vendor = vendor;
	d.device = pci_read16(&d, PCI_DEVICE_ID);
	d.class_rev = pci_read32(&d, PCI_CLASS_REVISION);
	if (ndevices < PCI_MAX_DEVICES)
		devices[ndevices++] = d;
	if ((pci_read8(&d, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK) == PCI_HEADER_TYPE_BRIDGE) {
		uint8_t secondary = pci_read8(&d, PCI_SECONDARY_BUS);
		if (secondary > bus && depth < PCI_MAX_BUS_DEPTH)
			scan_bus(secondary, depth + 1);
	}
}

static void scan_bus(uint8_t bus, unsigned depth)
{
	for (uint8_t dev = 0; dev < 32; dev++) {
		struct pci_dev d = { .bus = bus, .dev = dev, .fn = 0 };
		if (pci_read16(&d, PCI_VENDOR_ID) == 0xffff)
			continue;
		unsigned nfn = pci_read8(&d, PCI_HEADER_TYPE) & PCI_HEADER_MULTIFUNCTION ? 8 : 1;
		for (uint8_t fn = 0; fn < nfn; fn++)
			scan_function(bus, dev, fn, depth);
	}
}

unsigned pci_enumerate(void)
{
	ndevices = 0;
	scan_bus(0, 0);
	return ndevices;
}

const struct pci_dev *pci_device(unsigned i)
{
	return i < ndevices ? &devices[i] : 0;
}

const struct pci_dev *pci_find(uint8_t bus, uint8_t dev, uint8_t fn)
{
	for (unsigned i = 0; i < ndevices; i++)
		if (devices[i].bus == bus && devices[i].dev == dev && devices[i].fn == fn)
			return &devices[i];
	return 0;
}

uint64_t pci_bar(const struct pci_dev *d, unsigned n, int *is_io)
{
	uint32_t lo = pci_read32(d, PCI_BAR0 + 4 * n);
	*is_io = lo & PCI_BAR_IO;
	if (*is_io)
		return lo & ~3u;
	uint64_t a = lo & ~0xfu;
	if ((lo & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_64 && n < 5)
		a |= (uint64_t)pci_read32(d, PCI_BAR0 + 4 * (n + 1)) << 32;
	return a;
}

uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id, uint8_t from)
{
	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	uint8_t off = from ? pci_read8(d, from + 1) : pci_read8(d, PCI_CAP_PTR);
	for (unsigned n = 0; off >= 0x40 && n < PCI_MAX_CAPS; n++) {
		off &= 0xfc;
		if (pci_read8(d, off) == id)
			return off;
		off = pci_read8(d, off + 1);
	}
	return 0;
}

unsigned pci_stop_bus_masters(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < ndevices; i++) {
		const struct pci_dev *d = &devices[i];
		if (d->class_rev >> 24 == PCI_CLASS_BRIDGE)
			continue;
		uint16_t cmd = pci_read16(d, PCI_COMMAND);
		if (cmd & PCI_COMMAND_MASTER) {
			pci_write16(d, PCI_COMMAND, cmd & ~PCI_COMMAND_MASTER);
			n++;
		}
	}
	return n;
}

void pci_set_master(const struct pci_dev *d, int on)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND, on ? cmd | PCI_COMMAND_MASTER : cmd & ~PCI_COMMAND_MASTER);
}

void pci_take_device(const struct pci_dev *d, uint16_t command_bits)
{
	uint8_t c = pci_find_cap(d, PCI_CAP_ID_MSI, 0);
	if (c)
		pci_write16(d, c + 2, pci_read16(d, c + 2) & ~PCI_MSI_FLAGS_ENABLE);
	c = pci_find_cap(d, PCI_CAP_ID_MSIX, 0);
	if (c)
		pci_write16(d, c + 2, pci_read16(d, c + 2) & ~PCI_MSIX_FLAGS_ENABLE);
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND, cmd | command_bits | PCI_COMMAND_INTX_DISABLE);
}
