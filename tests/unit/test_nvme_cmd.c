/* tests/unit/test_nvme_cmd.c - drivers/nvme_cmd.c: commands checked as the
 * bytes the controller reads (NVMe Base 1.4 figures: SQE dwords 0-15),
 * completion phase and status, PRP entries and lists, doorbell strides,
 * timeouts, MDTS, and the Identify fields with their refusals. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "drivers/nvme_cmd.h"
#include "tests/unit/check.h"

static uint32_t dw(const struct nvme_sqe *s, unsigned i)
{
	uint32_t v;
	memcpy(&v, (const uint8_t *)s + 4 * i, 4);
	return v;
}

static void test_layout(void)
{
	CHECK_EQ(offsetof(struct nvme_sqe, nsid), 4);
	CHECK_EQ(offsetof(struct nvme_sqe, mptr), 16);
	CHECK_EQ(offsetof(struct nvme_sqe, prp1), 24);
	CHECK_EQ(offsetof(struct nvme_sqe, prp2), 32);
	CHECK_EQ(offsetof(struct nvme_sqe, cdw10), 40);
	CHECK_EQ(offsetof(struct nvme_sqe, cdw15), 60);
	CHECK_EQ(offsetof(struct nvme_cqe, sqhd), 8);
	CHECK_EQ(offsetof(struct nvme_cqe, dw3), 12);
}

static void test_commands(void)
{
	struct nvme_sqe s;

	memset(&s, 0xa5, sizeof(s));
	nvme_cmd_rw(&s, NVME_NVM_WRITE, 0x1234, 1, 0x123456789aull, 256, 0x200000, 0x7000);
	CHECK_EQ(dw(&s, 0), 0x12340001u);  /* CID 31:16, PSDT 0 (PRPs), opcode Write */
	CHECK_EQ(dw(&s, 1), 1);            /* NSID */
	CHECK_EQ(dw(&s, 2) | dw(&s, 3) | dw(&s, 4) | dw(&s, 5), 0); /* reserved, MPTR */
	CHECK_EQ(dw(&s, 6), 0x200000);     /* PRP1 */
	CHECK_EQ(dw(&s, 8), 0x7000);       /* PRP2 */
	CHECK_EQ(dw(&s, 10), 0x3456789a);  /* SLBA low */
	CHECK_EQ(dw(&s, 11), 0x12);        /* SLBA high */
	CHECK_EQ(dw(&s, 12), 255);         /* NLB, 0's based; no FUA, no limited retry */
	CHECK_EQ(dw(&s, 13) | dw(&s, 14) | dw(&s, 15), 0);

	memset(&s, 0xa5, sizeof(s));
	nvme_cmd_identify(&s, 7, 0, NVME_CNS_CONTROLLER, 0x9000);
	CHECK_EQ(dw(&s, 0), 0x00070006u);
	CHECK_EQ(dw(&s, 6), 0x9000);
	CHECK_EQ(dw(&s, 10), 1);
	CHECK_EQ(dw(&s, 8) | dw(&s, 11), 0);

	nvme_cmd_create_cq(&s, 2, 1, 64, 0xa000);
	CHECK_EQ(dw(&s, 0), 0x00020005u);
	CHECK_EQ(dw(&s, 10), (63u << 16) | 1); /* QSIZE 0's based, QID */
	CHECK_EQ(dw(&s, 11), 1);               /* PC, interrupts off */
	nvme_cmd_create_sq(&s, 3, 1, 64, 0xb000, 1);
	CHECK_EQ(dw(&s, 0), 0x00030001u);
	CHECK_EQ(dw(&s, 10), (63u << 16) | 1);
	CHECK_EQ(dw(&s, 11), (1u << 16) | 1);  /* CQID, PC */
	nvme_cmd_flush(&s, 9, 2);
	CHECK_EQ(dw(&s, 0), 0x00090000u);
	CHECK_EQ(dw(&s, 1), 2);
}

