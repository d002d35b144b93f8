/* capture/target.c - see target.h. */
#include "capture/target.h"
#include "boot/console.h"
#include "crashcap/status.h"
#include "drivers/ahci.h"
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

int target_attach(const struct cc_params *p, struct blkdev *bd)
{
	const struct cc_target *t = &p->target;
	unsigned ndev = pci_enumerate();
	const struct pci_dev *dev = pci_find(t->bus, t->dev, t->fn);
	int st;
	switch (t->kind) {
	case CC_TARGET_VIRTIO_BLK:
		if (!dev || !virtio_blk_is(dev))
			return missing(t, dev, "virtio-blk", ndev);
		st = virtio_blk_probe(dev, t, p->test_flags, bd);
		break;
	case CC_TARGET_AHCI:
		if (!dev || !ahci_is(dev))
			return missing(t, dev, "AHCI", ndev);
		st = ahci_probe(dev, t, p->test_flags, bd);
		break;
	default:
		cc_log("target kind %u is not supported by this payload", t->kind);
		return CC_ERR_PARAMS;
	}
	if (st)
		return st;
	/* The window is counted in the recorded sector size: another size
	 * means another disk (or a reformatted one).  blkq_init checks the
	 * window against the capacity. */
	if (t->sector_size && t->sector_size != bd->sector_size) {
		cc_log("%s has %u-byte sectors, the target was recorded with %u: writing nothing", bd->name,
		       bd->sector_size, t->sector_size);
		return CC_ERR_WRONG_DISK;
	}
	return CC_OK;
}
