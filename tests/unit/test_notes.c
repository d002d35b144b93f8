/* tests/unit/test_notes.c - capture/notes.c (notes_walk, notes_add,
 * notes_collect).  Host buffers stand for the crashed kernel's
 * crash_notes; their "physical address" is the pointer value. */
#include <stdint.h>
#include <stdlib.h>

#include "capture/notes.h"
#include "tests/unit/check.h"

/* A note buffer as the kernel leaves it, built by hand. */
struct nbuf {
	uint32_t w[256]; /* 4-byte aligned, like the kernel's */
	size_t len;
};

static uint64_t pa(const void *p) { return (uint64_t)(uintptr_t)p; }

/* Append a note: header words, name bytes then zeros to a multiple of
 * 4, desc bytes then zeros to a multiple of 4.  Returns its length. */
static size_t put(struct nbuf *b, const char *name, uint32_t namesz, uint32_t type,
		  const void *desc, uint32_t descsz)
{
	uint8_t *p = (uint8_t *)b->w + b->len;
	size_t start = b->len;
	uint32_t hdr[3] = { namesz, descsz, type };
	memcpy(p, hdr, 12);
	p += 12;
	memcpy(p, name, namesz);
	for (uint32_t i = namesz; i % 4; i++)
		p[i] = 0;
	p += (namesz + 3) & ~3u;
	memcpy(p, desc, descsz);
	for (uint32_t i = descsz; i % 4; i++)
		p[i] = 0;
	p += (descsz + 3) & ~3u;
	b->len = (size_t)(p - (uint8_t *)b->w);
	return b->len - start;
}

static const uint8_t D[64] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
	25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
};

/* Two notes (36 and 24 bytes), then an empty header. */
static void two_notes(struct nbuf *b)
{
	memset(b, 0, sizeof(*b));
	CHECK_EQ(put(b, "CORE", 5, 1, D, 13), 12 + 8 + 16);
	CHECK_EQ(put(b, "LINUX", 6, 0x202, D + 13, 3), 12 + 8 + 4);
}

static uint8_t out[1024];

static struct notes fresh(size_t cap)
{
	memset(out, 0xee, sizeof(out));
	return (struct notes){ out, cap, 0, 0, 0 };
}

static void test_walk_stops(void)
{
	struct nbuf b;
	two_notes(&b);

	/* at n_namesz == 0, though the buffer is bigger */
	struct notes n = fresh(sizeof(out));
	notes_walk(&n, pa(b.w), sizeof(b.w));
	CHECK_EQ(n.len, 60);
	CHECK_EQ(n.count, 2);
	CHECK_EQ(n.dropped, 0);
	CHECK(!memcmp(out, b.w, 60));
	CHECK_EQ(out[60], 0xee);

	/* a zero namesz stops even with other fields set */
	uint32_t junk[3] = { 0, 8, 1 };
	memcpy((uint8_t *)b.w + 60, junk, 12);
	n = fresh(sizeof(out));
	notes_walk(&n, pa(b.w), sizeof(b.w));
	CHECK_EQ(n.count, 2);
	CHECK_EQ(n.len, 60);

	/* at the buffer size: exactly two notes long, a third beyond */
	two_notes(&b);
	put(&b, "XEN", 4, 3, D, 4);
	n = fresh(sizeof(out));
	notes_walk(&n, pa(b.w), 60);
	CHECK_EQ(n.count, 2);
	CHECK_EQ(n.len, 60);
	/* room for less than a header after them */
	n = fresh(sizeof(out));
	notes_walk(&n, pa(b.w), 60 + 11);
	CHECK_EQ(n.count, 2);
	/* all three */
	n = fresh(sizeof(out));
	notes_walk(&n, pa(b.w), b.len);
	CHECK_EQ(n.count, 3);
	CHECK_EQ(n.len, 60 + 12 + 4 + 4);
	CHECK(!memcmp(out, b.w, b.len));
	/* size 0 and a too-short buffer: nothing */
	n = fresh(sizeof(out));
	notes_walk(&n, pa(b.w), 0);
	notes_walk(&n, pa(b.w), 11);
	CHECK_EQ(n.count, 0);
	CHECK_EQ(n.len, 0);
}

static void test_walk_torn(void)
{
	struct nbuf b;
	/* the third note's desc runs past the buffer: the first two are kept */
	two_notes(&b);
	put(&b, "XEN", 4, 3, D, 40);
	struct notes n = fresh(sizeof(out));
	notes_walk(&n, pa(b.w), b.len - 4);
	CHECK_EQ(n.count, 2);
	CHECK_EQ(n.len, 60);
	CHECK_EQ(n.dropped, 0);
	/* its header fits but not its name */
	n = fresh(sizeof(out));
	notes_walk(&n, pa(b.w), 60 + 12 + 2);
	CHECK_EQ(n.count, 2);
	CHECK_EQ(n.len, 60);

	/* corrupt sizes, as a damaged kernel might leave them: never copied,
	 * whatever the 32-bit padding arithmetic would wrap to */
	static const uint32_t bad[][2] = {
		{ 0xffffffff, 0 }, { 0xfffffffd, 0 }, { 5, 0xffffffff }, { 5, 0xfffffffe },
		{ 0x80000000, 0x80000000 }, { 1000, 0 },
	};
	for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		two_notes(&b);
		uint32_t hdr[3] = { bad[k][0], bad[k][1], 1 };
		memcpy((uint8_t *)b.w + 60, hdr, 12);
		memset((uint8_t *)b.w + 72, 0x41, 64);
		n = fresh(sizeof(out));
		notes_walk(&n, pa(b.w), sizeof(b.w));
		CHECK_EQ(n.count, 2);
		CHECK_EQ(n.len, 60);
		if (n.count != 2)
			fprintf(stderr, "  with n_namesz %#x n_descsz %#x\n", bad[k][0], bad[k][1]);
	}
}

