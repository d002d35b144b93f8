/* tests/unit/test_hangrec_build.c - loader/hangrec_build.c (the record
 * from a staged parameter block, checked field by field and at its byte
 * offsets) and loader/efivar.c on a directory standing in for efivarfs
 * (the file's bytes: 4 attribute bytes then the data, mode 0600, replace,
 * delete).  The immutable flag is not exercised here: a plain directory
 * has none; the QEMU drill's real efivarfs will (docs/hangcap.md, Next). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/hangrec.h"
#include "capture/crc32.h"
#include "loader/efivar.h"
#include "loader/hangcanary.h"
#include "loader/hangrec_build.h"
#include "tests/unit/check.h"

static struct cc_params p;
static const uint8_t boot_id[16] = { 0x5e, 0x1f, 0x0c, 0x3d, 0x88, 0x21, 0x4a, 0x0b,
				     0x9c, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77 };

/* As the loader stages a 1 GiB guest: the kernel image first, then RAM. */
static void params(void)
{
	memset(&p, 0, sizeof(p));
	p.nr_ranges = 3;
	p.ranges[0] = (struct cc_mem_range){ 0x1000000, 0x2a00000, 0xffffffff81000000ull, 0x1000000 };
	p.ranges[1] = (struct cc_mem_range){ 0x0, 0x9f000, 0xffff888000000000ull, 0x2f0a0000 };
	p.ranges[2] = (struct cc_mem_range){ 0x100000, 0x3fee0000, 0xffff888000100000ull, 0x100000 };
	p.vmcoreinfo_paddr = 0x3ffd2000;
	p.vmcoreinfo_size = 0x1000;
	p.target.kind = CC_TARGET_NVME;
	p.target.dev = 5;
	p.target.unit = 2;
	p.target.lba_start = 2048;
	p.target.lba_count = 1 << 21;
	p.target.flags = CC_TF_UUID;
	for (int i = 0; i < 16; i++)
		p.target.uuid[i] = (uint8_t)(0xa0 + i);
	p.target_id.kind = CC_ID_EUI64;
	p.target_id.len = 8;
	p.target_id.bytes[0] = 0xee;
	p.dump_level = 31;
	p.compress = CC_COMPRESS_LZ4;
	p.mm.version = 1;
	p.mm.size = sizeof(p.mm);
	p.mm.top_pgt_paddr = 0x2a0a000;
}

static uint64_t at64(const void *b, size_t off)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | ((const uint8_t *)b)[off + i];
	return v;
}

static struct cc_hang_canary can[2];

/* canary_make and canary_find on bytes: the boot id in a fake bss, a
 * VMCOREINFO page's first bytes. */
static void test_canaries(void)
{
	static uint8_t bss[3 * 4096], page[4096];
	size_t off[4];

	for (unsigned i = 0; i < sizeof(bss); i++)
		bss[i] = (uint8_t)(i * 13 + 5);
	memcpy(bss + 4096 + 0x230, boot_id, 16);
	memcpy(bss + 2 * 4096 + 4080, boot_id, 16);   /* a second copy, at a page's last 16 bytes */
	CHECK_EQ(canary_find(bss, sizeof(bss), boot_id, off, 4), 2);
	CHECK_EQ(off[0], 4096 + 0x230);
	CHECK_EQ(off[1], 2 * 4096 + 4080);
	CHECK_EQ(canary_find(bss, sizeof(bss), boot_id, off, 1), 1);
	CHECK_EQ(canary_find(bss, 4096 + 0x230 + 15, boot_id, off, 4), 0); /* cut one byte short */
	CHECK_EQ(canary_find(bss, 10, boot_id, off, 4), 0);

	CHECK_EQ(canary_make(&can[0], CC_CANARY_BOOTID, 0x2d0f230, bss + 4096 + 0x230, 16), 0);
	CHECK_EQ(can[0].paddr, 0x2d0f230);
	CHECK_EQ(can[0].len, 16);
	CHECK_EQ(can[0].kind, CC_CANARY_BOOTID);
	CHECK(!memcmp(can[0].head, boot_id, 16));
	CHECK_EQ(can[0].crc, crc32_update(0, boot_id, 16));
	memcpy(page, "VMCOREINFO\0\0OSRELEASE=6.1.0", 28);
	CHECK_EQ(canary_make(&can[1], CC_CANARY_VMCOREINFO, 0x3ffd2800, page, 2048), 0);
	CHECK_EQ(can[1].crc, crc32_update(0, page, 2048));
	CHECK(!memcmp(can[1].head, "VMCOREINFO\0\0OSRE", 16));
	struct cc_hang_canary x;
	CHECK_EQ(canary_make(&x, CC_CANARY_VMCOREINFO, 0x3ffd2800, page, 2049), -1); /* past the page */
	CHECK_EQ(canary_make(&x, CC_CANARY_BOOTID, 0x1000, page, 15), -1);
	CHECK_EQ(canary_make(&x, CC_CANARY_BOOTID, 0x1000, page, 4097), -1);
}

