/* capture/target.c - see target.h. */
#include "capture/target.h"
#include "boot/console.h"
#include "crashcap/status.h"
#include "boot/format.h"
#include "boot/string.h"
#include "drivers/ahci.h"
#include "drivers/nvme.h"
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

static const char *id_kind(uint32_t kind)
{
	return kind == CC_ID_NGUID ? "NGUID" : kind == CC_ID_EUI64 ? "EUI64" : kind == CC_ID_SERIAL ? "serial" : "identity";
}

/* "NGUID 0011..ff" (hex) or "serial \"X\"" into out. */
static void id_text(const struct cc_disk_id *id, char *out, size_t size)
{
	size_t n = (size_t)cc_snprintf(out, size, "%s ", id_kind(id->kind));
	unsigned len = id->len < CC_ID_BYTES ? id->len : CC_ID_BYTES;
	if (id->kind == CC_ID_SERIAL) {
		n += (size_t)cc_snprintf(out + n, size - n, "\"");
		for (unsigned i = 0; i < len && n + 2 < size; i++)
			out[n++] = id->bytes[i] >= 0x20 && id->bytes[i] < 0x7f ? (char)id->bytes[i] : '?';
		cc_snprintf(out + n, size - n, "\"");
		return;
	}
	for (unsigned i = 0; i < len && n + 3 <= size; i++)
		n += (size_t)cc_snprintf(out + n, size - n, "%02x", id->bytes[i]);
}

/* The disk's identity against what the loader recorded (params.target_id):
 * before the first write, so another disk behind the same controller and
 * unit (a swapped drive, a reformatted namespace) is left as it is. */
static int check_identity(const struct cc_params *p, const struct blkdev *bd)
{
	const struct cc_disk_id *want = &p->target_id;
	char w[80], f[80];
	if (want->kind == CC_ID_NONE)
		return CC_OK;
	id_text(want, w, sizeof(w));
	for (unsigned i = 0; i < bd->nids; i++) {
		const struct cc_disk_id *have = &bd->ids[i];
		if (have->kind != want->kind)
			continue;
		if (have->len == want->len && !memcmp(have->bytes, want->bytes, want->len < CC_ID_BYTES ? want->len : CC_ID_BYTES)) {
			cc_log("%s: %s, as the loader recorded", bd->name, w);
			return CC_OK;
		}
		id_text(have, f, sizeof(f));
		cc_log("wrong disk: %s has %s, the target was recorded on %s; writing nothing", bd->name, f, w);
		return CC_ERR_WRONG_DISK;
	}
	cc_log("wrong disk: %s reports no %s, the target was recorded on %s; writing nothing", bd->name,
	       id_kind(want->kind), w);
	return CC_ERR_WRONG_DISK;
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
	case CC_TARGET_NVME:
		if (!dev || !nvme_is(dev))
			return missing(t, dev, "NVMe", ndev);
		st = nvme_probe(dev, t, p->test_flags, bd);
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
	return check_identity(p, bd);
}
