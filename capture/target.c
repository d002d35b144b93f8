/* capture/target.c - see target.h. */
#include "capture/target.h"
#include "capture/console.h"
#include "crashcap/status.h"
#include "drivers/pci.h"
#include "drivers/virtio_blk.h"

static void list_pci(void)
{
	const struct pci_dev *d;
	for (unsigned i = 0; (d = pci_device(i)); i++)
		cc_log("pci %02x:%02x.%x %04x:%04x class %06x", d->bus, d->dev, d->fn, d->vendor, d->device,
		       d->class_rev >> 8);
}

static int missing(const struct cc_target *t, const struct pci_dev *dev, const char *kind, unsigned ndev)
{
	cc_log("no %s device at %02x:%02x.%x (%s); %u PCI functions found:", kind, t->bus, t->dev, t->fn,
	       dev ? "another device is there" : "nothing there", ndev);
	list_pci();
	return CC_ERR_NO_DEVICE;
}

int target_open(const struct cc_target *t, struct blkdev *bd)
{
	unsigned ndev = pci_enumerate();
	const struct pci_dev *dev = pci_find(t->bus, t->dev, t->fn);
	switch (t->kind) {
	case CC_TARGET_VIRTIO_BLK:
		if (!dev || !virtio_blk_is(dev))
			return missing(t, dev, "virtio-blk", ndev);
		return virtio_blk_probe(dev, bd);
	default:
		cc_log("target kind %u is not supported by this payload", t->kind);
		return CC_ERR_PARAMS;
	}
}
