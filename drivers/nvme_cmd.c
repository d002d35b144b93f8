/* drivers/nvme_cmd.c - see nvme_cmd.h. */
#include "drivers/nvme_cmd.h"
#include "boot/bytes.h"

uint32_t nvme_doorbell(uint32_t qid, int cq, uint32_t dstrd)
{
	return NVME_DOORBELLS + (2 * qid + (cq ? 1 : 0)) * (4u << dstrd);
}

uint32_t nvme_ready_timeout_ms(uint64_t cap)
{
	return (NVME_CAP_TO(cap) + 1) * 500;
}

uint32_t nvme_max_transfer(uint64_t cap_reg, uint8_t mdts, uint32_t cap)
{
	uint32_t shift = 12 + NVME_CAP_MPSMIN(cap_reg) + mdts;
	if (!mdts || shift >= 32)
		return cap;
	return (1u << shift) < cap ? 1u << shift : cap;
}

uint32_t nvme_request_bytes(uint64_t cap_reg, uint8_t mdts, uint32_t block_bytes, uint32_t cap)
{
	uint32_t n = nvme_max_transfer(cap_reg, mdts, cap);
	if (block_bytes && (uint64_t)n > 65536ull * block_bytes)
		n = 65536u * block_bytes;
	return block_bytes ? n - n % block_bytes : n;
}

int nvme_prp(uint64_t addr, uint32_t len, uint64_t *list, uint64_t list_paddr, uint64_t *prp1, uint64_t *prp2)
{
	if ((addr & 3) || !len)
		return -1;
	uint64_t first = addr & ~(uint64_t)(NVME_PAGE - 1);
	uint64_t pages = ((addr & (NVME_PAGE - 1)) + len + NVME_PAGE - 1) / NVME_PAGE;
	if (pages > NVME_PRP_PER_PAGE + 1)
		return -1;
	*prp1 = addr;
	*prp2 = 0;
	if (pages == 2)
		*prp2 = first + NVME_PAGE;
	if (pages <= 2)
		return 0;
	for (uint64_t i = 1; i < pages; i++)
		list[i - 1] = first + i * NVME_PAGE;
	*prp2 = list_paddr;
	return (int)(pages - 1);
}

static void cmd(struct nvme_sqe *s, uint8_t opcode, uint16_t cid, uint32_t nsid)
{
	*s = (struct nvme_sqe){ .cdw0 = opcode | (uint32_t)cid << 16, .nsid = nsid };
}

void nvme_cmd_identify(struct nvme_sqe *s, uint16_t cid, uint32_t nsid, uint8_t cns, uint64_t buf)
{
	cmd(s, NVME_ADMIN_IDENTIFY, cid, nsid);
	s->prp1 = buf;
	s->cdw10 = cns;
}

void nvme_cmd_create_cq(struct nvme_sqe *s, uint16_t cid, uint16_t qid, uint32_t entries, uint64_t base)
{
	cmd(s, NVME_ADMIN_CREATE_CQ, cid, 0);
	s->prp1 = base;
	s->cdw10 = (entries - 1) << 16 | qid;
	s->cdw11 = NVME_QUEUE_PC; /* interrupts off (IEN 0): the driver polls */
}

void nvme_cmd_create_sq(struct nvme_sqe *s, uint16_t cid, uint16_t qid, uint32_t entries, uint64_t base,
			uint16_t cqid)
{
	cmd(s, NVME_ADMIN_CREATE_SQ, cid, 0);
	s->prp1 = base;
	s->cdw10 = (entries - 1) << 16 | qid;
	s->cdw11 = (uint32_t)cqid << 16 | NVME_QUEUE_PC;
}

void nvme_cmd_rw(struct nvme_sqe *s, uint8_t opcode, uint16_t cid, uint32_t nsid, uint64_t slba, uint32_t nlb,
		 uint64_t prp1, uint64_t prp2)
{
	cmd(s, opcode, cid, nsid);
	s->prp1 = prp1;
	s->prp2 = prp2;
	s->cdw10 = (uint32_t)slba;
	s->cdw11 = (uint32_t)(slba >> 32);
	s->cdw12 = (nlb - 1) & 0xffff; /* NLB, 0's based */
}

void nvme_cmd_flush(struct nvme_sqe *s, uint16_t cid, uint32_t nsid)
{
	cmd(s, NVME_NVM_FLUSH, cid, nsid);
}