static void test_padding(void)
{
	/* name and desc sizes 1..8: each padded to 4 */
	for (uint32_t ns = 1; ns <= 8; ns++)
		for (uint32_t ds = 0; ds <= 8; ds++) {
			struct nbuf b;
			memset(&b, 0, sizeof(b));
			char name[8] = "ABCDEFG";
			name[ns - 1] = 0;
			size_t len = put(&b, name, ns, 7, D, ds);
			size_t want = 12 + (ns <= 4 ? 4 : 8) + (ds == 0 ? 0 : ds <= 4 ? 4 : 8);
			CHECK_EQ(len, want);
			put(&b, "Z", 2, 9, D, 1); /* a second note after it */
			struct notes n = fresh(sizeof(out));
			notes_walk(&n, pa(b.w), sizeof(b.w));
			CHECK_EQ(n.count, 2);
			CHECK_EQ(n.len, want + 12 + 4 + 4);
			CHECK(!memcmp(out, b.w, n.len));
		}
}

static void test_capacity(void)
{
	struct nbuf b;
	two_notes(&b);
	put(&b, "X", 2, 1, D, 0); /* 16 bytes */

	/* 36 fits, 24 does not (4 left), 16 does not */
	struct notes n = fresh(40);
	notes_walk(&n, pa(b.w), sizeof(b.w));
	CHECK_EQ(n.count, 1);
	CHECK_EQ(n.dropped, 2);
	CHECK_EQ(n.len, 36);
	CHECK(!memcmp(out, b.w, 36));
	CHECK_EQ(out[36], 0xee); /* nothing past the capacity */

	/* a later, smaller note may still fit: 36, drop 24, then 16 */
	n = fresh(52);
	notes_walk(&n, pa(b.w), sizeof(b.w));
	CHECK_EQ(n.count, 2);
	CHECK_EQ(n.dropped, 1);
	CHECK_EQ(n.len, 52);
	CHECK(!memcmp(out + 36, (uint8_t *)b.w + 60, 16));

	/* exactly full */
	n = fresh(76);
	notes_walk(&n, pa(b.w), sizeof(b.w));
	CHECK_EQ(n.count, 3);
	CHECK_EQ(n.dropped, 0);
	CHECK_EQ(n.len, 76);

	/* notes_add when full */
	CHECK_EQ(notes_add(&n, "A", 1, D, 0), -1);
	CHECK_EQ(n.dropped, 1);
	CHECK_EQ(n.len, 76);
	CHECK_EQ(out[76], 0xee);
}

static void test_add(void)
{
	struct notes n = fresh(sizeof(out));
	static const char cl[] = "target=virtio:00:04.0";
	CHECK_EQ(notes_add(&n, "CRASHCAP", 0x43430001, cl, sizeof(cl) - 1), 0);
	/* 12 + "CRASHCAP\0" 9 -> 12 + 21 -> 24 */
	CHECK_EQ(n.len, 12 + 12 + 24);
	CHECK_EQ(n.count, 1);
	uint32_t h[3];
	memcpy(h, out, 12);
	CHECK_EQ(h[0], 9);
	CHECK_EQ(h[1], 21);
	CHECK_EQ(h[2], 0x43430001);
	CHECK(!memcmp(out + 12, "CRASHCAP\0\0\0\0", 12));
	CHECK(!memcmp(out + 24, cl, 21));
	CHECK(!memcmp(out + 45, "\0\0\0", 3));
	CHECK_EQ(out[48], 0xee);

	/* a second one follows at once; an empty desc takes no bytes */
	CHECK_EQ(notes_add(&n, "AB", 5, D, 0), 0);
	CHECK_EQ(n.len, 48 + 12 + 4);
	memcpy(h, out + 48, 12);
	CHECK_EQ(h[0], 3);
	CHECK_EQ(h[1], 0);
	CHECK_EQ(h[2], 5);
	CHECK(!memcmp(out + 60, "AB\0\0", 4));
	CHECK_EQ(n.count, 2);

	/* what notes_add writes, notes_walk reads back unchanged */
	uint8_t copy[64];
	memcpy(copy, out, n.len);
	size_t len = n.len;
	uint8_t back[128];
	struct notes m = { back, sizeof(back), 0, 0, 0 };
	notes_walk(&m, pa(copy), len);
	CHECK_EQ(m.count, 2);
	CHECK_EQ(m.len, len);
	CHECK(!memcmp(back, copy, len));

	/* exactly the room left */
	n = fresh(12 + 4 + 4);
	CHECK_EQ(notes_add(&n, "abc", 1, D, 4), 0);
	CHECK_EQ(n.len, 20);
	n = fresh(12 + 4 + 4 - 1);
	CHECK_EQ(notes_add(&n, "abc", 1, D, 4), -1);
	CHECK_EQ(n.len, 0);
	CHECK_EQ(n.dropped, 1);
	CHECK_EQ(out[0], 0xee);
}

