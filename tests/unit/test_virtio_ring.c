/* tests/unit/test_virtio_ring.c - drivers/virtio_ring.c (split virtqueue).
 * The test plays the device: it reads the available ring and writes the
 * used ring through raw offsets computed from the virtio spec, not through
 * the driver's structures. */
#include <stdint.h>
#include <stdlib.h>

#include "boot/bytes.h"
#include "drivers/virtio_ring.h"
#include "tests/unit/check.h"

/* Virtio 1.2, 2.7 "Split Virtqueues" (and 4.1.5.1.3.1 / 0.9.5 for the
 * legacy layout): descriptor table 16 * qsz bytes; available ring
 * flags, idx, ring[qsz], used_event = 6 + 2 * qsz bytes right after it;
 * used ring flags, idx, ring[qsz] of {le32 id, le32 len}, avail_event =
 * 6 + 8 * qsz bytes at the next multiple of align. */
static size_t spec_desc_off(unsigned q) { (void)q; return 0; }
static size_t spec_avail_off(unsigned q) { return 16 * (size_t)q; }
static size_t spec_used_off(unsigned q, unsigned align)
{
	size_t avail_end = spec_avail_off(q) + 6 + 2 * (size_t)q;
	return (avail_end + align - 1) / align * align;
}
static size_t spec_bytes(unsigned q, unsigned align) { return spec_used_off(q, align) + 6 + 8 * (size_t)q; }

static void wr16(uint8_t *m, size_t off, uint16_t v) { memcpy(m + off, &v, 2); }
static void wr32(uint8_t *m, size_t off, uint32_t v) { memcpy(m + off, &v, 4); }

static uint8_t *ring_mem(size_t bytes)
{
	uint8_t *m = aligned_alloc(4096, (bytes + 4095) / 4096 * 4096 + 4096);
	if (!m) {
		perror("aligned_alloc");
		exit(2);
	}
	memset(m, 0xcc, (bytes + 4095) / 4096 * 4096 + 4096); /* garbage */
	return m;
}

static void test_layout(void)
{
	/* known values: qsz 256 legacy is the classic 10246 bytes (3 pages) */
	CHECK_EQ(vring_bytes(256, 4096), 10246);
	CHECK_EQ(vring_bytes(128, 4096), 4096 + 6 + 8 * 128);   /* 2048 + 262 fits page 0 */
	CHECK_EQ(vring_bytes(128, 16), 2048 + 272 + 6 + 8 * 128);

	static const unsigned sizes[] = { 1, 2, 4, 8, 16, 64, 128, 256, 512, 1024, 32768 };
	static const unsigned aligns[] = { 4096, 16, 4 };
	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (unsigned a = 0; a < sizeof(aligns) / sizeof(aligns[0]); a++) {
			unsigned q = sizes[s], al = aligns[a];
			size_t want = spec_bytes(q, al);
			CHECK_EQ(vring_bytes(q, al), want);
			uint8_t *m = ring_mem(want);
			struct vring vr;
			vring_init(&vr, q, m, al);
			CHECK_EQ(vr.size, q);
			CHECK_EQ((uint8_t *)vr.desc - m, spec_desc_off(q));
			CHECK_EQ((uint8_t *)vr.avail - m, spec_avail_off(q));
			CHECK_EQ((uint8_t *)vr.used - m, spec_used_off(q, al));
			CHECK_EQ(((uint8_t *)vr.used - m) % al, 0);
			CHECK_EQ(vr.avail_idx, 0);
			CHECK_EQ(vr.last_used, 0);
			/* zeroed in full except avail.flags = NO_INTERRUPT, and not beyond */
			int zero = 1;
			for (size_t i = 0; i < want; i++)
				if (i != spec_avail_off(q) && i != spec_avail_off(q) + 1)
					zero &= m[i] == 0;
			CHECK(zero);
			CHECK_EQ(get_le16(m + spec_avail_off(q)), VRING_AVAIL_F_NO_INTERRUPT);
			CHECK_EQ(m[want], 0xcc);
			free(m);
		}
}

