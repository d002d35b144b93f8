/* drivers/ahci.c - AHCI 1.x over PCI for the dump writer: one port of one
 * HBA, polled, one command at a time.  Section numbers are from "Serial ATA
 * AHCI 1.3.1 Specification".
 *
 * One command slot: without NCQ an ATA device runs one command at a time,
 * so more slots would only queue inside the HBA, and non-queued error
 * recovery (6.2.2.1) would then have to work out which of them failed.
 * Instead one command moves up to 32 MiB (65536 sectors, the 48-bit count
 * limit at 512 bytes) through 8 PRDs of 4 MiB, which keeps the disk as busy.
 *
 * Zero copy: the PRDs point at the RAM being dumped.  An HBA without 64-bit
 * addressing (CAP.S64A clear) gets writes from above 4 GiB through a bounce
 * buffer in our own image, AHCI_BOUNCE_BYTES per command; reads only ever
 * fill our own buffers, which must then lie below 4 GiB (checked at probe).
 *
 * The HBA is reset unconditionally (GHC.HR) and the port gets a COMRESET on
 * every start: the reset paths run on every capture, and the disk starts
 * from a known state whatever the crashed kernel left in flight. */
#include "drivers/ahci.h"
#include "drivers/ahci_prd.h"
#include "drivers/ahci_regs.h"
#include "drivers/ata.h"
#include "boot/console.h"
#include "boot/format.h"
#include "boot/paging.h"
#include "boot/poll.h"
#include "boot/string.h"
#include "boot/timer.h"
#include "boot/x86.h"
#include "crashcap/status.h"

#define AHCI_HR_TIMEOUT_MS       1000  /* GHC.HR clears within 1 s (10.4.3) */
#define AHCI_STOP_TIMEOUT_MS     500   /* PxCMD.CR and FR clear within 500 ms (10.1.2) */
#define AHCI_COMRESET_HOLD_US    1000  /* PxSCTL.DET=1 held at least 1 ms (10.4.2) */
#define AHCI_LINK_TIMEOUT_MS     3000  /* PxSSTS.DET=3 after COMRESET (Linux allows 2-3 s too) */
#define AHCI_READY_TIMEOUT_MS    31000 /* BSY and DRQ clear after a reset (ATA: 31 s) */
#define AHCI_IDENTIFY_TIMEOUT_MS 10000
#define AHCI_SLOT                0     /* the one command slot we use */
#define AHCI_MAX_PRDS            8
#define AHCI_MAX_REQUEST         ((uint64_t)AHCI_MAX_PRDS * AHCI_PRD_MAX_BYTES) /* 32 MiB */
#define AHCI_BOUNCE_BYTES        (128 * 1024)
#define DMA32_END                (1ull << 32)

struct ahci_table {
	struct ahci_cmd_table_head head;
	struct ahci_prd prdt[AHCI_MAX_PRDS];
};
_Static_assert(__builtin_offsetof(struct ahci_table, prdt) == 0x80, "PRDT at 0x80 (4.2.3)");

struct ahci {
	char name[40];          /* "ahci 00:1f.2 p0", for messages */
	uint64_t abar;          /* HBA registers, mapped uncached */
	uint64_t px;            /* this port's registers */
	unsigned port;
	uint32_t cap, pi;       /* as found before the reset */
	int dma64;              /* PRDs may point above 4 GiB */
	int busy;               /* a command is in AHCI_SLOT */
	int dead;               /* recovery failed: refuse every request */
	struct blk_req cur;     /* the request in the slot, for messages */
	uint8_t *bounce;        /* AHCI_BOUNCE_BYTES: blk_dma_arena() */
};

static struct ahci ahci;
static struct ahci_cmd_header cmd_list[AHCI_CMD_LIST_SLOTS] __attribute__((aligned(AHCI_CMD_LIST_ALIGN)));
static struct ahci_rfis rfis __attribute__((aligned(AHCI_RFIS_ALIGN)));
static struct ahci_table table __attribute__((aligned(AHCI_CMD_TABLE_ALIGN)));
static uint16_t id_buf[ATA_ID_WORDS] __attribute__((aligned(16)));
_Static_assert(AHCI_BOUNCE_BYTES <= BLK_DMA_ARENA_BYTES, "the bounce buffer is the shared DMA arena");

