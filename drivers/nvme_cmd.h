/* drivers/nvme_cmd.h - the pure half of the NVMe driver: commands as bytes,
 * completions, PRPs, doorbell offsets, timeouts, and the Identify data the
 * driver uses.  No register access and no waiting here (host-tested in
 * tests/unit/test_nvme_cmd.c); numbers follow NVMe Base 1.4 (nvme_regs.h). */
#ifndef DRIVERS_NVME_CMD_H
#define DRIVERS_NVME_CMD_H
#include <stdint.h>
#include "crashcap/params.h"
#include "drivers/nvme_regs.h"

/* Byte offset from BAR 0 of queue qid's SQ tail (cq 0) or CQ head (cq 1)
 * doorbell, for CAP.DSTRD = dstrd (3.1.24, 3.1.25). */
uint32_t nvme_doorbell(uint32_t qid, int cq, uint32_t dstrd);

/* How long CC.EN changes may take to show in CSTS.RDY: CAP.TO in 500 ms
 * units, plus one unit as Linux allows (nvme.md). */
uint32_t nvme_ready_timeout_ms(uint64_t cap);

/* Largest transfer one command may carry: MDTS (Identify Controller) in
 * units of the minimum page size, 0 meaning no limit, capped at cap. */
uint32_t nvme_max_transfer(uint64_t cap_reg, uint8_t mdts, uint32_t cap);

/* Bytes one I/O command may move: nvme_max_transfer(), then NLB's 16 bits
 * (65536 blocks of block_bytes), whole blocks. */
uint32_t nvme_request_bytes(uint64_t cap_reg, uint8_t mdts, uint32_t block_bytes, uint32_t cap);

/* PRP entries for len bytes at physical address addr (dword aligned, len
 * > 0), 4 KiB pages (4.3): prp1 is addr; prp2 is 0 for one page, the
 * second page for two, else list_paddr, whose page `list` receives the
 * third and later pages.  Returns the list entries used (0 without a list),
 * or -1 if addr is not dword aligned, len is 0, or the pages do not fit in
 * one list page (more than NVME_PRP_PER_PAGE + 1 pages: no chaining). */
int nvme_prp(uint64_t addr, uint32_t len, uint64_t *list, uint64_t list_paddr, uint64_t *prp1, uint64_t *prp2);

/* Commands, written whole (every other byte 0). */
void nvme_cmd_identify(struct nvme_sqe *s, uint16_t cid, uint32_t nsid, uint8_t cns, uint64_t buf);
void nvme_cmd_create_cq(struct nvme_sqe *s, uint16_t cid, uint16_t qid, uint32_t entries, uint64_t base);
void nvme_cmd_create_sq(struct nvme_sqe *s, uint16_t cid, uint16_t qid, uint32_t entries, uint64_t base,
			uint16_t cqid);
/* Write or Read of nlb (>= 1) logical blocks from slba. */
void nvme_cmd_rw(struct nvme_sqe *s, uint8_t opcode, uint16_t cid, uint32_t nsid, uint64_t slba, uint32_t nlb,
		 uint64_t prp1, uint64_t prp2);
void nvme_cmd_flush(struct nvme_sqe *s, uint16_t cid, uint32_t nsid);
/* Set Features, Number of Queues: ask for nsq I/O submission and ncq I/O
 * completion queues (>= 1). */
void nvme_cmd_set_queues(struct nvme_sqe *s, uint16_t cid, uint16_t nsq, uint16_t ncq);

/* A completion entry is new when its phase bit equals the phase expected
 * for this pass over the queue (it starts at 1 and flips at every wrap). */
int nvme_cqe_new(uint32_t dw3, int phase);
uint16_t nvme_cqe_cid(uint32_t dw3);
/* The status field (dw3 31:17): 0 is success. */
uint16_t nvme_cqe_status(uint32_t dw3);

/* What the driver takes from Identify Controller (a 4096-byte buffer). */
struct nvme_ctrl_info {
	char sn[21], mn[41];    /* trailing spaces removed, NUL terminated */
	uint8_t mdts;
	uint8_t vwc;            /* 1: a volatile write cache is present (flush at the end) */
	uint32_t nn;
};
void nvme_parse_ctrl(const uint8_t *id, struct nvme_ctrl_info *c);

/* What the driver takes from Identify Namespace. */
struct nvme_ns_info {
	uint64_t blocks;        /* NSZE */
	uint32_t block_bytes;   /* 2^LBADS of the format in use */
	uint8_t nguid[16], eui64[8];
	uint8_t has_nguid, has_eui64; /* not all zero */
};
/* 0, or -1 with *why set: an inactive namespace (NSZE 0), a format index
 * past NLBAF, metadata interleaved with the data (extended LBAs, or any
 * metadata bytes: the dump's sectors would not be plain blocks), or a block
 * size outside 512..4096. */
int nvme_parse_ns(const uint8_t *id, struct nvme_ns_info *ns, const char **why);

/* The identities of a namespace, best first (params.h, CC_ID_*): NGUID and
 * EUI64 where not all zero, then the controller's serial number (with the
 * NSID, which the target names anyway).  Fills out[0..2]; returns how
 * many. */
unsigned nvme_ids(const struct nvme_ctrl_info *c, const struct nvme_ns_info *ns, struct cc_disk_id out[3]);

#endif