static void test_completion(void)
{
	/* CID 0x42, phase 1, status SCT 0 SC 0 */
	CHECK(nvme_cqe_new(0x00010042, 1));
	CHECK(!nvme_cqe_new(0x00010042, 0));
	CHECK(nvme_cqe_new(0x00000042, 0));
	CHECK_EQ(nvme_cqe_cid(0x00010042), 0x42);
	CHECK_EQ(nvme_cqe_status(0x00010042), 0);
	/* LBA out of range: SCT 0, SC 0x80, DNR: status field 0x4080 -> dw3 bits 31:17 */
	uint32_t dw3 = (0x4080u << 17) | NVME_CQE_PHASE | 5;
	CHECK_EQ(nvme_cqe_status(dw3), 0x4080);
	CHECK_EQ(NVME_STATUS_SC(nvme_cqe_status(dw3)), 0x80);
	CHECK_EQ(NVME_STATUS_SCT(nvme_cqe_status(dw3)), 0);
	CHECK_EQ(NVME_STATUS_DNR(nvme_cqe_status(dw3)), 1);
}

static void test_prp(void)
{
	uint64_t list[NVME_PRP_PER_PAGE + 1], p1, p2;

	memset(list, 0xa5, sizeof(list));
	CHECK_EQ(nvme_prp(0x10000, 4096, list, 0x5000, &p1, &p2), 0);
	CHECK_EQ(p1, 0x10000);
	CHECK_EQ(p2, 0);
	CHECK_EQ(nvme_prp(0x10200, 4096, list, 0x5000, &p1, &p2), 0); /* offset in the page: two pages */
	CHECK_EQ(p1, 0x10200);
	CHECK_EQ(p2, 0x11000);
	CHECK_EQ(nvme_prp(0x10000, 8192, list, 0x5000, &p1, &p2), 0);
	CHECK_EQ(p2, 0x11000);
	CHECK_EQ(nvme_prp(0x10000, 3 * 4096, list, 0x5000, &p1, &p2), 2);
	CHECK_EQ(p2, 0x5000);
	CHECK_EQ(list[0], 0x11000);
	CHECK_EQ(list[1], 0x12000);
	CHECK_EQ(list[2], 0xa5a5a5a5a5a5a5a5ull); /* nothing past the entries used */
	/* the most one list page holds: 513 pages (2052 KiB) */
	CHECK_EQ(nvme_prp(0x100000000ull, 513 * 4096, list, 0x5000, &p1, &p2), 512);
	CHECK_EQ(list[511], 0x100000000ull + 512 * 4096);
	CHECK_EQ(nvme_prp(0x100000000ull, 514 * 4096, list, 0x5000, &p1, &p2), -1);
	CHECK_EQ(nvme_prp(0x100000002ull, 512, list, 0x5000, &p1, &p2), -1); /* not dword aligned */
	CHECK_EQ(nvme_prp(0x100000000ull, 0, list, 0x5000, &p1, &p2), -1);
}