/* Registers ---------------------------------------------------------------- */

static uint32_t hba_read(const struct ahci *a, unsigned reg) { return mmio_read32(a->abar + reg); }
static void hba_write(const struct ahci *a, unsigned reg, uint32_t v) { mmio_write32(a->abar + reg, v); }
static uint32_t port_read(const struct ahci *a, unsigned reg) { return mmio_read32(a->px + reg); }
static void port_write(const struct ahci *a, unsigned reg, uint32_t v) { mmio_write32(a->px + reg, v); }

/* Poll the register at addr until (value & mask) == want, at most ms.
 * 0, or -1 after naming the wait (boot/poll.h). */
static int wait_reg(const struct ahci *a, uint64_t addr, uint32_t mask, uint32_t want, unsigned ms, const char *what)
{
	return poll_until(&(struct poll){ poll_mmio32, addr, mask, want, ms, a->name, what }, 0);
}

static int port_wait(const struct ahci *a, unsigned reg, uint32_t mask, uint32_t want, unsigned ms, const char *what)
{
	return wait_reg(a, a->px + reg, mask, want, ms, what);
}

static void report(const struct ahci *a, const char *what)
{
	uint32_t tfd = port_read(a, AHCI_PxTFD);
	cc_log("%s: %s: PxIS=%x PxTFD=%x (status %x, error %x) PxSERR=%x PxCI=%x", a->name, what,
	       port_read(a, AHCI_PxIS), tfd, tfd & 0xff, (tfd >> AHCI_PxTFD_ERR_SHIFT) & 0xff,
	       port_read(a, AHCI_PxSERR), port_read(a, AHCI_PxCI));
}

/* Port engines (10.3) ------------------------------------------------------------ */

/* ST=0, then wait for CR=0; the HBA clears PxCI on the way (10.3.2). */
static int engine_stop(struct ahci *a)
{
	uint32_t cmd = port_read(a, AHCI_PxCMD);
	if (cmd & AHCI_PxCMD_ST)
		port_write(a, AHCI_PxCMD, cmd & ~AHCI_PxCMD_ST);
	a->busy = 0;
	return port_wait(a, AHCI_PxCMD, AHCI_PxCMD_CR, 0, AHCI_STOP_TIMEOUT_MS, "PxCMD.CR=0 (command list stopped)");
}

/* FRE=0, then wait for FR=0 (10.3.2). */
static int fis_stop(struct ahci *a)
{
	uint32_t cmd = port_read(a, AHCI_PxCMD);
	if (cmd & AHCI_PxCMD_FRE)
		port_write(a, AHCI_PxCMD, cmd & ~AHCI_PxCMD_FRE);
	return port_wait(a, AHCI_PxCMD, AHCI_PxCMD_FR, 0, AHCI_STOP_TIMEOUT_MS, "PxCMD.FR=0 (FIS receive stopped)");
}

/* ST=1 (10.3.1): callers made sure FRE is set and BSY and DRQ are clear. */
static void engine_start(struct ahci *a)
{
	port_write(a, AHCI_PxCMD, port_read(a, AHCI_PxCMD) | AHCI_PxCMD_ST);
}

static void clear_errors(struct ahci *a)
{
	port_write(a, AHCI_PxSERR, ~0u);
	port_write(a, AHCI_PxIS, ~0u);
	hba_write(a, AHCI_IS, 1u << a->port);
}

/* COMRESET (10.4.2) with ST=0, then wait for the link and for the device's
 * first D2H register FIS to clear BSY and DRQ. */