/* Whole pages spread over a range, first and last among them. */
static void test_spread(void)
{
	uint64_t at[8];
	/* 0x2e00100-0x2e0a800: whole pages 0x2e01000..0x2e09000, nine of them */
	CHECK_EQ(canary_spread(0x2e00100, 0x2e0a800, 4, at), 4);
	CHECK_EQ(at[0], 0x2e01000);
	CHECK_EQ(at[1], 0x2e03000);                    /* 1 * 8 / 3 = 2 */
	CHECK_EQ(at[2], 0x2e06000);                    /* 2 * 8 / 3 = 5 */
	CHECK_EQ(at[3], 0x2e09000);
	CHECK_EQ(canary_spread(0x2e00000, 0x2e03000, 5, at), 3); /* fewer pages than asked */
	CHECK_EQ(at[0], 0x2e00000);
	CHECK_EQ(at[1], 0x2e01000);
	CHECK_EQ(at[2], 0x2e02000);
	CHECK_EQ(canary_spread(0x2e00000, 0x2e03000, 1, at), 1);
	CHECK_EQ(at[0], 0x2e00000);
	CHECK_EQ(canary_spread(0x2e00100, 0x2e01fff, 4, at), 0);  /* no whole page */
	CHECK_EQ(canary_spread(0x2e01000, 0x2e01000, 4, at), 0);
	CHECK_EQ(canary_spread(0x2e02000, 0x2e01000, 4, at), 0);
	CHECK_EQ(canary_spread(0x2e00000, 0x2e03000, 0, at), 0);
}

static void test_build(void)
{
	static struct cc_hang_record r;
	char why[200] = "";

	params();
	CHECKF(hangrec_build(&r, &p, boot_id, 1796000000, can, 2, why, sizeof(why)) == 0, "%s", why);
	CHECK_EQ(hangrec_check(&r, sizeof(r), NULL), HANGREC_OK);
	CHECK(!memcmp(r.magic, "CCHANGRC", 8));
	CHECK_EQ(r.nr_ranges, 2);                      /* the kernel image is not a RAM range */
	CHECK_EQ(r.ranges[0].paddr, 0x0);
	CHECK_EQ(r.ranges[0].size, 0x9f000);
	CHECK_EQ(r.ranges[1].paddr, 0x100000);
	CHECK_EQ(r.ranges[1].size, 0x3fee0000);
	CHECK_EQ(r.ktext_paddr, 0x1000000);
	CHECK_EQ(r.ktext_size, 0x2a00000);
	CHECK_EQ(r.ktext_vaddr, 0xffffffff81000000ull);
	CHECK_EQ(r.nr_canaries, 2);
	CHECK(!memcmp(&r.canaries[0], &can[0], sizeof(can[0])));
	CHECK(!memcmp(&r.canaries[1], &can[1], sizeof(can[1])));
	CHECK_EQ(at64((const uint8_t *)&r, 0x700), 0x2d0f230);
	CHECK_EQ(at64((const uint8_t *)&r, 0x728), 0x3ffd2800);
	CHECK(!memcmp(r.boot_id, boot_id, 16));
	CHECK(!memcmp(&r.target, &p.target, sizeof(r.target)));
	CHECK(!memcmp(&r.target_id, &p.target_id, sizeof(r.target_id)));
	CHECK(!memcmp(&r.mm, &p.mm, sizeof(r.mm)));
	/* the same at the byte offsets of docs/hangcap.md, as hangcap.efi reads them */
	const uint8_t *b = (const uint8_t *)&r;
	CHECK_EQ(at64(b, 0x28), 1796000000);
	CHECK_EQ(at64(b, 0x30), 2 | 2ull << 32);       /* nr_ranges, nr_canaries */
	CHECK_EQ(at64(b, 0x38), 31 | 1ull << 32);      /* dump_level, compress */
	CHECK_EQ(at64(b, 0x40), 0x3ffd2000);
	CHECK_EQ(at64(b, 0x50), 0x1000000);
	CHECK_EQ(at64(b, 0x60), 0xffffffff81000000ull);
	CHECK_EQ(b[0x70], CC_TARGET_NVME);
	CHECK_EQ(b[0x75], 5);
	CHECK_EQ(at64(b, 0x78), 2048);
	CHECK_EQ(b[0x90], 0xa0);
	CHECK_EQ(b[0xb0], CC_ID_EUI64);
	CHECK_EQ(at64(b, 0x210), 0x2a0a000);           /* mm.top_pgt_paddr */
	CHECK_EQ(at64(b, 0x310), 0x100000);
	CHECK_EQ(at64(b, 0x318), 0x3fee0000);
	CHECK_EQ(at64(b, 0x320), 0);

	/* refusals, each with its sentence */
	static const uint8_t zero[16];
	CHECK_EQ(hangrec_build(&r, &p, zero, 1, NULL, 0, why, sizeof(why)), -1);
	CHECK_STR(why, "the boot id is all zero");
	p.target.flags = 0;
	CHECK_EQ(hangrec_build(&r, &p, boot_id, 1, NULL, 0, why, sizeof(why)), -1);
	CHECK_STR(why, "the target has no UUID");
	params();
	p.ranges[2].vaddr = 0xffffffff82000000ull;
	CHECK_EQ(hangrec_build(&r, &p, boot_id, 1, NULL, 0, why, sizeof(why)), -1);
	CHECK_STR(why, "two kernel-image ranges (2 and an earlier one)");
	params();
	p.nr_ranges = 66; /* the kernel image and 65 RAM ranges: one too many */
	for (unsigned i = 1; i < 66; i++)
		p.ranges[i] = (struct cc_mem_range){ 0x100000000ull + i * 0x200000ull, 0x1000, 0, 0 };
	CHECK_EQ(hangrec_build(&r, &p, boot_id, 1, NULL, 0, why, sizeof(why)), -1);
	CHECK_STR(why, "the record holds 64 RAM ranges and this machine has more");
	p.nr_ranges = 65;
	CHECKF(hangrec_build(&r, &p, boot_id, 1, NULL, 0, why, sizeof(why)) == 0, "64 RAM ranges: %s", why);
	CHECK_EQ(r.nr_ranges, 64);
	params();
	p.ranges[1].size = 0x9f800; /* not whole pages: the record's own check refuses it */
	CHECK_EQ(hangrec_build(&r, &p, boot_id, 1, NULL, 0, why, sizeof(why)), -1);
	CHECK_STR(why, "the record made is not valid: bad RAM range (entry 0)");
	params();
	CHECK_EQ(hangrec_build(&r, &p, boot_id, 1, can, 9, why, sizeof(why)), -1);
	CHECK_STR(why, "9 canaries, the record holds 8");
}