static void test_desc(void)
{
	unsigned q = 8;
	uint8_t *m = ring_mem(spec_bytes(q, 4096));
	struct vring vr;
	vring_init(&vr, q, m, 4096);
	vring_set_desc(&vr, 0, 0x123456789abcdef0ull, 16, VRING_DESC_F_NEXT, 1);
	vring_set_desc(&vr, 1, 0x7000, 0x10000, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 7);
	vring_set_desc(&vr, 7, 0xfffff000, 1, VRING_DESC_F_WRITE, 0);
	/* 2.7.5: le64 addr, le32 len, le16 flags, le16 next */
	CHECK_EQ(get_le64(m + 0), 0x123456789abcdef0ull);
	CHECK_EQ(get_le32(m + 8), 16);
	CHECK_EQ(get_le16(m + 12), VRING_DESC_F_NEXT);
	CHECK_EQ(get_le16(m + 14), 1);
	CHECK_EQ(get_le64(m + 16), 0x7000);
	CHECK_EQ(get_le32(m + 24), 0x10000);
	CHECK_EQ(get_le16(m + 28), 3);
	CHECK_EQ(get_le16(m + 30), 7);
	CHECK_EQ(get_le64(m + 7 * 16), 0xfffff000);
	CHECK_EQ(get_le32(m + 7 * 16 + 8), 1);
	CHECK_EQ(get_le16(m + 7 * 16 + 12), 2);
	CHECK_EQ(get_le16(m + 7 * 16 + 14), 0);
	int untouched = 1;
	for (size_t i = 32; i < 7 * 16; i++)
		untouched &= m[i] == 0;
	CHECK(untouched);
	free(m);
}

static void test_publish(void)
{
	unsigned q = 8;
	uint8_t *m = ring_mem(spec_bytes(q, 4096));
	struct vring vr;
	vring_init(&vr, q, m, 4096);
	size_t av = spec_avail_off(q);
	for (unsigned i = 0; i < 20; i++) {
		vring_publish(&vr, (uint16_t)(100 + i));
		CHECK_EQ(get_le16(m + av + 2), i + 1);                     /* idx */
		CHECK_EQ(get_le16(m + av + 4 + 2 * (i % q)), 100 + i);     /* ring[i % qsz] */
		CHECK_EQ(get_le16(m + av), VRING_AVAIL_F_NO_INTERRUPT);    /* flags kept */
	}
	/* only the 8 slots were written; used_event and the used ring untouched */
	CHECK_EQ(get_le16(m + av + 4 + 2 * q), 0);
	CHECK_EQ(get_le16(m + spec_used_off(q, 4096) + 2), 0);

	/* 16-bit wrap of idx: 65535 -> 0, slots keep cycling */
	vring_init(&vr, q, m, 4096);
	for (unsigned i = 0; i < 65535; i++)
		vring_publish(&vr, (uint16_t)(i % q));
	CHECK_EQ(get_le16(m + av + 2), 65535);
	vring_publish(&vr, 0x4242);
	CHECK_EQ(get_le16(m + av + 2), 0);
	CHECK_EQ(get_le16(m + av + 4 + 2 * (65535 % q)), 0x4242);
	vring_publish(&vr, 0x4343);
	CHECK_EQ(get_le16(m + av + 2), 1);
	CHECK_EQ(get_le16(m + av + 4 + 2 * 0), 0x4343);
	free(m);
}

/* The device completes one element: ring[idx % qsz] = {id, len}, then idx++. */
static void device_complete(uint8_t *m, unsigned q, uint32_t id, uint32_t len)
{
	size_t u = spec_used_off(q, 4096);
	uint16_t idx = get_le16(m + u + 2);
	wr32(m, u + 4 + 8 * (size_t)(idx % q), id);
	wr32(m, u + 4 + 8 * (size_t)(idx % q) + 4, len);
	wr16(m, u + 2, (uint16_t)(idx + 1));
}