static void test_registers(void)
{
	CHECK_EQ(nvme_doorbell(0, 0, 0), 0x1000);
	CHECK_EQ(nvme_doorbell(0, 1, 0), 0x1004);
	CHECK_EQ(nvme_doorbell(1, 0, 0), 0x1008);
	CHECK_EQ(nvme_doorbell(1, 1, 0), 0x100c);
	CHECK_EQ(nvme_doorbell(1, 1, 2), 0x1000 + 3 * 16); /* DSTRD 2: 16-byte stride */
	uint64_t cap = 0x7ffull | NVME_CAP_CQR | (0x14ull << 24) | (2ull << 32) | NVME_CAP_CSS_NVM; /* MQES 2047, TO 10 s */
	CHECK_EQ(NVME_CAP_MQES(cap), 0x7ff);
	CHECK_EQ(NVME_CAP_MPSMIN(cap), 0);
	CHECK_EQ(NVME_CAP_DSTRD(cap), 2);
	CHECK_EQ(nvme_ready_timeout_ms(cap), 21 * 500);
	CHECK_EQ(nvme_max_transfer(cap, 7, 4u << 20), 512 * 1024);      /* QEMU's mdts=7: 512 KiB */
	CHECK_EQ(nvme_max_transfer(cap, 0, 4u << 20), 4u << 20);        /* no limit */
	CHECK_EQ(nvme_max_transfer(cap, 10, 2u << 20), 2u << 20);       /* 4 MiB allowed, capped */
	CHECK_EQ(nvme_max_transfer(cap | (1ull << 48), 7, 4u << 20), 1u << 20); /* MPSMIN 1: 8 KiB units */
	CHECK_EQ(NVME_AQA_SIZES(32, 32), 0x001f001fu);

	/* One command's bytes: MDTS, the driver's cap, then NLB's 65536 blocks */
	CHECK_EQ(nvme_request_bytes(cap, 7, 512, 2u << 20), 512 * 1024);
	CHECK_EQ(nvme_request_bytes(cap, 0, 512, 2u << 20), 2u << 20);
	CHECK_EQ(nvme_request_bytes(cap, 0, 512, 64u << 20), 32u << 20);  /* 65536 x 512 */
	CHECK_EQ(nvme_request_bytes(cap, 0, 4096, 512u << 20), 256u << 20); /* 65536 x 4096 */
	CHECK_EQ(nvme_request_bytes(cap, 1, 4096, 2u << 20), 8192);
	CHECK_EQ(nvme_request_bytes(cap, 0, 4096, (2u << 20) + 512), 2u << 20); /* whole blocks */
}

static void test_set_queues(void)
{
	struct nvme_sqe s;
	memset(&s, 0xa5, sizeof(s));
	nvme_cmd_set_queues(&s, 9, 1, 1);
	CHECK_EQ(dw(&s, 0), 0x00090009u);  /* CID 9, Set Features */
	CHECK_EQ(dw(&s, 1), 0);            /* NSID 0 */
	CHECK_EQ(dw(&s, 10), 0x07);        /* FID Number of Queues, SV 0 */
	CHECK_EQ(dw(&s, 11), 0);           /* NCQR 0, NSQR 0: one each, 0's based */
	CHECK_EQ(dw(&s, 6) | dw(&s, 8) | dw(&s, 12), 0);
	nvme_cmd_set_queues(&s, 9, 4, 2);
	CHECK_EQ(dw(&s, 11), 0x00010003u);
}

static void test_ids(void)
{
	struct nvme_ctrl_info c = { .sn = "CCNVME0001", .mn = "QEMU NVMe Ctrl" };
	struct nvme_ns_info ns = { .blocks = 1 };
	struct cc_disk_id id[3];

	/* neither NGUID nor EUI64: the serial only */
	memset(id, 0xa5, sizeof(id));
	CHECK_EQ(nvme_ids(&c, &ns, id), 1);
	CHECK_EQ(id[0].kind, CC_ID_SERIAL);
	CHECK_EQ(id[0].len, 10);
	CHECK(!memcmp(id[0].bytes, "CCNVME0001", 10));
	CHECK_EQ(id[0].bytes[10], 0);
	CHECK_EQ(id[1].kind, CC_ID_NONE);   /* the rest cleared */

	/* both: NGUID, EUI64, serial, best first */
	for (int i = 0; i < 16; i++)
		ns.nguid[i] = (uint8_t)(0x10 + i);
	for (int i = 0; i < 8; i++)
		ns.eui64[i] = (uint8_t)(0xe0 + i);
	ns.has_nguid = ns.has_eui64 = 1;
	CHECK_EQ(nvme_ids(&c, &ns, id), 3);
	CHECK_EQ(id[0].kind, CC_ID_NGUID);
	CHECK_EQ(id[0].len, 16);
	CHECK_EQ(id[0].bytes[15], 0x1f);
	CHECK_EQ(id[0].bytes[16], 0);
	CHECK_EQ(id[1].kind, CC_ID_EUI64);
	CHECK_EQ(id[1].len, 8);
	CHECK_EQ(id[1].bytes[0], 0xe0);
	CHECK_EQ(id[1].bytes[8], 0);
	CHECK_EQ(id[2].kind, CC_ID_SERIAL);

	/* EUI64 only; a 20-byte serial fills its field */
	ns.has_nguid = 0;
	memcpy(c.sn, "ABCDEFGHIJKLMNOPQRST", 21);
	CHECK_EQ(nvme_ids(&c, &ns, id), 2);
	CHECK_EQ(id[0].kind, CC_ID_EUI64);
	CHECK_EQ(id[1].kind, CC_ID_SERIAL);
	CHECK_EQ(id[1].len, 20);
	CHECK_EQ(id[1].bytes[19], 'T');
}