static void test_efivar(void)
{
	char root[] = "/tmp/test_hangrec_build.XXXXXX", dir[256], path[512], why[300] = "";
	static uint8_t data[100], back[200], file[200];
	uint32_t attrs = 0;
	struct stat st;

	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 1);
	CHECK(mkdtemp(root) != NULL);
	CHECK_EQ(efivar_available(root, why, sizeof(why)), 0);
	CHECK(strstr(why, "sys/firmware/efi: the system was not booted through UEFI") != NULL);
	snprintf(dir, sizeof(dir), "%s/sys", root);
	CHECK_EQ(mkdir(dir, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/sys/firmware", root);
	CHECK_EQ(mkdir(dir, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/sys/firmware/efi", root);
	CHECK_EQ(mkdir(dir, 0755), 0);
	CHECK_EQ(efivar_available(root, why, sizeof(why)), 0);
	CHECK(strstr(why, "efivars: efivarfs is not mounted") != NULL);
	snprintf(dir, sizeof(dir), "%s/sys/firmware/efi/efivars", root);
	CHECK_EQ(mkdir(dir, 0755), 0);
	CHECK_EQ(efivar_available(root, why, sizeof(why)), 1);

	CHECK_EQ(efivar_read(root, "V-x", &attrs, back, sizeof(back), why, sizeof(why)), -2);
	CHECK_EQ(efivar_delete(root, "V-x", why, sizeof(why)), 0);
	/* a variable that was there at mount: mode 0644, other bytes */
	snprintf(path, sizeof(path), "%s/V-x", dir);
	FILE *f = fopen(path, "w");
	if (!f) {
		CHECK(f != NULL);
		return;
	}
	fwrite("\x07\0\0\0old", 1, 7, f);
	fclose(f);
	chmod(path, 0644);
	CHECKF(efivar_write(root, "V-x", 0x7, data, sizeof(data), why, sizeof(why)) == 0, "%s", why);
	CHECK_EQ(stat(path, &st), 0);
	CHECK_EQ(st.st_mode & 0777, 0600);
	CHECK_EQ(st.st_size, 4 + sizeof(data));
	f = fopen(path, "r");
	CHECK(f != NULL);
	CHECK_EQ(f ? fread(file, 1, sizeof(file), f) : 0, 4 + sizeof(data));
	if (f)
		fclose(f);
	CHECK(!memcmp(file, "\x07\0\0\0", 4));
	CHECK(!memcmp(file + 4, data, sizeof(data)));
	CHECK_EQ(efivar_read(root, "V-x", &attrs, back, sizeof(back), why, sizeof(why)), sizeof(data));
	CHECK_EQ(attrs, 7);
	CHECK(!memcmp(back, data, sizeof(data)));
	/* a buffer one byte short reads as size + 1: "too long" for the caller */
	CHECK_EQ(efivar_read(root, "V-x", &attrs, back, sizeof(data) - 1, why, sizeof(why)), sizeof(data));
	CHECK_EQ(efivar_delete(root, "V-x", why, sizeof(why)), 1);
	CHECK_EQ(efivar_delete(root, "V-x", why, sizeof(why)), 0);
	CHECK_EQ(access(path, F_OK), -1);
	CHECK_EQ(efivar_write(root, "V-x", 0x7, data, 0, why, sizeof(why)), -1);
	CHECK_STR(why, "0 bytes of data: 1..65536");
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/sys/firmware/efi", root);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/sys/firmware", root);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/sys", root);
	rmdir(dir);
	CHECK_EQ(rmdir(root), 0);
}

int main(void)
{
	test_canaries();
	test_spread();
	test_build();
	test_efivar();
	CHECK_DONE();
}