void nvme_cmd_set_queues(struct nvme_sqe *s, uint16_t cid, uint16_t nsq, uint16_t ncq)
{
	cmd(s, NVME_ADMIN_SET_FEATURES, cid, 0);
	s->cdw10 = NVME_FEAT_NUM_QUEUES;
	s->cdw11 = (uint32_t)(ncq - 1) << 16 | (uint32_t)(nsq - 1);
}

int nvme_cqe_new(uint32_t dw3, int phase)
{
	return !!(dw3 & NVME_CQE_PHASE) == !!phase;
}

uint16_t nvme_cqe_cid(uint32_t dw3)
{
	return (uint16_t)dw3;
}

uint16_t nvme_cqe_status(uint32_t dw3)
{
	return (uint16_t)(dw3 >> 17);
}

static void ascii(char *out, const uint8_t *in, unsigned n)
{
	unsigned end = n;
	while (end && (in[end - 1] == ' ' || in[end - 1] == 0))
		end--;
	for (unsigned i = 0; i < end; i++)
		out[i] = in[i] >= 0x20 && in[i] < 0x7f ? (char)in[i] : '?';
	out[end] = 0;
}

void nvme_parse_ctrl(const uint8_t *id, struct nvme_ctrl_info *c)
{
	ascii(c->sn, id + NVME_IDC_SN, 20);
	ascii(c->mn, id + NVME_IDC_MN, 40);
	c->mdts = id[NVME_IDC_MDTS];
	c->vwc = id[NVME_IDC_VWC] & 1;
	c->nn = get_le32(id + NVME_IDC_NN);
}

static int all_zero(const uint8_t *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int nvme_parse_ns(const uint8_t *id, struct nvme_ns_info *ns, const char **why)
{
	uint8_t flbas = id[NVME_IDNS_FLBAS], fmt = flbas & 0xf;
	ns->blocks = get_le64(id + NVME_IDNS_NSZE);
	for (unsigned i = 0; i < 16; i++)
		ns->nguid[i] = id[NVME_IDNS_NGUID + i];
	for (unsigned i = 0; i < 8; i++)
		ns->eui64[i] = id[NVME_IDNS_EUI64 + i];
	ns->has_nguid = !all_zero(ns->nguid, 16);
	ns->has_eui64 = !all_zero(ns->eui64, 8);
	ns->block_bytes = 0;
	if (!ns->blocks) {
		*why = "inactive namespace (size 0)";
		return -1;
	}
	if (fmt > id[NVME_IDNS_NLBAF]) {
		*why = "formatted LBA size names a format the namespace does not list";
		return -1;
	}
	uint32_t lbaf = get_le32(id + NVME_IDNS_LBAF + 4 * fmt);
	uint32_t ms = lbaf & 0xffff, lbads = (lbaf >> 16) & 0xff;
	if (ms || (flbas & NVME_IDNS_FLBAS_EXT)) {
		*why = "the namespace's format carries metadata with each block";
		return -1;
	}
	if (lbads < 9 || lbads > 12) {
		*why = "block size outside 512..4096 bytes";
		return -1;
	}
	ns->block_bytes = 1u << lbads;
	return 0;
}

unsigned nvme_ids(const struct nvme_ctrl_info *c, const struct nvme_ns_info *ns, struct cc_disk_id out[3])
{
	unsigned n = 0;
	for (unsigned i = 0; i < 3; i++)
		out[i] = (struct cc_disk_id){ 0 };
	if (ns->has_nguid) {
		out[n] = (struct cc_disk_id){ .kind = CC_ID_NGUID, .len = 16 };
		for (unsigned i = 0; i < 16; i++)
			out[n].bytes[i] = ns->nguid[i];
		n++;
	}
	if (ns->has_eui64) {
		out[n] = (struct cc_disk_id){ .kind = CC_ID_EUI64, .len = 8 };
		for (unsigned i = 0; i < 8; i++)
			out[n].bytes[i] = ns->eui64[i];
		n++;
	}
	out[n] = (struct cc_disk_id){ .kind = CC_ID_SERIAL };
	for (unsigned i = 0; c->sn[i] && i < sizeof(c->sn) - 1; i++)
		out[n].bytes[out[n].len++] = (uint8_t)c->sn[i];
	return n + 1;
}