static int port_comreset(struct ahci *a)
{
	uint32_t sctl = port_read(a, AHCI_PxSCTL) & ~(AHCI_PxSCTL_DET_MASK | AHCI_PxSCTL_IPM_MASK);
	port_write(a, AHCI_PxSCTL, sctl | AHCI_PxSCTL_IPM_NONE | AHCI_PxSCTL_DET_COMRESET);
	udelay(AHCI_COMRESET_HOLD_US);
	port_write(a, AHCI_PxSCTL, sctl | AHCI_PxSCTL_IPM_NONE | AHCI_PxSCTL_DET_NONE);
	/* No link is "no device", not a timeout: this wait says so itself. */
	uint32_t ssts;
	if (poll_quiet(&(struct poll){ poll_mmio32, a->px + AHCI_PxSSTS, AHCI_PxSSTS_DET_MASK, AHCI_PxSSTS_DET_PHY,
				       AHCI_LINK_TIMEOUT_MS, 0, "PxSSTS.DET=3 (link up)" }, &ssts)) {
		cc_log("%s: no device: the link did not come up within %u ms of COMRESET (PxSSTS=%x)", a->name,
		       AHCI_LINK_TIMEOUT_MS, ssts);
		return CC_ERR_NO_DEVICE;
	}
	/* The link coming up latches PxSERR bits; a set DIAG.X keeps the
	 * device's D2H FIS from updating PxTFD, so clear them first. */
	port_write(a, AHCI_PxSERR, ~0u);
	if (port_wait(a, AHCI_PxTFD, AHCI_PxTFD_STS_BSY | AHCI_PxTFD_STS_DRQ, 0, AHCI_READY_TIMEOUT_MS,
		      "PxTFD.STS.BSY=0 and DRQ=0 (device ready after COMRESET)"))
		return CC_ERR_TIMEOUT;
	return CC_OK;
}

/* From any state to running (10.1.2, 10.3.1): engines stopped, our command
 * list and received-FIS area, FIS reception on, power and spin-up, COMRESET,
 * errors cleared, an ATA signature, ST=1. */
static int port_start(struct ahci *a)
{
	if (engine_stop(a) || fis_stop(a))
		return CC_ERR_TIMEOUT;
	memset(cmd_list, 0, sizeof(cmd_list));
	memset(&rfis, 0, sizeof(rfis));
	uint64_t clb = (uint64_t)cmd_list, fb = (uint64_t)&rfis;
	port_write(a, AHCI_PxCLB, (uint32_t)clb);
	port_write(a, AHCI_PxCLBU, (uint32_t)(clb >> 32));
	port_write(a, AHCI_PxFB, (uint32_t)fb);
	port_write(a, AHCI_PxFBU, (uint32_t)(fb >> 32));
	port_write(a, AHCI_PxIE, 0); /* polled */
	uint32_t cmd = (port_read(a, AHCI_PxCMD) & ~AHCI_PxCMD_ICC_MASK) | AHCI_PxCMD_FRE | AHCI_PxCMD_ICC_ACTIVE;
	if (a->cap & AHCI_CAP_SSS)
		cmd |= AHCI_PxCMD_SUD;
	if (cmd & AHCI_PxCMD_CPD)
		cmd |= AHCI_PxCMD_POD;
	port_write(a, AHCI_PxCMD, cmd);
	port_write(a, AHCI_PxSERR, ~0u);
	int st = port_comreset(a);
	if (st)
		return st;
	uint32_t sig = port_read(a, AHCI_PxSIG);
	if (sig == AHCI_SIG_ATAPI || sig == AHCI_SIG_PM || sig == AHCI_SIG_SEMB) {
		cc_log("%s: the device is %s (PxSIG=%x), not an ATA disk", a->name,
		       sig == AHCI_SIG_ATAPI ? "ATAPI" : sig == AHCI_SIG_PM ? "a port multiplier" : "an enclosure bridge", sig);
		return CC_ERR_DEVICE;
	}
	clear_errors(a);
	engine_start(a);
	return CC_OK;
}

/* GHC.HR (10.4.3) resets every port and the HBA; then AHCI mode again
 * and interrupts off. */
static int hba_reset(struct ahci *a)
{
	hba_write(a, AHCI_GHC, AHCI_GHC_AE); /* some HBAs take HR only in AHCI mode */
	hba_write(a, AHCI_GHC, AHCI_GHC_AE | AHCI_GHC_HR);
	if (wait_reg(a, a->abar + AHCI_GHC, AHCI_GHC_HR, 0, AHCI_HR_TIMEOUT_MS, "GHC.HR=0 (HBA reset done)"))
		return CC_ERR_TIMEOUT;
	hba_write(a, AHCI_GHC, AHCI_GHC_AE); /* AE is 0 after a reset unless CAP.SAM */
	/* PI is write-once on some HBAs and firmware's value is lost on reset:
	 * write back what we found (as Linux does; a no-op where PI is RO). */
	if (hba_read(a, AHCI_PI) != a->pi)
		hba_write(a, AHCI_PI, a->pi);
	hba_write(a, AHCI_IS, ~0u);
	return CC_OK;
}

