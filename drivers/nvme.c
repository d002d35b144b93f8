/* drivers/nvme.c - NVMe over PCI for the dump writer: one namespace of one
 * controller, polled, one I/O queue pair, up to BLK_MAX_SLOTS commands in
 * flight.  Section numbers are from "NVM Express Base Specification 1.4";
 * the pure half (commands as bytes, PRPs, Identify) is drivers/nvme_cmd.c.
 *
 * Takeover: the crashed kernel left the controller enabled, its queues and
 * PRP lists in the old kernel's memory and perhaps commands in flight.  As
 * Linux's own capture kernel does (nvme_disable_ctrl), only CC.EN is
 * cleared, without shutdown notification: a controller told to shut down
 * may first complete what is in its queues, into memory we know nothing
 * of.  CSTS.RDY=0 within CAP.TO ends everything the old kernel started;
 * then bus mastering comes back, and the queues are built in the payload's
 * own memory (the shared DMA arena, blkdev.h).  This runs on every capture,
 * enabled or not, so the reset path is always the path that runs.
 *
 * Requests: command ID = blkq slot.  The data PRPs point straight at the
 * RAM being dumped; slot s's PRP list is arena page PG_PRP0 + s, one page
 * (512 entries), so one command moves at most 2 MiB, and less if MDTS or
 * NLB's 16 bits say so.  An error completion leaves the queues working
 * (blkq retries); a command that never completes costs a controller reset
 * and new queues (blkq restarts what was in flight). */
#include "drivers/nvme.h"
#include "drivers/nvme_cmd.h"
#include "boot/console.h"
#include "boot/format.h"
#include "boot/paging.h"
#include "boot/poll.h"
#include "boot/string.h"
#include "boot/x86.h"
#include "crashcap/status.h"

#define NVME_ADMIN_TIMEOUT_MS 10000     /* one admin command (Linux allows 60 s; QEMU takes microseconds) */
#define NVME_ADMIN_ENTRIES    16        /* admin SQ and CQ: one command at a time */
#define NVME_IO_ENTRIES       64        /* I/O SQ and CQ, if CAP.MQES allows: more than BLK_MAX_SLOTS */
#define NVME_MAX_REQUEST      (NVME_PRP_PER_PAGE * NVME_PAGE) /* 2 MiB: PRP1 and one list page */
#define NVME_IO_QID           1
#define CSTS_DONE             (1u << 31) /* reserved in CSTS: the readers below mark "stop waiting" with it */

/* The DMA arena, page by page.  Queues must be page aligned (CC.MPS = 0:
 * 4 KiB) and physically contiguous (CAP.CQR, Create with PC = 1). */
enum { PG_ASQ, PG_ACQ, PG_IOSQ, PG_IOCQ, PG_ID, PG_PRP0, PG_COUNT = PG_PRP0 + BLK_MAX_SLOTS };
_Static_assert(PG_COUNT * NVME_PAGE <= BLK_DMA_ARENA_BYTES, "NVMe queues, Identify and PRP lists fit the DMA arena");
_Static_assert(NVME_IO_ENTRIES * NVME_SQE_BYTES <= NVME_PAGE, "the I/O SQ is one page");
_Static_assert(NVME_IO_ENTRIES > BLK_MAX_SLOTS, "the SQ never fills: at most nslots commands in it");
_Static_assert(BLK_MAX_IDS >= 3, "nvme_ids fills three identities");

struct nvme {
	char name[24];          /* "nvme 00:05.0", for messages */
	uint64_t bar;           /* controller registers, mapped uncached */
	uint64_t cap;
	uint32_t dstrd;         /* doorbell stride: 4 << dstrd bytes */
	uint32_t ready_ms;      /* CAP.TO bound for CSTS.RDY changes */
	uint32_t nsid;
	uint8_t *mem;           /* blk_dma_arena() */
	struct nvme_sqe *asq, *iosq;
	volatile struct nvme_cqe *acq, *iocq;
	uint16_t asq_tail, acq_head, iosq_tail, iocq_head;
	int acq_phase, iocq_phase;
	uint16_t io_entries;
	uint16_t admin_cid;
	int dead;               /* a reset failed: refuse every request */
	struct blk_req cur[BLK_MAX_SLOTS]; /* what each slot carries, for messages */
};

static struct nvme nvme;

/* Registers ---------------------------------------------------------------- */

static uint32_t reg_read(const struct nvme *n, unsigned reg) { return mmio_read32(n->bar + reg); }
static void reg_write(const struct nvme *n, unsigned reg, uint32_t v) { mmio_write32(n->bar + reg, v); }

