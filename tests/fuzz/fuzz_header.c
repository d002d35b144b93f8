/* tests/fuzz/fuzz_header.c - libFuzzer harness for what `crashcap status`
 * and `crashcap save` make of a target's header and data area before any
 * stream decoding (loader/dumpcheck.c): dumphdr_check on the bytes as they
 * are, then, with the header resealed so every field is reachable,
 * dump_judge (the one definition of complete), dump_percent, the raw ELF
 * head check (dump_check_elf) and the END record reader of status
 * (dump_read_end).
 *
 * Input: the first 128 bytes are the header's first 128 (zero-padded when
 * shorter; the version-2 origin fields after them are zero: the seal below
 * makes every header version 2); the rest is the data area.  The target is then 65536 + that many bytes:
 * the header, zeros up to CC_DATA_OFFSET, the data area.  Every read must
 * stay inside it, and every verdict must agree with the header:
 *
 *   make fuzz        build build/fuzz/fuzz_header (clang, ASan, UBSan)
 *   tests/fuzz/run.sh header SECONDS
 *   build/fuzz/replay_header tests/fuzz/corpus/header   (gcc, no libFuzzer) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/dumphdr.h"
#include "crashcap/status.h"
#include "loader/dumpcheck.h"

#define IN_HDR 128 /* header bytes taken from the input (the corpus's layout) */

struct tgt { unsigned char hdr[sizeof(struct cc_dump_header)]; const uint8_t *data; size_t n; uint64_t size; };

static int tgt_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	const struct tgt *t = ctx;
	unsigned char *b = buf;
	if (off > t->size || len > t->size - off)
		abort(); /* a read past the end of the target */
	for (size_t i = 0; i < len; i++) {
		uint64_t o = off + i;
		b[i] = o < sizeof(t->hdr) ? t->hdr[o] : o < CC_DATA_OFFSET ? 0 : t->data[o - CC_DATA_OFFSET];
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tgt t;
	struct cc_dump_header h;
	struct dump_verdict v;
	char why[256];

	memset(t.hdr, 0, sizeof(t.hdr));
	memcpy(t.hdr, data, size < IN_HDR ? size : IN_HDR);
	t.data = size > IN_HDR ? data + IN_HDR : data;
	t.n = size > IN_HDR ? size - IN_HDR : 0;
	t.size = CC_DATA_OFFSET + t.n;
	memcpy(&h, t.hdr, sizeof(h));
	(void)dumphdr_check(&h);          /* the bytes as they are */
	dumphdr_seal(&h);                 /* then every field, with a good checksum */
	if (dumphdr_check(&h) != DUMPHDR_OK)
		abort();
	memcpy(t.hdr, &h, sizeof(h));

	enum dump_kind k = dump_judge(&h, t.size, &v);
	if (k != v.kind || !v.why[0])
		abort(); /* every verdict has words */
	if (k == DUMP_COMPLETE && (h.status != CC_OK || h.data_written != h.data_total || !h.data_total ||
				   (h.state != CC_STATE_COMPLETE && h.state != CC_STATE_SAVED)))
		abort(); /* "complete" is exactly this */
	if (k == DUMP_INCOMPLETE && (h.status == CC_OK || h.data_written > h.data_total || !h.data_written))
		abort();
	if ((k == DUMP_COMPLETE || k == DUMP_INCOMPLETE) &&
	    (h.data_offset != CC_DATA_OFFSET || h.data_written > t.size - h.data_offset ||
	     h.data_written > h.target_bytes - h.data_offset || h.encoding == CC_ENC_LZ4 || h.status >= CC_STATUS_COUNT))
		abort(); /* a dump save would read lies inside the target */
	if (h.state == CC_STATE_COMPLETE && k == DUMP_INCOMPLETE)
		abort(); /* state complete is never "incomplete": complete or inconsistent */
	unsigned pct = dump_percent(h.data_written, h.data_total);
	if (pct > 100 || (h.data_total && h.data_written == h.data_total && pct != 100))
		abort();

	struct dump_reader r = { tgt_read, &t };
	if (k == DUMP_COMPLETE || k == DUMP_INCOMPLETE) {
		if (h.encoding == CC_ENC_ELF) {
			why[0] = '\0';
			if (dump_check_elf(&r, &h, why, sizeof(why)) < 0 && !why[0])
				abort(); /* a refusal without words */
		} else {
			struct cc_rec_end e;
			why[0] = '\0';
			int rc = dump_read_end(&r, &h, &e, why, sizeof(why));
			if (rc < 0 && !why[0])
				abort();
			if (rc == 0 && (e.kept > e.pages || e.unsure > e.kept || e.raw_bytes != e.kept * CC_PAGE_BYTES))
				abort(); /* counts status would print that do not add up */
		}
	}
	return 0;
}