/* Commands ---------------------------------------------------------------------- */

/* Slot AHCI_SLOT gets the FIS and nprd entries of table.prdt; then the
 * doorbell. */
static void issue(struct ahci *a, const struct sata_fis_h2d *fis, int write, unsigned nprd)
{
	memcpy(table.head.cfis, fis, sizeof(*fis));
	uint64_t ct = (uint64_t)&table;
	cmd_list[AHCI_SLOT] = (struct ahci_cmd_header){
		.flags = AHCI_CMDH_CFL(SATA_FIS_H2D_DWORDS) | (write ? AHCI_CMDH_W : 0) | AHCI_CMDH_PRDTL(nprd),
		.ctba = (uint32_t)ct,
		.ctbau = (uint32_t)(ct >> 32),
	};
	port_write(a, AHCI_PxIS, ~0u); /* DHRS/PSS of the previous command */
	barrier(); /* header, table and PRDs in memory before the doorbell */
	port_write(a, AHCI_PxCI, 1u << AHCI_SLOT);
	a->busy = 1;
}

/* 0 while the command runs; 1 when it ended, *ok saying how.  Real HBAs
 * leave PxCI set after a task-file error (QEMU clears it), so an error bit
 * ends the command either way.  PxCI first: the HBA updates PxTFD and PxIS
 * before it clears the bit. */
static int poll(const struct ahci *a, int *ok)
{
	uint32_t ci = port_read(a, AHCI_PxCI);
	uint32_t is = port_read(a, AHCI_PxIS);
	if ((ci & (1u << AHCI_SLOT)) && !(is & AHCI_PxIS_ERROR))
		return 0;
	*ok = !(is & AHCI_PxIS_ERROR) && !(port_read(a, AHCI_PxTFD) & AHCI_PxTFD_STS_ERR);
	return 1;
}

/* poll() for boot/poll.h: bit 1 = the command ended, bit 0 = it succeeded. */
static uint32_t command_ended(uint64_t arg)
{
	int ok = 0;
	return poll((const struct ahci *)arg, &ok) ? 2u | (uint32_t)ok : 0;
}

/* Non-queued error recovery (6.2.2.1).  0, or -1 if the port will not
 * stop (then only an HBA reset helps). */
static int port_recover(struct ahci *a)
{
	/* 1. ST=0: the HBA clears PxCI and stops; wait for CR=0. */
	if (engine_stop(a))
		return -1;
	/* 2. Clear PxSERR and PxIS (and our bit in IS). */
	clear_errors(a);
	/* 3. A device still BSY or DRQ needs a COMRESET to get back to idle. */
	uint32_t tfd = port_read(a, AHCI_PxTFD);
	if (tfd & (AHCI_PxTFD_STS_BSY | AHCI_PxTFD_STS_DRQ)) {
		cc_log("%s: device still busy (PxTFD=%x): COMRESET", a->name, tfd);
		if (port_comreset(a))
			return -1;
		clear_errors(a);
	}
	/* 4. ST=1: ready for the retry. */
	engine_start(a);
	return 0;
}

/* blkdev.reset, after a failed command (BLK_RESET_FAILED) and after a
 * timeout alike: the port first, the whole HBA if the port will not stop.
 * Whatever was in the slot is gone; with one slot nothing else was in
 * flight. */
static int ahci_reset(struct blkdev *bd, int why)
{
	struct ahci *a = bd->drv;
	(void)why;
	cc_log("%s: port recovery (AHCI 6.2.2.1)", a->name);
	if (!port_recover(a))
		return 0;
	cc_log("%s: the port did not recover: resetting the HBA", a->name);
	if (hba_reset(a) == CC_OK && port_start(a) == CC_OK)
		return 0;
	cc_log("%s: HBA reset failed: no more requests to this device", a->name);
	a->dead = 1;
	return -1;
}

static const char *op_name(uint32_t op)
{
	return op == BLK_OP_WRITE ? "WRITE DMA EXT" : op == BLK_OP_READ ? "READ DMA EXT" : "FLUSH CACHE EXT";
}

