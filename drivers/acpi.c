/* drivers/acpi.c - see acpi.h.  Offsets after the ACPI 6.5 specification:
 * RSDP 5.2.5.3, system description header 5.2.6, FADT 5.2.9 (table 5.9),
 * PM1 control bits 4.8.3.2.1, \_S5 package 7.4.2. */
#include "drivers/acpi.h"
#include "boot/bytes.h"
#include "boot/console.h"
#include "boot/poll.h"
#include "boot/paging.h"
#include "boot/string.h"
#include "boot/timer.h"
#include "boot/x86.h"

#define BDA_EBDA_SEGMENT    0x40e     /* BIOS data area: EBDA segment */
#define BIOS_AREA_START     0xe0000
#define BIOS_AREA_END       0x100000

/* RSDP */
#define RSDP_OFF_CHECKSUM   8
#define RSDP_OFF_REVISION   15
#define RSDP_OFF_RSDT       16
#define RSDP_OFF_XSDT       24
#define RSDP_V1_LEN         20
#define RSDP_V2_LEN         36
#define FOUR_GIB            (4ull << 30)
/* System description header */
#define SDT_OFF_LENGTH      4
#define SDT_HEADER_LEN      36
/* FADT */
#define FADT_OFF_DSDT       40
#define FADT_OFF_SMI_CMD    48
#define FADT_OFF_ACPI_ENABLE 52
#define FADT_OFF_PM1A_CNT   64
#define FADT_OFF_PM1B_CNT   68
#define FADT_OFF_X_DSDT     140
/* PM1 control register */
#define PM1_SCI_EN          (1u << 0)
#define PM1_SLP_TYP_SHIFT   10
#define PM1_SLP_EN          (1u << 13)
/* AML */
#define AML_PACKAGE_OP      0x12
#define AML_BYTE_PREFIX     0x0a
#define AML_ZERO_OP         0x00
#define AML_ONE_OP          0x01

#define ACPI_ENABLE_TIMEOUT_MS 300
#define POWEROFF_SETTLE_MS     1000


/* Make [a, a+len) readable: below 4 GiB it always is (boot/paging.c);
 * above, firmware may put tables anywhere, so map them (uncached; they are
 * only read).  0, or -1 when the page-table pool is full. */
static int reach(uint64_t a, uint64_t len)
{
	if (a + len <= FOUR_GIB)
		return 0;
	return paging_map_mmio(a, len) == 0 ? 0 : -1;
}

/* A whole table: header first, then its own length. */
static int reach_table(uint64_t t)
{
	return reach(t, SDT_HEADER_LEN) || reach(t, get_le32_at(t + SDT_OFF_LENGTH)) ? -1 : 0;
}

static int checksum_ok(uint64_t a, uint32_t len)
{
	uint8_t sum = 0;
	for (uint32_t i = 0; i < len; i++)
		sum += *(uint8_t *)(a + i);
	return sum == 0;
}

static uint64_t scan_rsdp(uint64_t start, uint64_t end)
{
	for (uint64_t a = start; a + RSDP_V1_LEN <= end; a += 16)
		if (!memcmp((void *)a, "RSD PTR ", 8) && checksum_ok(a, RSDP_V1_LEN))
			return a;
	return 0;
}

uint64_t acpi_find_rsdp(uint64_t hint)
{
	if (hint)
		return reach(hint, RSDP_V2_LEN) ? 0 : hint;
	uint64_t ebda = (uint64_t)*(uint16_t *)phys_ptr(BDA_EBDA_SEGMENT) << 4;
	uint64_t r = 0;
	if (ebda >= 0x80000 && ebda < 0xa0000)
		r = scan_rsdp(ebda, ebda + 1024);
	return r ? r : scan_rsdp(BIOS_AREA_START, BIOS_AREA_END);
}

uint64_t acpi_find_table(uint64_t rsdp, const char sig[4])
{
	if (!rsdp)
		return 0;
	int xsdt = *(uint8_t *)(rsdp + RSDP_OFF_REVISION) >= 2 && get_le64_at(rsdp + RSDP_OFF_XSDT);
	uint64_t root = xsdt ? get_le64_at(rsdp + RSDP_OFF_XSDT) : get_le32_at(rsdp + RSDP_OFF_RSDT);
	if (!root || reach_table(root))
		return 0;
	uint32_t len = get_le32_at(root + SDT_OFF_LENGTH);
	unsigned width = xsdt ? 8 : 4;
	for (uint32_t off = SDT_HEADER_LEN; off + width <= len; off += width) {
		uint64_t t = xsdt ? get_le64_at(root + off) : get_le32_at(root + off);
		if (!t || reach(t, SDT_HEADER_LEN))
			continue;
		if (!memcmp((void *)t, sig, 4))
			return reach_table(t) ? 0 : t;
	}
	return 0;
}

