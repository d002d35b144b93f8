/* tests/unit/test_stage.c - loader/stage.c: the PT_LOAD list, the kernel
 * image range, and a digest the purgatory's own check accepts. */
#include <stdlib.h>

#include "loader/stage.h"
#include "purgatory/verify.h"
#include "tests/unit/check.h"

#define PO 0xffff9b4c80000000ull  /* a KASLR'd page_offset */
#define TEXT 0xffffffff9a000000ull

static const char map[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"0009fc00-0009ffff : Reserved\n"
	"00100000-7ffdefff : System RAM\n"
	"  01000000-01e03a57 : Kernel code\n"
	"  02d0e000-02ffffff : Kernel bss\n"
	"  2f000000-2fffffff : Crash kernel\n"
	"  40000000-40ffffff : GART\n"
	"7ffdf000-7fffffff : Reserved\n"
	"100000000-17fffffff : System RAM\n"
	"  170000000-17fffffff : Crash kernel\n";

static void test_kernel_text(const struct iomem *m)
{
	struct ktext kt;

	stage_kernel_text(m, TEXT, TEXT + 0x2345000, &kt);
	CHECK(kt.valid);
	CHECK_EQ(kt.paddr, 0x1000000);
	CHECK_EQ(kt.vaddr, TEXT);
	CHECK_EQ(kt.size, 0x2000000); /* to the end of "Kernel bss", not _end */

	stage_kernel_text(m, 0, 0, &kt); /* _text unknown */
	CHECK(!kt.valid);

	struct iomem nobss;
	CHECK_EQ(iomem_parse("00100000-7ffdefff : System RAM\n  01000000-01e03a57 : Kernel code\n", &nobss), IOMEM_OK);
	stage_kernel_text(&nobss, TEXT, TEXT + 0x2345678, &kt); /* then _end, page rounded */
	CHECK(kt.valid);
	CHECK_EQ(kt.size, 0x2346000);
	stage_kernel_text(&nobss, TEXT, 0, &kt);               /* else the code alone */
	CHECK_EQ(kt.size, 0xe04000);
	iomem_free(&nobss);
}

static void test_ranges(const struct iomem *m)
{
	static struct cc_params p;
	struct ktext kt;
	int bi;
	uint64_t bsize;
	char why[128];

	stage_params_init(&p);
	CHECK_EQ(p.magic, CC_PARAMS_MAGIC);
	CHECK_EQ(p.size, sizeof(p));
	stage_kernel_text(m, TEXT, 0, &kt);
	CHECK_EQ(stage_ranges(&p, m, PO, &kt, &bi, &bsize, why, sizeof(why)), 0);
	CHECK_EQ(p.nr_ranges, 6);
	/* 0: the kernel image, by its own virtual address */
	CHECK_EQ(p.ranges[0].paddr, 0x1000000);
	CHECK_EQ(p.ranges[0].vaddr, TEXT);
	CHECK_EQ(p.ranges[0].src, 0x1000000);
	/* 1: low RAM, rounded out to pages, to be read from the backup */
	CHECK_EQ(bi, 1);
	CHECK_EQ(p.ranges[1].paddr, 0x1000);
	CHECK_EQ(p.ranges[1].size, 0x9f000);
	CHECK_EQ(bsize, 0x9f000);
	/* 2..: RAM minus both crash regions and the GART */
	CHECK_EQ(p.ranges[2].paddr, 0x100000);
	CHECK_EQ(p.ranges[2].size, 0x2f000000 - 0x100000);
	CHECK_EQ(p.ranges[3].paddr, 0x30000000);
	CHECK_EQ(p.ranges[3].size, 0x10000000);
	CHECK_EQ(p.ranges[4].paddr, 0x41000000);
	CHECK_EQ(p.ranges[4].size, 0x7ffdf000 - 0x41000000);
	CHECK_EQ(p.ranges[5].paddr, 0x100000000ull);
	CHECK_EQ(p.ranges[5].size, 0x70000000);
	for (uint32_t i = 1; i < p.nr_ranges; i++) {
		CHECK_EQ(p.ranges[i].vaddr, PO + p.ranges[i].paddr);
		CHECK_EQ(p.ranges[i].src, p.ranges[i].paddr);
		CHECK_EQ(p.ranges[i].size % 4096, 0);
	}
	CHECK_EQ(stage_ram_bytes(&p, &kt), 0x9f000 + (0x2f000000 - 0x100000) + 0x10000000 +
					  (0x7ffdf000 - 0x41000000) + 0x70000000ull);

	/* RAM from 0 across 640 KiB: split at 0xa0000. */
	struct iomem low;
	CHECK_EQ(iomem_parse("00000000-3fffffff : System RAM\n  20000000-20ffffff : Crash kernel\n", &low), IOMEM_OK);
	stage_kernel_text(&low, 0, 0, &kt);
	CHECK_EQ(stage_ranges(&p, &low, PO, &kt, &bi, &bsize, why, sizeof(why)), 0);
	CHECK_EQ(p.nr_ranges, 3);
	CHECK_EQ(bi, 0);
	CHECK_EQ(bsize, 0xa0000);
	CHECK_EQ(p.ranges[1].paddr, 0xa0000);
	CHECK_EQ(p.ranges[1].size, 0x20000000 - 0xa0000);
	CHECK_EQ(p.ranges[1].vaddr, PO + 0xa0000);
	iomem_free(&low);

	/* No low RAM: no backup. */
	CHECK_EQ(iomem_parse("100000000-1ffffffff : System RAM\n", &low), IOMEM_OK);
	CHECK_EQ(stage_ranges(&p, &low, PO, &kt, &bi, &bsize, why, sizeof(why)), 0);
	CHECK_EQ(bi, -1);
	CHECK_EQ(bsize, 0);
	iomem_free(&low);
}

static void test_too_many(void)
{
	static char text[(CC_MAX_RANGES + 1) * 40];
	static struct cc_params p;
	size_t used = 0;
	struct iomem m;
	struct ktext kt = { 0, 0, 0, 0 };
	int bi;
	uint64_t bsize;
	char why[128] = "";

	for (unsigned i = 0; i <= CC_MAX_RANGES; i++) /* separate 1 MiB ranges, 1 MiB apart */
		used += (size_t)snprintf(text + used, sizeof(text) - used, "%09llx-%09llx : System RAM\n",
					 0x100000000ull + i * 0x200000ull, 0x100000000ull + i * 0x200000ull + 0xfffff);
	CHECK_EQ(iomem_parse(text, &m), IOMEM_OK);
	CHECK_EQ(stage_ranges(&p, &m, PO, &kt, &bi, &bsize, why, sizeof(why)), -1);
	CHECK(strstr(why, "more separate RAM ranges") != NULL);
	iomem_free(&m);
}

/* stage_digest must agree with the purgatory's verify (purg_hash_regions)
 * over the memory image the kernel builds: the bytes loaded are hashed,
 * the zero fill after them (the payload's .bss, cleared on entry) is not,
 * nor a segment that loads nothing (the backup). */
static void test_digest(void)
{
	static uint8_t a[100], b[5000];
	struct segment s[4];
	struct cc_purgatory_info pi;
	uint8_t check[CC_PURG_DIGEST_SIZE];
	uint8_t *mem[4];

	for (unsigned i = 0; i < sizeof(a); i++)
		a[i] = (uint8_t)(i * 7 + 1);
	for (unsigned i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(i ^ 0x5a);
	s[0] = (struct segment){ "purgatory", a, sizeof(a), 4096, 4096, 0, 0 }; /* not hashed */
	s[1] = (struct segment){ "payload", b, sizeof(b), 3 * 4096, 4096, 0, 1 };
	s[2] = (struct segment){ "params", a, sizeof(a), 4096, 4096, 0, 1 };
	s[3] = (struct segment){ "backup", NULL, 0, 2 * 4096, 4096, 0, 1 };
	for (int i = 0; i < 4; i++) { /* the "physical" memory: host buffers */
		mem[i] = calloc(1, s[i].memsz);
		if (s[i].bufsz)
			memcpy(mem[i], s[i].buf, s[i].bufsz);
		s[i].mem = (uint64_t)(uintptr_t)mem[i];
	}
	memset(&pi, 0xee, sizeof(pi));
	CHECK_EQ(stage_digest(s, 4, &pi), 0);
	CHECK_EQ(pi.regions[0].start, s[1].mem);
	CHECK_EQ(pi.regions[0].len, sizeof(b));
	CHECK_EQ(pi.regions[1].start, s[2].mem);
	CHECK_EQ(pi.regions[1].len, sizeof(a));
	CHECK_EQ(pi.regions[2].len, 0); /* the backup loads nothing; unused slots cleared */
	CHECK_EQ(pi.regions[15].len, 0);
	CHECK_EQ(purg_hash_regions(pi.regions, CC_PURG_MAX_REGIONS, check), sizeof(a) + sizeof(b));
	CHECK(purg_digest_equal(check, pi.digest));
	mem[1][4999] ^= 1; /* a changed byte of the payload is noticed */
	purg_hash_regions(pi.regions, CC_PURG_MAX_REGIONS, check);
	CHECK(!purg_digest_equal(check, pi.digest));
	mem[1][4999] ^= 1;
	mem[1][5000] = 1; /* the zero fill is not hashed */
	mem[3][100] = 1;
	purg_hash_regions(pi.regions, CC_PURG_MAX_REGIONS, check);
	CHECK(purg_digest_equal(check, pi.digest));
	for (int i = 0; i < 4; i++)
		free(mem[i]);

	/* More hashed segments than regions. */
	struct segment many[CC_PURG_MAX_REGIONS + 1];
	for (int i = 0; i <= CC_PURG_MAX_REGIONS; i++)
		many[i] = (struct segment){ "x", a, 1, 4096, 4096, 0, 1 };
	CHECK_EQ(stage_digest(many, CC_PURG_MAX_REGIONS + 1, &pi), -1);
}

static void test_images(void)
{
	static uint8_t purg[CC_PURG_OFF_INFO + sizeof(struct cc_purgatory_info) + 64];
	struct cc_purgatory_header h = {
		.magic = CC_PURG_MAGIC, .version = CC_PURG_VERSION, .header_size = CC_PURG_HDR_SIZE,
		.entry_offset = 0x1c0 % sizeof(purg), .info_offset = CC_PURG_OFF_INFO,
		.info_size = sizeof(struct cc_purgatory_info), .file_size = sizeof(purg),
		.mem_size = 0x3000, .load_align = 4096,
	};
	struct cc_purgatory_info pi = { .magic = CC_PURG_INFO_MAGIC, .version = CC_PURG_VERSION, .size = sizeof(pi) };
	struct cc_purgatory_header got;
	char why[200];

	memcpy(purg, &h, sizeof(h));
	memcpy(purg + CC_PURG_OFF_INFO, &pi, sizeof(pi));
	CHECK_EQ(stage_check_purgatory(purg, sizeof(purg), &got, why, sizeof(why)), 0);
	CHECK_EQ(stage_check_purgatory(purg, sizeof(purg) - 1, &got, why, sizeof(why)), -1); /* size mismatch */
	struct cc_purgatory_info patch = { .entry = 0x1234, .params = 0x5678, .serial_port = 0x3f8 };
	stage_patch_purgatory(purg, &got, &patch);
	struct cc_purgatory_info back;
	memcpy(&back, purg + CC_PURG_OFF_INFO, sizeof(back));
	CHECK_EQ(back.magic, CC_PURG_INFO_MAGIC); /* kept */
	CHECK_EQ(back.size, sizeof(back));
	CHECK_EQ(back.entry, 0x1234);
	CHECK_EQ(back.params, 0x5678);
	purg[CC_PURG_OFF_INFO] ^= 1; /* a damaged patch block */
	CHECK_EQ(stage_check_purgatory(purg, sizeof(purg), &got, why, sizeof(why)), -1);

	static uint8_t img[256];
	struct cc_image_header ih = { .magic = CC_IMG_MAGIC, .version = CC_IMG_VERSION, .header_size = CC_IMG_HDR_SIZE,
				      .entry64_offset = 0x40, .file_size = sizeof(img), .mem_size = 0x81000,
				      .load_align = 4096 };
	struct cc_image_header ig;
	memcpy(img, &ih, sizeof(ih));
	CHECK_EQ(stage_check_payload(img, sizeof(img), &ig, why, sizeof(why)), 0);
	CHECK_EQ(ig.mem_size, 0x81000);
	ih.entry64_offset = sizeof(img); /* entry outside the file */
	memcpy(img, &ih, sizeof(ih));
	CHECK_EQ(stage_check_payload(img, sizeof(img), &ig, why, sizeof(why)), -1);
}

/* The worst case of a CC_ENC_PAGES data area, counted by hand from
 * dumpfmt.h and the LZ4 frame format: every page kept, none compressed. */
static void test_pages_bound(void)
{
	static struct cc_params p;

	stage_params_init(&p);
	p.nr_ranges = 2;
	p.ranges[0] = (struct cc_mem_range){ .paddr = 0x100000, .size = 1025 * 4096ull };
	p.ranges[1] = (struct cc_mem_range){ .paddr = 0x100000000ull, .size = 17 * 4096ull };
	uint64_t head = 8 + 16 + 4096;           /* skippable frame, head record, ELF head of 232 bytes in one page */
	uint64_t full = 8 + 288 + 15 + 128 * 8 + 1024 * 4096 + 8; /* 1024 pages: 128 stored 32 KiB blocks */
	uint64_t one = 8 + 288 + 15 + 1 * 8 + 4096 + 8;          /* the 1025th page: a chunk of its own */
	uint64_t seventeen = 8 + 288 + 15 + 3 * 8 + 17 * 4096 + 8; /* 17 pages: blocks of 8, 8 and 1 */
	uint64_t end = 8 + 0x60;
	CHECK_EQ(stage_pages_size_bound(&p), head + full + one + seventeen + end);
	CHECK_EQ(stage_pages_size_bound(&p), 4274269); /* the same, summed by hand */

	/* Notes and VMCOREINFO grow the ELF head: 232 + 368 + 0x1024 bytes is 2 pages. */
	p.nr_note_bufs = 1;
	p.note_bufs[0] = (struct cc_note_buf){ .paddr = 0x7dc1a658, .size = 368 };
	p.vmcoreinfo_size = 0x1024;
	CHECK_EQ(stage_pages_size_bound(&p), 4274269 + 4096);
	/* Never less than the raw ELF core without zero runs. */
	CHECK(stage_pages_size_bound(&p) > stage_core_size(&p));
}

int main(void)
{
	struct iomem m;

	CHECK_EQ(iomem_parse(map, &m), IOMEM_OK);
	test_kernel_text(&m);
	test_ranges(&m);
	iomem_free(&m);
	test_too_many();
	test_digest();
	test_images();
	test_pages_bound();
	CHECK_DONE();
}