static int ahci_submit(struct blkdev *bd, unsigned s, const struct blk_req *r)
{
	struct ahci *a = bd->drv;
	struct sata_fis_h2d fis;
	unsigned nprd = 0;
	if (a->dead || a->busy || s != AHCI_SLOT)
		return -1;
	if (r->op == BLK_OP_FLUSH) {
		ata_fis_command(&fis, ATA_CMD_FLUSH_CACHE_EXT, 0, 0);
	} else {
		uint64_t count = r->bytes / bd->sector_size, phys = r->phys;
		if (!count || count > ATA_LBA48_MAX_COUNT || r->lba > bd->sectors || count > bd->sectors - r->lba)
			return -1;
		if (!a->dma64 && phys + r->bytes > DMA32_END) {
			if (r->op != BLK_OP_WRITE || r->bytes > AHCI_BOUNCE_BYTES) {
				cc_log("%s: cannot bounce a %s of %lu bytes at %lx", a->name, op_name(r->op), r->bytes, phys);
				return -1;
			}
			memcpy(a->bounce, phys_ptr(phys), r->bytes);
			phys = (uint64_t)a->bounce;
		}
		nprd = ahci_prd_fill(table.prdt, AHCI_MAX_PRDS, phys, r->bytes);
		if (!nprd) {
			cc_log("%s: %lu bytes at %lx do not fit %u PRDs", a->name, r->bytes, phys, AHCI_MAX_PRDS);
			return -1;
		}
		ata_fis_command(&fis, r->op == BLK_OP_WRITE ? ATA_CMD_WRITE_DMA_EXT : ATA_CMD_READ_DMA_EXT, r->lba,
				(uint32_t)count);
	}
	a->cur = *r;
	issue(a, &fis, r->op == BLK_OP_WRITE, nprd);
	return 0;
}

static int ahci_reap(struct blkdev *bd, unsigned *slot, int *ok)
{
	struct ahci *a = bd->drv;
	if (!a->busy || !poll(a, ok))
		return 0;
	a->busy = 0;
	*slot = AHCI_SLOT;
	if (!*ok) {
		char what[80];
		cc_snprintf(what, sizeof(what), "%s of %lu bytes at sector %lu failed", op_name(a->cur.op), a->cur.bytes,
			    a->cur.lba);
		report(a, what); /* blkq resets the port (ahci_reset) before any retry */
	}
	return 1;
}

/* IDENTIFY DEVICE (PIO data-in, 512 bytes), waited for here. */
static int identify(struct ahci *a, struct ata_identity *id)
{
	struct sata_fis_h2d fis;
	ata_fis_command(&fis, ATA_CMD_IDENTIFY, 0, 0);
	memset(id_buf, 0, sizeof(id_buf));
	issue(a, &fis, 0, ahci_prd_fill(table.prdt, AHCI_MAX_PRDS, (uint64_t)id_buf, sizeof(id_buf)));
	/* The condition is the command's end (PxCI or an error bit), read by
	 * command_ended(); the register report is this wait's own line. */
	uint32_t ok;
	if (poll_quiet(&(struct poll){ command_ended, (uint64_t)a, 1u << 1, 1u << 1, AHCI_IDENTIFY_TIMEOUT_MS, 0,
				       "IDENTIFY DEVICE to complete" }, &ok)) {
		report(a, "timeout waiting for IDENTIFY DEVICE to complete");
		port_recover(a);
		return CC_ERR_TIMEOUT;
	}
	a->busy = 0;
	if (!(ok & 1)) {
		report(a, "IDENTIFY DEVICE failed");
		port_recover(a);
		return CC_ERR_DEVICE;
	}
	const char *why;
	if (ata_identify_parse(id_buf, id, &why)) {
		cc_log("%s: cannot use the disk (%s): %s", a->name, id->model, why);
		return CC_ERR_DEVICE;
	}
	return CC_OK;
}

/* Probe ----------------------------------------------------------------------- */

int ahci_is(const struct pci_dev *d)
{
	return d->class_rev >> 8 == AHCI_PCI_CLASS;
}

/* Without S64A every DMA address must lie below 4 GiB, ours included. */
static int below_4g(const void *p, uint64_t len) { return (uint64_t)p + len <= DMA32_END; }

