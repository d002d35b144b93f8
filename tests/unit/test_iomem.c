/* tests/unit/test_iomem.c - loader/iomem.c: parsing /proc/iomem. */
#include "loader/iomem.h"
#include "tests/unit/check.h"

/* QEMU q35-like map, 6 GiB, crashkernel=256M,high plus its ,low region. */
static const char qemu_map[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"0009fc00-0009ffff : Reserved\n"
	"000f0000-000fffff : Reserved\n"
	"  000f0000-000fffff : System ROM\n"
	"00100000-7ffdefff : System RAM\n"
	"  01000000-01e03a57 : Kernel code\n"
	"  02000000-0247ffff : Kernel rodata\n"
	"  02d0e000-02ffffff : Kernel bss\n"
	"  6f000000-7effffff : Crash kernel\n"
	"7ffdf000-7fffffff : Reserved\n"
	"b0000000-bfffffff : PCI MMCONFIG 0000 [bus 00-ff]\n"
	"  b0000000-bfffffff : Reserved\n"
	"    b0000000-bfffffff : pnp 00:04\n"
	"100000000-1bfffffff : System RAM\n"
	"  1b0000000-1bfffffff : Crash kernel\n"
	"1c0000000-1ffffffff : Soft Reserved\n"
	"  1c0000000-1ffffffff : dax0.0\n"
	"    1c0000000-1ffffffff : System RAM (kmem)\n";

/* The same map as a user without CAP_SYS_ADMIN reads it. */
static const char hidden_map[] =
	"00000000-00000000 : Reserved\n"
	"00000000-00000000 : System RAM\n"
	"00000000-00000000 : Reserved\n"
	"  00000000-00000000 : Kernel code\n"
	"  00000000-00000000 : Crash kernel\n";

static void test_parse(void)
{
	struct iomem m;

	CHECK_EQ(iomem_parse(qemu_map, &m), IOMEM_OK);
	CHECK_EQ(m.n, 19);
	CHECK_EQ(m.res[1].start, 0x1000);
	CHECK_EQ(m.res[1].end, 0x9fbff);
	CHECK_EQ(m.res[1].depth, 0);
	CHECK_STR(m.res[1].name, "System RAM");
	/* Nested lines: depth from the indentation, name without it. */
	CHECK_EQ(m.res[6].depth, 1);
	CHECK_STR(m.res[6].name, "Kernel code");
	CHECK_EQ(m.res[13].depth, 2);
	CHECK_STR(m.res[13].name, "pnp 00:04");
	/* Nine hex digits above 4 GiB. */
	CHECK_EQ(m.res[14].start, 0x100000000ull);
	CHECK_EQ(m.res[14].end, 0x1bfffffffull);
	/* "System RAM (kmem)" is RAM too, three levels down. */
	CHECK(iomem_is_ram(&m.res[18]));
	CHECK(!iomem_is_ram(&m.res[16]));

	CHECK_EQ(iomem_find_next(&m, -1, "Kernel code"), 6);
	CHECK_EQ(iomem_find_next(&m, 6, "Kernel code"), -1);
	CHECK_EQ(iomem_find_next(&m, -1, "Kernel bss"), 8);
	CHECK_EQ(iomem_find_next(&m, -1, "System RAM"), 1); /* exact match */
	CHECK_EQ(iomem_find_next(&m, 6, "System RAM"), 14);

	/* Two "Crash kernel" lines: the highest is the one for segments. */
	unsigned count = 0;
	int ci = iomem_crash_region(&m, &count);
	CHECK_EQ(count, 2);
	CHECK_EQ(ci, 15);
	CHECK_EQ(m.res[ci].start, 0x1b0000000ull);

	/* RAM: each top-level RAM line once, the kmem one nested deeper. */
	CHECK_EQ(iomem_ram_bytes(&m), (0x9fc00 - 0x1000) + (0x7ffdf000 - 0x100000) +
				      0xc0000000ull + 0x40000000ull);
	iomem_free(&m);
	CHECK(m.res == NULL);
}

static void test_crash_order(void)
{
	/* The high region listed first still wins. */
	static const char map[] =
		"100000000-13fffffff : System RAM\n"
		"  130000000-13fffffff : Crash kernel\n"
		"00100000-7fffffff : System RAM\n"
		"  10000000-1fffffff : Crash kernel\n";
	struct iomem m;
	unsigned count;

	CHECK_EQ(iomem_parse(map, &m), IOMEM_OK);
	CHECK_EQ(iomem_crash_region(&m, &count), 1);
	CHECK_EQ(count, 2);
	iomem_free(&m);

	static const char none[] = "00100000-7fffffff : System RAM\n";
	CHECK_EQ(iomem_parse(none, &m), IOMEM_OK);
	CHECK_EQ(iomem_crash_region(&m, &count), -1);
	CHECK_EQ(count, 0);
	iomem_free(&m);
}

static void test_hidden_and_bad(void)
{
	struct iomem m;

	CHECK_EQ(iomem_parse(hidden_map, &m), IOMEM_HIDDEN);
	CHECK(m.res == NULL);
	CHECK_EQ(iomem_parse("", &m), IOMEM_EMPTY);
	CHECK_EQ(iomem_parse("garbage\nmore garbage\n", &m), IOMEM_EMPTY);
	/* Bad lines are skipped; the good ones stay.  No final newline. */
	CHECK_EQ(iomem_parse("junk\n00100000-001fffff : System RAM\nffff-0000 : backwards", &m), IOMEM_OK);
	CHECK_EQ(m.n, 1);
	CHECK_EQ(m.res[0].start, 0x100000);
	iomem_free(&m);
	/* One real zero-based line is not "hidden": the first page exists. */
	CHECK_EQ(iomem_parse("00000000-00000fff : Reserved\n00000000-00000000 : odd\n", &m), IOMEM_OK);
	iomem_free(&m);
	/* A long name is cut, not overflowed. */
	CHECK_EQ(iomem_parse("00100000-001fffff : a name that is much longer than the sixty-four bytes "
			     "kept for each resource name\n", &m), IOMEM_OK);
	CHECK_EQ(strlen(m.res[0].name), IOMEM_NAME_MAX - 1);
	iomem_free(&m);
}

static void test_many_lines(void)
{
	/* More lines than the first allocation holds. */
	static char map[200 * 40];
	size_t used = 0;
	struct iomem m;

	for (unsigned i = 0; i < 200; i++)
		used += (size_t)snprintf(map + used, sizeof(map) - used, "%08x-%08x : System RAM\n",
					 i * 0x100000u, i * 0x100000u + 0xfffffu);
	CHECK_EQ(iomem_parse(map, &m), IOMEM_OK);
	CHECK_EQ(m.n, 200);
	CHECK_EQ(m.res[199].start, 199 * 0x100000u);
	CHECK_EQ(iomem_ram_bytes(&m), 200 * 0x100000ull);
	iomem_free(&m);
}

int main(void)
{
	test_parse();
	test_crash_order();
	test_hidden_and_bad();
	test_many_lines();
	CHECK_DONE();
}
