/* tests/unit/test_ivrs.c - drivers/ivrs.c: the IVRS walk.  Tables are built
 * byte by byte from AMD IOMMU spec 48882 (IVRS header 48 bytes; IVHD type,
 * flags, length, device ID, capability offset, base at 8, segment at 16). */
#include <stdint.h>
#include <string.h>

#include "drivers/ivrs.h"
#include "tests/unit/check.h"

static uint8_t tbl[512];
static unsigned tlen;

static void put(unsigned off, uint64_t v, unsigned n) { for (unsigned i = 0; i < n; i++) tbl[off + i] = (uint8_t)(v >> (8 * i)); }

static void start(void)
{
	memset(tbl, 0xee, sizeof(tbl));
	memset(tbl, 0, 48);
	memcpy(tbl, "IVRS", 4);
	tbl[8] = 2;
	put(36, 0x00203041, 4); /* IVinfo */
	tlen = 48;
}
static void finish(void) { put(4, tlen, 4); }

static void ivhd(uint8_t type, uint16_t devid, uint64_t base, uint16_t seg, unsigned entries_bytes)
{
	unsigned len = (type == 0x10 ? 24 : 40) + entries_bytes;
	memset(tbl + tlen, 0, len);
	tbl[tlen] = type;
	tbl[tlen + 1] = 0xb0;
	put(tlen + 2, len, 2);
	put(tlen + 4, devid, 2);
	put(tlen + 6, 0x40, 2);
	put(tlen + 8, base, 8);
	put(tlen + 16, seg, 2);
	if (entries_bytes) /* device entry: type 3 (start of range), devid 0 */
		tbl[tlen + len - entries_bytes] = 3;
	tlen += len;
}
static void ivmd(uint8_t type)
{
	memset(tbl + tlen, 0, 32);
	tbl[tlen] = type;
	put(tlen + 2, 32, 2);
	tlen += 32;
}

static void test_walk(void)
{
	start();
	ivhd(0x10, 0x0002, 0xfd200000, 0, 8);  /* IOMMU A, legacy block */
	ivhd(0x11, 0x0002, 0xfd200000, 0, 8);  /* A again, type 11h */
	ivmd(0x20);
	ivhd(0x40, 0x4002, 0xfd300000, 1, 4);  /* IOMMU B, segment 1 */
	ivhd(0x40, 0x0002, 0xfd200000, 0, 0);  /* A a third time */
	ivhd(0x11, 0x4002, 0xfd300000, 1, 0);  /* B again */
	finish();
	struct ivrs_iter it;
	struct ivrs_iommu u;
	CHECK_EQ(ivrs_iter_init(&it, tbl), 0);
	CHECK_EQ(ivrs_next_iommu(&it, &u), 1);
	CHECK_EQ(u.base, 0xfd200000);
	CHECK_EQ(u.device_id, 0x0002);
	CHECK_EQ(u.segment, 0);
	CHECK_EQ(u.type, 0x10);
	CHECK_EQ(ivrs_next_iommu(&it, &u), 1);
	CHECK_EQ(u.base, 0xfd300000);
	CHECK_EQ(u.device_id, 0x4002);
	CHECK_EQ(u.segment, 1);
	CHECK_EQ(u.type, 0x40);
	CHECK_EQ(ivrs_next_iommu(&it, &u), 0);
	CHECK_EQ(ivrs_next_iommu(&it, &u), 0);
}

static void test_empty_and_header(void)
{
	struct ivrs_iter it;
	struct ivrs_iommu u;
	start();
	ivmd(0x21);
	finish();
	CHECK_EQ(ivrs_iter_init(&it, tbl), 0);
	CHECK_EQ(ivrs_next_iommu(&it, &u), 0);
	memcpy(tbl, "DMAR", 4);
	CHECK_EQ(ivrs_iter_init(&it, tbl), -1);
	start();
	put(4, 40, 4);
	CHECK_EQ(ivrs_iter_init(&it, tbl), -1);
}

static void test_malformed(void)
{
	struct ivrs_iter it;
	struct ivrs_iommu u;
	/* zero-length block after one good IVHD */
	start();
	ivhd(0x10, 2, 0xfd200000, 0, 0);
	ivmd(0x20);
	put(tlen - 32 + 2, 0, 2);
	finish();
	CHECK_EQ(ivrs_iter_init(&it, tbl), 0);
	CHECK_EQ(ivrs_next_iommu(&it, &u), 1);
	CHECK_EQ(ivrs_next_iommu(&it, &u), -1);
	CHECK_EQ(ivrs_next_iommu(&it, &u), -1);
	/* block past the end */
	start();
	ivhd(0x10, 2, 0xfd200000, 0, 0);
	put(48 + 2, 300, 2);
	finish();
	CHECK_EQ(ivrs_iter_init(&it, tbl), 0);
	CHECK_EQ(ivrs_next_iommu(&it, &u), -1);
	/* IVHD too short for a base address, and one with base 0 */
	start();
	ivmd(0x20);
	tbl[tlen] = 0x11;
	put(tlen + 2, 16, 2);
	tlen += 16;
	finish();
	CHECK_EQ(ivrs_iter_init(&it, tbl), 0);
	CHECK_EQ(ivrs_next_iommu(&it, &u), -1);
	start();
	ivhd(0x11, 2, 0, 0, 0);
	finish();
	CHECK_EQ(ivrs_iter_init(&it, tbl), 0);
	CHECK_EQ(ivrs_next_iommu(&it, &u), -1);
}

int main(void)
{
	test_walk();
	test_empty_and_header();
	test_malformed();
	CHECK_DONE();
}