int ahci_probe(const struct pci_dev *d, const struct cc_target *t, uint32_t test_flags, struct blkdev *bd)
{
	unsigned port = t->unit;
	int dma32_only = !!(test_flags & CC_TEST_DMA32);
	struct ahci *a = &ahci;
	*a = (struct ahci){ .port = port, .bounce = blk_dma_arena() };
	*bd = (struct blkdev){ .drv = a };
	cc_snprintf(a->name, sizeof(a->name), "ahci %02x:%02x.%x p%u", d->bus, d->dev, d->fn, port);
	memcpy(bd->name, a->name, sizeof(bd->name));
	if (t->unit >= AHCI_MAX_PORTS) {
		cc_log("%s: AHCI ports are 0..%u", a->name, AHCI_MAX_PORTS - 1);
		return CC_ERR_PARAMS;
	}
	int io;
	a->abar = pci_bar(d, AHCI_PCI_ABAR, &io);
	if (!a->abar || io) {
		cc_log("%s: BAR 5 (ABAR, the HBA registers) is %s", a->name, io ? "an I/O BAR" : "not set");
		return CC_ERR_DEVICE;
	}
	a->px = a->abar + AHCI_PORT_BASE + (uint64_t)port * AHCI_PORT_SIZE;
	if (paging_map_mmio(a->abar, AHCI_PORT_BASE + (uint64_t)(port + 1) * AHCI_PORT_SIZE)) {
		cc_log("%s: cannot map ABAR at %lx", a->name, a->abar);
		return CC_ERR_NO_MEMORY;
	}
	pci_take_device(d, PCI_COMMAND_MEMORY); /* bus mastering only after the HBA reset */
	a->cap = hba_read(a, AHCI_CAP);
	a->pi = hba_read(a, AHCI_PI);
	if (!(a->pi & (1u << port))) {
		cc_log("%s: the HBA does not implement port %u (PI=%x)", a->name, port, a->pi);
		return CC_ERR_NO_DEVICE;
	}
	a->dma64 = (a->cap & AHCI_CAP_S64A) && !dma32_only;
	if (!a->dma64 && !(below_4g(cmd_list, sizeof(cmd_list)) && below_4g(&rfis, sizeof(rfis)) &&
			   below_4g(&table, sizeof(table)) && below_4g(id_buf, sizeof(id_buf)) &&
			   below_4g(a->bounce, AHCI_BOUNCE_BYTES))) {
		cc_log("%s: the HBA addresses only 32 bits (CAP.S64A clear) but the payload is above 4 GiB (%lx): "
		       "reserve the crash kernel region below 4 GiB", a->name, (uint64_t)cmd_list);
		return CC_ERR_DEVICE;
	}

	int st = hba_reset(a);
	if (!st)
		pci_set_master(d, 1); /* the reset ended whatever the old kernel had issued */
	if (!st)
		st = port_start(a);
	struct ata_identity id;
	if (!st)
		st = identify(a, &id);
	if (st)
		return st;

	bd->sectors = id.sectors;
	bd->sector_size = id.sector_size;
	bd->max_bytes = a->dma64 ? AHCI_MAX_REQUEST : AHCI_BOUNCE_BYTES;
	if (bd->max_bytes > (uint64_t)ATA_LBA48_MAX_COUNT * id.sector_size)
		bd->max_bytes = (uint64_t)ATA_LBA48_MAX_COUNT * id.sector_size;
	bd->nslots = 1;
	bd->has_flush = id.flush_ext;
	bd->submit = ahci_submit;
	bd->reap = ahci_reap;
	bd->reset = ahci_reset;
	uint32_t vs = hba_read(a, AHCI_VS);
	cc_log("%s up, \"%s\", %lu sectors of %u bytes, AHCI %x.%x%s, %lu KiB requests, %s%s", a->name, id.model,
	       bd->sectors, bd->sector_size, vs >> 16, (vs >> 8) & 0xff, a->cap & AHCI_CAP_S64A ? ", 64-bit" : "",
	       bd->max_bytes >> 10, a->dma64 ? "zero copy" : "bounced above 4 GiB",
	       bd->has_flush ? ", flush" : ", no FLUSH CACHE EXT");
	return CC_OK;
}