/* Value of one AML integer element at *p (ZeroOp, OneOp, BytePrefix). */
static int aml_small_int(const uint8_t **p)
{
	const uint8_t *q = *p;
	if (*q == AML_BYTE_PREFIX) {
		*p = q + 2;
		return q[1];
	}
	if (*q == AML_ZERO_OP || *q == AML_ONE_OP) {
		*p = q + 1;
		return *q;
	}
	return -1;
}

/* Find Name(_S5_, Package(){SLP_TYPa, SLP_TYPb, ...}) in the DSDT. */
static int find_s5(uint64_t dsdt, int *typ_a, int *typ_b)
{
	uint32_t len = get_le32_at(dsdt + SDT_OFF_LENGTH);
	const uint8_t *p = (const uint8_t *)dsdt + SDT_HEADER_LEN;
	const uint8_t *end = (const uint8_t *)dsdt + len;
	for (; p + 12 < end; p++) {
		if (memcmp(p, "_S5_", 4) || p[4] != AML_PACKAGE_OP)
			continue;
		const uint8_t *q = p + 5;
		q += 1 + (*q >> 6); /* PkgLength: lead byte + (bits 7:6) more bytes */
		q++;                /* NumElements */
		*typ_a = aml_small_int(&q);
		*typ_b = aml_small_int(&q);
		return *typ_a >= 0 ? 0 : -1;
	}
	return -1;
}

void acpi_poweroff(uint64_t rsdp_hint)
{
	uint64_t rsdp = acpi_find_rsdp(rsdp_hint);
	uint64_t fadt = acpi_find_table(rsdp, "FACP");
	if (!fadt) {
		cc_log("poweroff: no ACPI FADT found (RSDP %lx)", rsdp);
		return;
	}
	uint64_t dsdt = get_le32_at(fadt + FADT_OFF_DSDT);
	if (get_le32_at(fadt + SDT_OFF_LENGTH) >= FADT_OFF_X_DSDT + 8 && get_le64_at(fadt + FADT_OFF_X_DSDT))
		dsdt = get_le64_at(fadt + FADT_OFF_X_DSDT);
	int typ_a, typ_b;
	if (!dsdt || reach_table(dsdt) || find_s5(dsdt, &typ_a, &typ_b)) {
		cc_log("poweroff: no \\_S5 sleep type in the DSDT");
		return;
	}
	uint16_t pm1a = (uint16_t)get_le32_at(fadt + FADT_OFF_PM1A_CNT);
	uint16_t pm1b = (uint16_t)get_le32_at(fadt + FADT_OFF_PM1B_CNT);
	uint32_t smi_cmd = get_le32_at(fadt + FADT_OFF_SMI_CMD);
	uint8_t enable = *(uint8_t *)(fadt + FADT_OFF_ACPI_ENABLE);
	if (!pm1a) {
		cc_log("poweroff: FADT has no PM1a control block");
		return;
	}
	if (!(inw(pm1a) & PM1_SCI_EN) && smi_cmd && enable) {
		outb((uint16_t)smi_cmd, enable); /* hand ACPI mode over from SMM */
		poll_until(&(struct poll){ poll_port16, pm1a, PM1_SCI_EN, PM1_SCI_EN, ACPI_ENABLE_TIMEOUT_MS, "poweroff",
					   "PM1 control SCI_EN=1 after ACPI_ENABLE (writing SLP_EN anyway)" }, 0);
	}
	outw(pm1a, (uint16_t)((typ_a << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN));
	if (pm1b && typ_b >= 0)
		outw(pm1b, (uint16_t)((typ_b << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN));
	udelay(POWEROFF_SETTLE_MS * 1000);
	cc_log("poweroff: still running %u ms after writing SLP_EN to PM1 control %x", POWEROFF_SETTLE_MS, pm1a);
}
