/* tests/unit/test_dumphdr.c - capture/dumphdr.c: seal, check, names. */
#include <stddef.h>

#include "capture/crc32.h"
#include "capture/dumphdr.h"
#include "crashcap/status.h"
#include "tests/unit/check.h"

static void make_header(struct cc_dump_header *h)
{
	memset(h, 0, sizeof(*h));
	for (int i = 0; i < 16; i++)
		h->uuid[i] = (uint8_t)(0xa0 + i);
	h->state = CC_STATE_COMPLETE;
	h->data_offset = CC_DATA_OFFSET;
	h->data_written = h->data_total = 0x12345000;
	h->target_bytes = 1ull << 34;
	h->start_time = 1700000000;
	h->ram_bytes = 0x40000000;
	dumphdr_seal(h);
}

static void test_seal(void)
{
	struct cc_dump_header h, zeroed;

	make_header(&h);
	CHECK_EQ(dumphdr_check(&h), DUMPHDR_OK);
	CHECK(!memcmp(h.magic, CC_HDR_MAGIC, 8));
	CHECK_EQ(h.version, CC_HDR_VERSION);
	CHECK_EQ(h.header_size, sizeof(h));

	/* the checksum is the CRC-32 of the header with the field zeroed */
	zeroed = h;
	zeroed.checksum = 0;
	CHECK_EQ(h.checksum, crc32_update(0, &zeroed, sizeof(zeroed)));
	CHECK_EQ(dumphdr_checksum(&h), h.checksum);

	/* sealing again after a change keeps it valid */
	h.state = CC_STATE_SAVED;
	CHECK_EQ(dumphdr_check(&h), DUMPHDR_BAD_SUM);
	dumphdr_seal(&h);
	CHECK_EQ(dumphdr_check(&h), DUMPHDR_OK);
}

/* Every single-byte change is caught, and named for the field it hits. */
static void test_flips(void)
{
	for (size_t i = 0; i < sizeof(struct cc_dump_header); i++) {
		static const uint8_t masks[] = { 0x01, 0x80, 0xff };
		for (size_t m = 0; m < sizeof(masks); m++) {
			struct cc_dump_header h;
			make_header(&h);
			((uint8_t *)&h)[i] ^= masks[m];
			int want = i < offsetof(struct cc_dump_header, version) ? DUMPHDR_NO_MAGIC
				: i < offsetof(struct cc_dump_header, uuid) ? DUMPHDR_BAD_VERSION
				: DUMPHDR_BAD_SUM;
			int got = dumphdr_check(&h);
			if (got != want)
				fprintf(stderr, "byte %zu ^ 0x%02x:\n", i, masks[m]);
			CHECK_EQ(got, want);
		}
	}
}

static void test_version(void)
{
	struct cc_dump_header h;

	make_header(&h);
	h.version = CC_HDR_VERSION + 1;
	h.checksum = dumphdr_checksum(&h);  /* consistent, just newer */
	CHECK_EQ(dumphdr_check(&h), DUMPHDR_BAD_VERSION);

	make_header(&h);
	h.header_size = sizeof(h) + 64;
	h.checksum = dumphdr_checksum(&h);
	CHECK_EQ(dumphdr_check(&h), DUMPHDR_BAD_VERSION);

	memset(&h, 0, sizeof(h));           /* a blank disk */
	CHECK_EQ(dumphdr_check(&h), DUMPHDR_NO_MAGIC);
}

/* Version 2 (written): 136 bytes, origin after the checksum, all covered. */
static void test_v2_origin(void)
{
	struct cc_dump_header h, zeroed;

	make_header(&h);
	CHECK_EQ(h.version, 2);
	CHECK_EQ(h.header_size, 136);
	CHECK_EQ(dumphdr_origin(&h), CC_ORIGIN_PANIC);
	h.origin = CC_ORIGIN_HANG;
	h.origin_reserved = 7;
	dumphdr_seal(&h);
	CHECK_EQ(h.origin_reserved, 0);
	CHECK_EQ(dumphdr_check(&h), DUMPHDR_OK);
	CHECK_EQ(dumphdr_origin(&h), CC_ORIGIN_HANG);
	zeroed = h;
	zeroed.checksum = 0;
	CHECK_EQ(h.checksum, crc32_update(0, &zeroed, 136));
	/* the bytes at 0x80 as a reader sees them */
	CHECK_EQ(((const uint8_t *)&h)[0x80], CC_ORIGIN_HANG);
	h.origin = CC_ORIGIN_PANIC; /* origin is covered by the checksum */
	CHECK_EQ(dumphdr_check(&h), DUMPHDR_BAD_SUM);
}