static void doorbell(const struct nvme *n, uint32_t qid, int cq, uint16_t v)
{
	mmio_write32(n->bar + nvme_doorbell(qid, cq, n->dstrd), v);
}

static void *page(const struct nvme *n, unsigned pg) { return n->mem + (uint64_t)pg * NVME_PAGE; }

/* Readers for boot/poll: CSTS, with CSTS_DONE set once the wait is over -
 * RDY as wanted, or the controller gone (all ones), or (enabling) fatal. */
static uint32_t csts_disabled(uint64_t bar)
{
	uint32_t v = mmio_read32(bar + NVME_CSTS);
	return v == NVME_CSTS_GONE || !(v & NVME_CSTS_RDY) ? v | CSTS_DONE : v;
}

static uint32_t csts_enabled(uint64_t bar)
{
	uint32_t v = mmio_read32(bar + NVME_CSTS);
	return v == NVME_CSTS_GONE || (v & (NVME_CSTS_RDY | NVME_CSTS_CFS)) ? v | CSTS_DONE : v;
}

/* Wait for CSTS.RDY = rdy within CAP.TO; then refuse a controller that is
 * gone, or in fatal status once enabled.  A fatal status seen disabled is
 * noted only: a reset is what the host does about one (the crashed kernel
 * may have died of it, or our bus-mastering cut ended its DMA), and
 * enabling then tells whether it persists. */
static int wait_ready(const struct nvme *n, int rdy)
{
	if (poll_until(&(struct poll){ rdy ? csts_enabled : csts_disabled, n->bar, CSTS_DONE, CSTS_DONE, n->ready_ms,
				       n->name, rdy ? "CSTS.RDY=1 (controller enabled, CAP.TO)" :
						      "CSTS.RDY=0 (controller disabled, CAP.TO)" }, 0))
		return CC_ERR_TIMEOUT;
	uint32_t csts = reg_read(n, NVME_CSTS);
	if (csts == NVME_CSTS_GONE) {
		cc_log("%s: CSTS reads all ones: the controller no longer answers", n->name);
		return CC_ERR_DEVICE;
	}
	if (csts & NVME_CSTS_CFS) {
		cc_log("%s: controller fatal status (CSTS=%x) %s", n->name, csts,
		       rdy ? "on enabling it" : "while disabled: enabling it anyway");
		if (rdy)
			return CC_ERR_DEVICE;
	}
	return CC_OK;
}

/* Controller states (7.6.1, 7.6.2) -------------------------------------------- */

/* CC.EN=0 without SHN, then CSTS.RDY=0: the controller has dropped every
 * queue and command, whoever made them. */
static int disable(const struct nvme *n)
{
	uint32_t cc = reg_read(n, NVME_CC);
	reg_write(n, NVME_CC, cc & ~(NVME_CC_EN | NVME_CC_SHN_MASK));
	return wait_ready(n, 0);
}

/* Admin queues in the arena (empty, phase 1), AQA/ASQ/ACQ, CC.EN=1 with
 * 4 KiB pages and the NVM command set, then CSTS.RDY=1. */
static int enable(struct nvme *n)
{
	memset(page(n, PG_ASQ), 0, 4 * NVME_PAGE); /* both admin and both I/O queues */
	n->asq = page(n, PG_ASQ);
	n->acq = page(n, PG_ACQ);
	n->iosq = page(n, PG_IOSQ);
	n->iocq = page(n, PG_IOCQ);
	n->asq_tail = n->acq_head = n->iosq_tail = n->iocq_head = 0;
	n->acq_phase = n->iocq_phase = 1;
	reg_write(n, NVME_AQA, NVME_AQA_SIZES(NVME_ADMIN_ENTRIES, NVME_ADMIN_ENTRIES));
	mmio_write64_split(n->bar + NVME_ASQ, (uint64_t)n->asq);
	mmio_write64_split(n->bar + NVME_ACQ, (uint64_t)n->acq);
	barrier();
	reg_write(n, NVME_CC, NVME_CC_EN | NVME_CC_CSS_NVM | 0u << NVME_CC_MPS_SHIFT | NVME_CC_AMS_RR |
			      NVME_SQES_LOG2 << NVME_CC_IOSQES_SHIFT | NVME_CQES_LOG2 << NVME_CC_IOCQES_SHIFT);
	return wait_ready(n, 1);
}

/* Admin commands, one at a time ------------------------------------------------ */

