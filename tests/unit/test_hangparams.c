/* tests/unit/test_hangparams.c - capture/efi/hangparams.c: the parameter
 * block hangcap.efi hands dump_run, field by field, from a record. */
#include <stddef.h>
#include <stdint.h>

#include "capture/efi/hangparams.h"
#include "tests/unit/check.h"

static struct cc_hang_record r;
static struct cc_params p;

static void record(int with_ktext)
{
	memset(&r, 0, sizeof(r));
	r.nr_ranges = 3;
	r.ranges[0] = (struct cc_hang_range){ 0x1000, 0x9e000 };
	r.ranges[1] = (struct cc_hang_range){ 0x100000, 0x1ee00000 };
	r.ranges[2] = (struct cc_hang_range){ 0x100000000ull, 0x40000000 };
	if (with_ktext) {
		r.ktext_paddr = 0x1000000;
		r.ktext_size = 0x2000000;
		r.ktext_vaddr = 0xffffffff81000000ull;
	}
	r.vmcoreinfo_paddr = 0x1e5e0000;
	r.vmcoreinfo_size = 0x1000;
	r.dump_level = 31;
	r.compress = CC_COMPRESS_LZ4;
	r.target.kind = CC_TARGET_VIRTIO_BLK;
	r.target.lba_start = 2048;
	r.target.lba_count = 4096;
	r.target.sector_size = 512;
	r.target.flags = CC_TF_UUID;
	for (int i = 0; i < 16; i++)
		r.target.uuid[i] = (uint8_t)(0x40 + i);
	r.target_id.kind = CC_ID_SERIAL;
	r.mm.version = 7;
	r.mm.page_size = 64;
}

int main(void)
{
	record(1);
	memset(&p, 0xa5, sizeof(p)); /* every field the function does not set must end zero */
	hangparams_from_record(&r, &p);
	CHECK_EQ(p.magic, CC_PARAMS_MAGIC);
	CHECK_EQ(p.version, CC_PARAMS_VERSION);
	CHECK_EQ(p.size, sizeof(p));
	CHECK_EQ(p.nr_ranges, 4);
	/* the kernel image's view first, as the loader orders it */
	CHECK_EQ(p.ranges[0].paddr, 0x1000000);
	CHECK_EQ(p.ranges[0].size, 0x2000000);
	CHECK_EQ(p.ranges[0].vaddr, 0xffffffff81000000ull);
	CHECK_EQ(p.ranges[0].src, 0x1000000);
	for (unsigned i = 0; i < 3; i++) {
		CHECK_EQ(p.ranges[i + 1].paddr, r.ranges[i].paddr);
		CHECK_EQ(p.ranges[i + 1].size, r.ranges[i].size);
		CHECK_EQ(p.ranges[i + 1].src, r.ranges[i].paddr); /* read where it is: no backup copy */
		CHECK_EQ(p.ranges[i + 1].vaddr, 0);
	}
	CHECK_EQ(p.ranges[4].size, 0);
	CHECK_EQ(p.nr_note_bufs, 0); /* no registers after a reset */
	CHECK_EQ(p.vmcoreinfo_paddr, 0x1e5e0000);
	CHECK_EQ(p.vmcoreinfo_size, 0x1000);
	CHECK(!memcmp(&p.target, &r.target, sizeof(p.target)));
	CHECK(!memcmp(&p.target_id, &r.target_id, sizeof(p.target_id)));
	CHECK(!memcmp(&p.mm, &r.mm, sizeof(p.mm)));
	CHECK_EQ(p.options, CC_OPT_ORIGIN_HANG);
	CHECK_EQ(p.dump_level, 31);
	CHECK_EQ(p.compress, CC_COMPRESS_LZ4);
	CHECK_EQ(p.region_start, 0);
	CHECK_EQ(p.region_size, 0);
	CHECK_EQ(p.test_flags, 0);
	CHECK_EQ(p.cmdline[0], 0);
	CHECK_EQ(p.note_bufs[0].paddr, 0);

	/* no kernel image range: the RAM ranges only */
	record(0);
	hangparams_from_record(&r, &p);
	CHECK_EQ(p.nr_ranges, 3);
	CHECK_EQ(p.ranges[0].paddr, 0x1000);

	/* the most a record holds still fits */
	record(1);
	r.nr_ranges = CC_HANG_MAX_RANGES;
	for (unsigned i = 0; i < CC_HANG_MAX_RANGES; i++)
		r.ranges[i] = (struct cc_hang_range){ 0x100000000ull + i * 0x200000ull, 0x100000 };
	hangparams_from_record(&r, &p);
	CHECK_EQ(p.nr_ranges, CC_HANG_MAX_RANGES + 1);
	CHECK_EQ(p.ranges[CC_HANG_MAX_RANGES].paddr, 0x100000000ull + (CC_HANG_MAX_RANGES - 1) * 0x200000ull);
	CHECK_DONE();
}