static void test_collect(void)
{
	static struct cc_params p;
	static struct nbuf cpu0, cpu1, cpu2, vmci;
	memset(&p, 0, sizeof(p));
	memset(&cpu0, 0, sizeof(cpu0));
	memset(&cpu1, 0, sizeof(cpu1));
	memset(&cpu2, 0, sizeof(cpu2));
	memset(&vmci, 0, sizeof(vmci));
	put(&cpu0, "CORE", 5, 1, "cpu0", 4);
	put(&cpu0, "CORE", 5, 2, "fpu0", 4);
	/* cpu1: empty (an offline CPU) */
	put(&cpu2, "CORE", 5, 1, "cpu2", 4);
	static const char vi[] = "OSRELEASE=6.1\n";
	put(&vmci, "VMCOREINFO", 11, 0, vi, sizeof(vi) - 1);

	p.nr_note_bufs = 3;
	p.note_bufs[0] = (struct cc_note_buf){ pa(cpu0.w), sizeof(cpu0.w) };
	p.note_bufs[1] = (struct cc_note_buf){ pa(cpu1.w), sizeof(cpu1.w) };
	p.note_bufs[2] = (struct cc_note_buf){ pa(cpu2.w), sizeof(cpu2.w) };
	p.vmcoreinfo_paddr = pa(vmci.w);
	p.vmcoreinfo_size = vmci.len; /* no terminator: ends at the size */

	struct notes n = fresh(sizeof(out));
	notes_collect(&n, &p);
	CHECK_EQ(n.count, 4);
	CHECK_EQ(n.len, cpu0.len + cpu2.len + vmci.len);
	CHECK(!memcmp(out, cpu0.w, cpu0.len));
	CHECK(!memcmp(out + cpu0.len, cpu2.w, cpu2.len));
	CHECK(!memcmp(out + cpu0.len + cpu2.len, vmci.w, vmci.len));

	/* no VMCOREINFO */
	p.vmcoreinfo_paddr = 0;
	n = fresh(sizeof(out));
	notes_collect(&n, &p);
	CHECK_EQ(n.count, 3);
	CHECK_EQ(n.len, cpu0.len + cpu2.len);

	/* only VMCOREINFO */
	p.nr_note_bufs = 0;
	p.vmcoreinfo_paddr = pa(vmci.w);
	n = fresh(sizeof(out));
	notes_collect(&n, &p);
	CHECK_EQ(n.count, 1);
	CHECK(!memcmp(out, vmci.w, vmci.len));

	/* a bogus count is capped at CC_MAX_NOTE_BUFS */
	static struct nbuf one;
	memset(&one, 0, sizeof(one));
	put(&one, "C", 2, 1, D, 0); /* 16 bytes */
	for (unsigned i = 0; i < CC_MAX_NOTE_BUFS; i++)
		p.note_bufs[i] = (struct cc_note_buf){ pa(one.w), sizeof(one.w) };
	p.nr_note_bufs = 100000;
	p.vmcoreinfo_paddr = 0;
	static uint8_t big[CC_MAX_NOTE_BUFS * 16 + 64];
	struct notes m = { big, sizeof(big), 0, 0, 0 };
	notes_collect(&m, &p);
	CHECK_EQ(m.count, CC_MAX_NOTE_BUFS);
	CHECK_EQ(m.len, CC_MAX_NOTE_BUFS * 16);

	/* More CPU notes than fit: VMCOREINFO keeps its room, CPU notes go */
	p.nr_note_bufs = CC_MAX_NOTE_BUFS;
	p.vmcoreinfo_paddr = pa(vmci.w);
	p.vmcoreinfo_size = vmci.len;
	size_t cap = 10 * 16 + vmci.len + 8; /* room for 10 CPU notes and VMCOREINFO */
	struct notes k = { big, cap, 0, 0, 0 };
	notes_collect(&k, &p);
	CHECK_EQ(k.count, 10 + 1);
	CHECK_EQ(k.dropped, CC_MAX_NOTE_BUFS - 10);
	CHECK_EQ(k.len, 10 * 16 + vmci.len);
	CHECK(!memcmp(big + 10 * 16, vmci.w, vmci.len));
	CHECK_EQ(k.cap, cap);
}

int main(void)
{
	test_walk_stops();
	test_walk_torn();
	test_padding();
	test_capacity();
	test_add();
	test_collect();
	CHECK_DONE();
}