/* Submit c on the admin queue and wait for its completion.  name: the
 * command, for the wait's line and the error's. */
static int admin(struct nvme *n, struct nvme_sqe *c, const char *name)
{
	char what[64];
	c->cdw0 = (c->cdw0 & 0xffff) | (uint32_t)n->admin_cid++ << 16;
	n->asq[n->asq_tail] = *c;
	n->asq_tail = (uint16_t)((n->asq_tail + 1) % NVME_ADMIN_ENTRIES);
	barrier(); /* the entry in memory before the doorbell */
	doorbell(n, 0, 0, n->asq_tail);
	volatile struct nvme_cqe *e = &n->acq[n->acq_head];
	cc_snprintf(what, sizeof(what), "%s to complete", name);
	if (poll_until(&(struct poll){ poll_mmio32, (uint64_t)&e->dw3, NVME_CQE_PHASE, n->acq_phase ? NVME_CQE_PHASE : 0,
				       NVME_ADMIN_TIMEOUT_MS, n->name, what }, 0))
		return CC_ERR_TIMEOUT;
	uint32_t dw3 = e->dw3;
	if (++n->acq_head == NVME_ADMIN_ENTRIES) {
		n->acq_head = 0;
		n->acq_phase = !n->acq_phase;
	}
	doorbell(n, 0, 1, n->acq_head);
	uint16_t st = nvme_cqe_status(dw3);
	if (st) {
		cc_log("%s: %s failed: status code type %x, status code %x%s", n->name, name, NVME_STATUS_SCT(st),
		       NVME_STATUS_SC(st), NVME_STATUS_DNR(st) ? " (do not retry)" : "");
		return CC_ERR_DEVICE;
	}
	return CC_OK;
}

/* One I/O completion queue and one submission queue on it (7.6.1 step 8);
 * Number of Queues first, as the controller may want (5.21.1.7). */
static int io_queues(struct nvme *n)
{
	struct nvme_sqe c;
	nvme_cmd_set_queues(&c, 0, 1, 1);
	int st = admin(n, &c, "Set Features (Number of Queues)");
	if (st == CC_ERR_TIMEOUT)
		return st; /* an error status: try the queues anyway (QEMU and most controllers allow one pair) */
	nvme_cmd_create_cq(&c, 0, NVME_IO_QID, n->io_entries, (uint64_t)n->iocq);
	if ((st = admin(n, &c, "Create I/O Completion Queue")))
		return st;
	nvme_cmd_create_sq(&c, 0, NVME_IO_QID, n->io_entries, (uint64_t)n->iosq, NVME_IO_QID);
	return admin(n, &c, "Create I/O Submission Queue");
}

/* From any state to taking I/O: disable, enable, I/O queues. */
static int restart(struct nvme *n)
{
	int st = disable(n);
	if (!st)
		st = enable(n);
	if (!st)
		st = io_queues(n);
	return st;
}

/* blkdev operations ------------------------------------------------------------- */

static const char *op_name(uint32_t op)
{
	return op == BLK_OP_WRITE ? "Write" : op == BLK_OP_READ ? "Read" : "Flush";
}

static int nvme_submit(struct blkdev *bd, unsigned s, const struct blk_req *r)
{
	struct nvme *n = bd->drv;
	struct nvme_sqe c;
	if (n->dead || s >= bd->nslots)
		return -1;
	if (r->op == BLK_OP_FLUSH) {
		nvme_cmd_flush(&c, (uint16_t)s, n->nsid);
	} else {
		uint64_t blocks = r->bytes / bd->sector_size, prp1, prp2;
		if (!blocks || r->bytes % bd->sector_size || r->bytes > bd->max_bytes || r->lba > bd->sectors ||
		    blocks > bd->sectors - r->lba)
			return -1;
		uint64_t *list = page(n, PG_PRP0 + s);
		if (nvme_prp(r->phys, (uint32_t)r->bytes, list, (uint64_t)list, &prp1, &prp2) < 0) {
			cc_log("%s: %lu bytes at %lx cannot be described by PRPs (not dword aligned)", bd->name, r->bytes,
			       r->phys);
			return -1;
		}
		nvme_cmd_rw(&c, r->op == BLK_OP_WRITE ? NVME_NVM_WRITE : NVME_NVM_READ, (uint16_t)s, n->nsid, r->lba,
			    (uint32_t)blocks, prp1, prp2);
	}
	n->cur[s] = *r;
	n->iosq[n->iosq_tail] = c;
	n->iosq_tail = (uint16_t)((n->iosq_tail + 1) % n->io_entries);
	barrier(); /* entry and PRP list in memory before the doorbell */
	doorbell(n, NVME_IO_QID, 0, n->iosq_tail);
	return 0;
}