static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }

static void test_identify(void)
{
	static uint8_t id[4096];
	struct nvme_ctrl_info c;
	struct nvme_ns_info ns;
	const char *why = NULL;

	memset(id, 0, sizeof(id));
	memcpy(id + 4, "deadbeef            ", 20);
	memcpy(id + 24, "QEMU NVMe Ctrl                          ", 40);
	id[77] = 7;
	put32(id + 516, 2);
	id[525] = 1;
	nvme_parse_ctrl(id, &c);
	CHECK_STR(c.sn, "deadbeef");
	CHECK_STR(c.mn, "QEMU NVMe Ctrl");
	CHECK_EQ(c.mdts, 7);
	CHECK_EQ(c.nn, 2);
	CHECK_EQ(c.vwc, 1);

	memset(id, 0, sizeof(id));
	put32(id + 0, 0x200000);       /* NSZE: 1 GiB of 512-byte blocks */
	id[25] = 1;                    /* two formats */
	id[26] = 1;                    /* the second in use */
	put32(id + 128, 9u << 16);     /* format 0: 512 bytes */
	put32(id + 132, 12u << 16);    /* format 1: 4096 bytes */
	id[120] = 0x52;                /* EUI64 */
	CHECK_EQ(nvme_parse_ns(id, &ns, &why), 0);
	CHECK_EQ(ns.blocks, 0x200000);
	CHECK_EQ(ns.block_bytes, 4096);
	CHECK_EQ(ns.has_eui64, 1);
	CHECK_EQ(ns.has_nguid, 0);
	CHECK_EQ(ns.eui64[0], 0x52);

	id[26] = 2;                    /* a format past NLBAF */
	CHECK_EQ(nvme_parse_ns(id, &ns, &why), -1);
	CHECK_STR(why, "formatted LBA size names a format the namespace does not list");
	id[26] = 0x10;                 /* extended LBA */
	CHECK_EQ(nvme_parse_ns(id, &ns, &why), -1);
	CHECK_STR(why, "the namespace's format carries metadata with each block");
	id[26] = 0;
	put32(id + 128, (9u << 16) | 8); /* 8 bytes of metadata per block */
	CHECK_EQ(nvme_parse_ns(id, &ns, &why), -1);
	put32(id + 128, 13u << 16);    /* 8 KiB blocks */
	CHECK_EQ(nvme_parse_ns(id, &ns, &why), -1);
	CHECK_STR(why, "block size outside 512..4096 bytes");
	put32(id + 0, 0);
	put32(id + 4, 0);
	CHECK_EQ(nvme_parse_ns(id, &ns, &why), -1);
	CHECK_STR(why, "inactive namespace (size 0)");
}

int main(void)
{
	test_layout();
	test_commands();
	test_completion();
	test_prp();
	test_registers();
	test_identify();
	test_set_queues();
	test_ids();
	CHECK_DONE();
}