/* Version 1, as crashcap wrote it before: 128 bytes, CRC over them; what
 * follows on disk (here junk) is not part of it and is not its origin. */
static void test_v1(void)
{
	uint8_t raw[sizeof(struct cc_dump_header)];
	struct cc_dump_header h;
	uint32_t v;

	make_header(&h);
	memcpy(raw, &h, sizeof(raw));
	v = 1;
	memcpy(raw + 0x08, &v, 4);
	v = 128;
	memcpy(raw + 0x0c, &v, 4);
	memset(raw + 0x7c, 0, 4);
	memset(raw + 0x80, 0xee, 8);
	v = crc32_update(0, raw, 128);
	memcpy(raw + 0x7c, &v, 4);
	memcpy(&h, raw, sizeof(h));
	CHECK_EQ(dumphdr_check(&h), DUMPHDR_OK);
	CHECK_EQ(dumphdr_checksum(&h), v);
	CHECK_EQ(dumphdr_origin(&h), CC_ORIGIN_PANIC);
	raw[0x80] ^= 1;                      /* past the checksum: not version 1's */
	memcpy(&h, raw, sizeof(h));
	CHECK_EQ(dumphdr_check(&h), DUMPHDR_OK);
	raw[0x20] ^= 1;                      /* inside: caught */
	memcpy(&h, raw, sizeof(h));
	CHECK_EQ(dumphdr_check(&h), DUMPHDR_BAD_SUM);
	raw[0x20] ^= 1;
	memcpy(&h, raw, sizeof(h));

	/* a save marks it saved: written back as version 2, origin panic */
	dumphdr_upgrade(&h);
	CHECK_EQ(h.origin, CC_ORIGIN_PANIC);
	CHECK_EQ(h.origin_reserved, 0);
	h.state = CC_STATE_SAVED;
	dumphdr_seal(&h);
	CHECK_EQ(dumphdr_check(&h), DUMPHDR_OK);
	CHECK_EQ(h.version, CC_HDR_VERSION);
	CHECK_EQ(dumphdr_origin(&h), CC_ORIGIN_PANIC);

	/* the pairs are exact: version 1 of 136 bytes, version 2 of 128 */
	memcpy(&h, raw, sizeof(h));
	h.header_size = 136;
	h.checksum = dumphdr_checksum(&h);
	CHECK_EQ(dumphdr_check(&h), DUMPHDR_BAD_VERSION);
	make_header(&h);
	h.header_size = 128;
	h.checksum = dumphdr_checksum(&h);
	CHECK_EQ(dumphdr_check(&h), DUMPHDR_BAD_VERSION);
}

static void test_names(void)
{
	CHECK_STR(dumphdr_state_name(CC_STATE_EMPTY), "empty");
	CHECK_STR(dumphdr_state_name(CC_STATE_SAVED), "saved");
	CHECK_STR(dumphdr_state_name(CC_STATE_SAVED + 1), "unknown");
	CHECK_STR(cc_status_name(CC_OK), "ok");
	for (unsigned s = 0; s < CC_STATUS_COUNT; s++)
		CHECK(strcmp(cc_status_name(s), "unknown") != 0);
	CHECK_STR(cc_status_name(CC_STATUS_COUNT), "unknown");
	CHECK_STR(dumphdr_origin_name(CC_ORIGIN_PANIC), "panic capture");
	CHECK_STR(dumphdr_origin_name(CC_ORIGIN_HANG), "hang capture (watchdog or reset, no CPU registers)");
	CHECK_STR(dumphdr_origin_name(2), "unknown origin");
}

int main(void)
{
	test_seal();
	test_flips();
	test_version();
	test_v2_origin();
	test_v1();
	test_names();
	CHECK_DONE();
}