static int nvme_reap(struct blkdev *bd, unsigned *slot, int *ok)
{
	struct nvme *n = bd->drv;
	volatile struct nvme_cqe *e = &n->iocq[n->iocq_head];
	uint32_t dw3 = e->dw3;
	if (!nvme_cqe_new(dw3, n->iocq_phase))
		return 0;
	if (++n->iocq_head == n->io_entries) {
		n->iocq_head = 0;
		n->iocq_phase = !n->iocq_phase;
	}
	doorbell(n, NVME_IO_QID, 1, n->iocq_head);
	unsigned cid = nvme_cqe_cid(dw3);
	if (cid >= bd->nslots)
		return 0; /* not a command of ours: ignore */
	uint16_t st = nvme_cqe_status(dw3);
	*slot = cid;
	*ok = !st;
	if (st) {
		const struct blk_req *r = &n->cur[cid];
		cc_log("%s: %s of %lu bytes at block %lu failed: status code type %x, status code %x%s", bd->name,
		       op_name(r->op), r->bytes, r->lba, NVME_STATUS_SCT(st), NVME_STATUS_SC(st),
		       NVME_STATUS_DNR(st) ? " (do not retry)" : "");
	}
	return 1;
}

/* blkdev.reset.  A command that ended with an error status has left the
 * queues working: nothing to do.  After a timeout: disable the controller
 * (which drops every command) and build the queues again. */
static int nvme_reset(struct blkdev *bd, int why)
{
	struct nvme *n = bd->drv;
	if (why == BLK_RESET_FAILED)
		return 0;
	cc_log("%s: resetting the controller (CC.EN=0) and its queues: CSTS=%x, SQ tail %u, CQ head %u (phase %u, entry there %x)",
	       bd->name, reg_read(n, NVME_CSTS), n->iosq_tail, n->iocq_head, n->iocq_phase, n->iocq[n->iocq_head].dw3);
	if (restart(n) == CC_OK)
		return 0;
	cc_log("%s: the controller did not come back: no more requests to it", bd->name);
	n->dead = 1;
	return -1;
}

/* Probe ----------------------------------------------------------------------- */

int nvme_is(const struct pci_dev *d)
{
	return d->class_rev >> 8 == NVME_PCI_CLASS;
}

static int identify(struct nvme *n, uint32_t nsid, uint8_t cns, const char *name)
{
	struct nvme_sqe c;
	memset(page(n, PG_ID), 0, NVME_PAGE);
	nvme_cmd_identify(&c, 0, nsid, cns, (uint64_t)page(n, PG_ID));
	return admin(n, &c, name);
}