static void test_pop_used(void)
{
	unsigned q = 4;
	uint8_t *m = ring_mem(spec_bytes(q, 4096));
	struct vring vr;
	vring_init(&vr, q, m, 4096);
	uint32_t id = 0xdead, len = 0xbeef;

	CHECK_EQ(vring_pop_used(&vr, &id, &len), 0);
	CHECK_EQ(id, 0xdead); /* untouched when nothing */
	CHECK_EQ(len, 0xbeef);

	/* an element written but idx not yet moved: still nothing */
	size_t u = spec_used_off(q, 4096);
	wr32(m, u + 4, 3);
	wr32(m, u + 8, 512);
	CHECK_EQ(vring_pop_used(&vr, &id, &len), 0);
	wr16(m, u + 2, 1);
	CHECK_EQ(vring_pop_used(&vr, &id, &len), 1);
	CHECK_EQ(id, 3);
	CHECK_EQ(len, 512);
	CHECK_EQ(vring_pop_used(&vr, &id, &len), 0);

	/* several at once come back in order */
	device_complete(m, q, 0, 1);
	device_complete(m, q, 2, 4097);
	device_complete(m, q, 1, 0);
	static const uint32_t want_id[] = { 0, 2, 1 }, want_len[] = { 1, 4097, 0 };
	for (uint32_t k = 0; k < 3; k++) {
		CHECK_EQ(vring_pop_used(&vr, &id, &len), 1);
		CHECK_EQ(id, want_id[k]);
		CHECK_EQ(len, want_len[k]);
	}
	CHECK_EQ(vring_pop_used(&vr, &id, &len), 0);

	/* 16-bit wrap: run idx past 65535, one element at a time and in bursts */
	int ok = 1;
	for (uint32_t n = 0; n < 70000; n++) {
		device_complete(m, q, n % q, n);
		if (n % 3 == 2)
			continue; /* leave some for a burst */
		while (vring_pop_used(&vr, &id, &len))
			ok &= len <= n && id == len % q;
	}
	CHECK(ok);
	/* every element seen exactly once: last_used caught up with idx */
	while (vring_pop_used(&vr, &id, &len))
		;
	CHECK_EQ(vr.last_used, get_le16(m + u + 2));
	CHECK_EQ(get_le16(m + u + 2), (uint16_t)(4 + 70000));

	/* precisely across the wrap */
	vring_init(&vr, q, m, 4096);
	vr.last_used = 65534;
	wr16(m, u + 2, 65534);
	device_complete(m, q, 1, 11);
	device_complete(m, q, 2, 22);
	device_complete(m, q, 3, 33); /* idx now 1 */
	CHECK_EQ(get_le16(m + u + 2), 1);
	uint32_t got[3][2];
	int n = 0;
	while (n < 3 && vring_pop_used(&vr, &got[n][0], &got[n][1]))
		n++;
	CHECK_EQ(n, 3);
	CHECK_EQ(got[0][0], 1);
	CHECK_EQ(got[0][1], 11);
	CHECK_EQ(got[1][0], 2);
	CHECK_EQ(got[2][1], 33);
	CHECK_EQ(vring_pop_used(&vr, &id, &len), 0);
	free(m);
}

/* A whole round trip: driver publishes chains, device consumes the
 * available ring by raw offsets and completes them in reverse. */
static void test_round_trip(void)
{
	unsigned q = 16;
	uint8_t *m = ring_mem(spec_bytes(q, 16));
	struct vring vr;
	vring_init(&vr, q, m, 16);
	for (uint16_t h = 0; h < 6; h += 3) {
		vring_set_desc(&vr, h, 0x1000 * h, 16, VRING_DESC_F_NEXT, h + 1);
		vring_set_desc(&vr, h + 1, 0x1000 * h + 16, 512, VRING_DESC_F_NEXT, h + 2);
		vring_set_desc(&vr, h + 2, 0x1000 * h + 528, 1, VRING_DESC_F_WRITE, 0);
		vring_publish(&vr, h);
	}
	size_t av = spec_avail_off(q), u = spec_used_off(q, 16);
	CHECK_EQ(get_le16(m + av + 2), 2);
	uint16_t heads[2] = { get_le16(m + av + 4), get_le16(m + av + 6) };
	CHECK_EQ(heads[0], 0);
	CHECK_EQ(heads[1], 3);
	/* follow chain 3 by raw offsets: 3 -> 4 -> 5 */
	uint16_t d = heads[1];
	unsigned links = 1;
	while (get_le16(m + d * 16 + 12) & VRING_DESC_F_NEXT) {
		d = get_le16(m + d * 16 + 14);
		links++;
	}
	CHECK_EQ(links, 3);
	CHECK_EQ(d, 5);
	CHECK_EQ(get_le64(m + d * 16), 0x3000 + 528);
	for (int i = 1; i >= 0; i--) {
		uint16_t idx = get_le16(m + u + 2);
		wr32(m, u + 4 + 8 * idx, heads[i]);
		wr32(m, u + 8 + 8 * idx, 528 + i);
		wr16(m, u + 2, (uint16_t)(idx + 1));
	}
	uint32_t id, len;
	CHECK_EQ(vring_pop_used(&vr, &id, &len), 1);
	CHECK_EQ(id, 3);
	CHECK_EQ(len, 529);
	CHECK_EQ(vring_pop_used(&vr, &id, &len), 1);
	CHECK_EQ(id, 0);
	CHECK_EQ(len, 528);
	CHECK_EQ(vring_pop_used(&vr, &id, &len), 0);
	free(m);
}

int main(void)
{
	test_layout();
	test_desc();
	test_publish();
	test_pop_used();
	test_round_trip();
	CHECK_DONE();
}
