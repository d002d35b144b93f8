/* tests/unit/test_ahci_prd.c - drivers/ahci_prd.c: a buffer split into PRD
 * entries of at most 4 MiB, byte counts encoded as count - 1, both halves
 * of the address, and the refusals (odd, empty, too many entries). */
#include <stdint.h>

#include "drivers/ahci_prd.h"
#include "tests/unit/check.h"

#define MiB (1ull << 20)

static struct ahci_prd prd[10];

static void fill_guard(void)
{
	memset(prd, 0xa5, sizeof(prd));
}

static void test_small(void)
{
	fill_guard();
	CHECK_EQ(ahci_prd_fill(prd, 8, 0x200000, 512), 1);
	CHECK_EQ(prd[0].dba, 0x200000);
	CHECK_EQ(prd[0].dbau, 0);
	CHECK_EQ(prd[0].rsvd, 0);
	CHECK_EQ(prd[0].dbc, 511);          /* count - 1; bit 0 set: an even count */
	CHECK_EQ(prd[1].dba, 0xa5a5a5a5);   /* nothing written past the entries used */

	CHECK_EQ(ahci_prd_fill(prd, 8, 0x1000, 2), 1);
	CHECK_EQ(prd[0].dbc, 1);
}

static void test_split(void)
{
	/* Exactly 4 MiB: one entry with DBC = 0x3fffff, the field's maximum. */
	CHECK_EQ(ahci_prd_fill(prd, 8, 0x40000000, 4 * MiB), 1);
	CHECK_EQ(prd[0].dbc, 0x3fffff);
	CHECK_EQ(prd[0].dbc & AHCI_PRD_I, 0); /* polled: no interrupt bit */

	/* 4 MiB + 512: a full entry, then the rest. */
	fill_guard();
	CHECK_EQ(ahci_prd_fill(prd, 8, 0x40000000, 4 * MiB + 512), 2);
	CHECK_EQ(prd[0].dba, 0x40000000);
	CHECK_EQ(prd[0].dbc, 0x3fffff);
	CHECK_EQ(prd[1].dba, 0x40400000);
	CHECK_EQ(prd[1].dbc, 511);
	CHECK_EQ(prd[2].dba, 0xa5a5a5a5);

	/* 32 MiB (65536 sectors, the driver's largest command) in 8 entries. */
	CHECK_EQ(ahci_prd_fill(prd, 8, 0x10000000, 32 * MiB), 8);
	for (unsigned i = 0; i < 8; i++) {
		CHECK_EQ(prd[i].dba, 0x10000000 + i * 4 * MiB);
		CHECK_EQ(prd[i].dbc, 0x3fffff);
	}
	CHECK_EQ(ahci_prd_fill(prd, 8, 0x10000000, 32 * MiB + 512), 0); /* a ninth entry */
	CHECK_EQ(ahci_prd_fill(prd, 9, 0x10000000, 32 * MiB + 512), 9);
	CHECK_EQ(prd[8].dbc, 511);
}

static void test_high(void)
{
	/* Above 4 GiB, and an entry that crosses 4 GiB: the carry reaches DBAU. */
	CHECK_EQ(ahci_prd_fill(prd, 8, 0x17ff00000ull, 2 * MiB), 1);
	CHECK_EQ(prd[0].dba, 0x7ff00000);
	CHECK_EQ(prd[0].dbau, 1);
	CHECK_EQ(ahci_prd_fill(prd, 8, 0xffe00000ull, 6 * MiB), 2);
	CHECK_EQ(prd[0].dba, 0xffe00000);
	CHECK_EQ(prd[0].dbau, 0);
	CHECK_EQ(prd[1].dba, 0x00200000);
	CHECK_EQ(prd[1].dbau, 1);
	CHECK_EQ(prd[1].dbc, 2 * MiB - 1);
	CHECK_EQ(ahci_prd_fill(prd, 8, 0x123456789000ull, 4096), 1);
	CHECK_EQ(prd[0].dba, 0x56789000);
	CHECK_EQ(prd[0].dbau, 0x1234);
}

static void test_refused(void)
{
	CHECK_EQ(ahci_prd_fill(prd, 8, 0x1000, 0), 0);       /* nothing to describe */
	CHECK_EQ(ahci_prd_fill(prd, 8, 0x1001, 512), 0);     /* DBA bit 0 is reserved */
	CHECK_EQ(ahci_prd_fill(prd, 8, 0x1000, 511), 0);     /* odd byte count */
	CHECK_EQ(ahci_prd_fill(prd, 0, 0x1000, 512), 0);     /* no room */
	CHECK_EQ(ahci_prd_fill(prd, 1, 0x1000, 4 * MiB + 2), 0);
	CHECK_EQ(ahci_prd_fill(prd, 8, 0x1000, UINT64_MAX - 1), 0); /* no overflow in the bound */
}

int main(void)
{
	test_small();
	test_split();
	test_high();
	test_refused();
	CHECK_DONE();
}