int nvme_probe(const struct pci_dev *d, const struct cc_target *t, uint32_t test_flags, struct blkdev *bd)
{
	struct nvme *n = &nvme;
	(void)test_flags; /* none applies */
	*n = (struct nvme){ .nsid = t->unit, .mem = blk_dma_arena() };
	*bd = (struct blkdev){ .drv = n };
	cc_snprintf(n->name, sizeof(n->name), "nvme %02x:%02x.%x", d->bus, d->dev, d->fn);
	cc_snprintf(bd->name, sizeof(bd->name), "%s ns %u", n->name, t->unit);
	if (t->unit == 0 || t->unit == 0xffffffffu) {
		cc_log("%s: namespace ID %u names no single namespace (NSIDs start at 1)", n->name, t->unit);
		return CC_ERR_PARAMS;
	}
	int io;
	n->bar = pci_bar(d, NVME_PCI_BAR, &io);
	if (!n->bar || io) {
		cc_log("%s: BAR 0 (the controller registers) is %s", n->name, io ? "an I/O BAR" : "not set");
		return CC_ERR_DEVICE;
	}
	if (paging_map_mmio(n->bar, NVME_DOORBELLS)) {
		cc_log("%s: cannot map BAR 0 at %lx", n->name, n->bar);
		return CC_ERR_NO_MEMORY;
	}
	pci_take_device(d, PCI_COMMAND_MEMORY); /* bus mastering only once the controller is disabled */
	uint32_t cc = reg_read(n, NVME_CC), csts = reg_read(n, NVME_CSTS);
	if (csts == NVME_CSTS_GONE) {
		cc_log("%s: no controller answers at BAR 0 %lx (CSTS reads all ones)", n->name, n->bar);
		return CC_ERR_NO_DEVICE;
	}
	n->cap = mmio_read64_split(n->bar + NVME_CAP);
	if (!(n->cap & NVME_CAP_CSS_NVM) || NVME_CAP_MPSMIN(n->cap) != 0) {
		cc_log("%s: CAP %lx: %s", n->name, n->cap, !(n->cap & NVME_CAP_CSS_NVM) ?
		       "no NVM command set" : "memory pages of 4 KiB not supported (CAP.MPSMIN)");
		return CC_ERR_DEVICE;
	}
	n->dstrd = NVME_CAP_DSTRD(n->cap);
	n->ready_ms = nvme_ready_timeout_ms(n->cap);
	n->io_entries = NVME_CAP_MQES(n->cap) + 1 < NVME_IO_ENTRIES ? (uint16_t)(NVME_CAP_MQES(n->cap) + 1) : NVME_IO_ENTRIES;
	if (n->io_entries < 2) {
		cc_log("%s: CAP.MQES %u: I/O queues too small", n->name, NVME_CAP_MQES(n->cap));
		return CC_ERR_DEVICE;
	}
	if (paging_map_mmio(n->bar, nvme_doorbell(NVME_IO_QID, 1, n->dstrd) + 4)) {
		cc_log("%s: cannot map the doorbells at %lx", n->name, n->bar + NVME_DOORBELLS);
		return CC_ERR_NO_MEMORY;
	}
	cc_log("%s: found %s (CC=%x CSTS=%x): CC.EN=0 without shutdown notification, then queues of our own", n->name,
	       cc & NVME_CC_EN ? "enabled" : "disabled", cc, csts);

	int st = disable(n);
	if (!st)
		pci_set_master(d, 1); /* disabled: nothing of the old kernel's is in flight */
	if (!st)
		st = enable(n);
	if (!st)
		st = identify(n, 0, NVME_CNS_CONTROLLER, "Identify Controller");
	if (st)
		return st;
	struct nvme_ctrl_info ci;
	nvme_parse_ctrl(page(n, PG_ID), &ci);
	if (t->unit > ci.nn) {
		cc_log("%s (\"%s\" sn %s): no namespace %u: the controller has %u", n->name, ci.mn, ci.sn, t->unit, ci.nn);
		return CC_ERR_NO_DEVICE;
	}
	if ((st = identify(n, t->unit, NVME_CNS_NAMESPACE, "Identify Namespace")))
		return st;
	struct nvme_ns_info ns;
	const char *why;
	if (nvme_parse_ns(page(n, PG_ID), &ns, &why)) {
		cc_log("%s (\"%s\" sn %s): cannot use namespace %u: %s", n->name, ci.mn, ci.sn, t->unit, why);
		return ns.blocks ? CC_ERR_DEVICE : CC_ERR_NO_DEVICE;
	}
	if ((st = io_queues(n)))
		return st;

	bd->sectors = ns.blocks;
	bd->sector_size = ns.block_bytes;
	bd->max_bytes = nvme_request_bytes(n->cap, ci.mdts, ns.block_bytes, NVME_MAX_REQUEST);
	bd->nslots = n->io_entries - 1u < BLK_MAX_SLOTS ? n->io_entries - 1u : BLK_MAX_SLOTS;
	bd->has_flush = ci.vwc;
	bd->nids = nvme_ids(&ci, &ns, bd->ids);
	bd->submit = nvme_submit;
	bd->reap = nvme_reap;
	bd->reset = nvme_reset;
	uint32_t vs = reg_read(n, NVME_VS);
	uint32_t mdts_kib = ci.mdts ? nvme_max_transfer(n->cap, ci.mdts, 0xffffffffu) >> 10 : 0;
	char mdts[24];
	if (mdts_kib)
		cc_snprintf(mdts, sizeof(mdts), "%u KiB", mdts_kib);
	else
		cc_snprintf(mdts, sizeof(mdts), "none");
	cc_log("%s up, \"%s\" sn %s, NVMe %u.%u, ns %u: %lu blocks of %u bytes, MDTS %s, %lu KiB requests, %u in flight%s",
	       n->name, ci.mn, ci.sn, vs >> 16, (vs >> 8) & 0xff, t->unit, bd->sectors, bd->sector_size, mdts,
	       bd->max_bytes >> 10, bd->nslots, bd->has_flush ? ", flush" : ", no volatile write cache");
	return CC_OK;
}
