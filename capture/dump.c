/* capture/dump.c - see dump.h. */
#include "capture/dump.h"
#include "capture/blkq.h"
#include "boot/console.h"
#include "capture/coremap.h"
#include "capture/dumphdr.h"
#include "capture/elfcore.h"
#include "capture/notes.h"
#include "capture/ostream.h"
#include "capture/pagedump.h"
#include "capture/ranges.h"
#include "capture/stream.h"
#include "boot/string.h"
#include "boot/timer.h"
#include "boot/x86.h"
#include "crashcap/notes.h"
#include "crashcap/status.h"
#include "drivers/rtc.h"

/* Notes: 256 CPUs (CC_MAX_NOTE_BUFS) of about 360 bytes, plus VMCOREINFO.
 * The head holds the ELF header, up to 1024 phdrs and the notes. */
#define NOTE_BUF_BYTES     (100 * 1024)
#define HEAD_BUF_BYTES     (160 * 1024)
#define PIECE_BYTES        (64ull << 20) /* progress is checked between pieces */
#define PROGRESS_EVERY_US  5000000ull
#define PROGRESS_EVERY_PCT 10
#define NT_CRASHCAP        CC_NT_DIRECT /* our note: "crashcap direct boot" text */

static uint8_t head_buf[HEAD_BUF_BYTES] __attribute__((aligned(4096)));
/* One memory, two uses in turn: the notes are gathered here and copied
 * into the ELF head (elfcore_build); only then, for the framed stream, it
 * is the output stream's ring (ostream.h), 3 disk writes of 32 KiB, which
 * keep the disk busy while the next buffer fills. */
#define OUT_BUFS 3
static union {
	uint8_t notes[NOTE_BUF_BYTES];
	uint8_t out[OUT_BUFS][OSTREAM_BUF_BYTES];
} scratch __attribute__((aligned(4096)));
_Static_assert(sizeof(scratch.out) <= NOTE_BUF_BYTES, "the output ring takes no more room than the notes");
static uint8_t hdr_block[CC_HDR_AREA] __attribute__((aligned(4096)));
static struct cm_seg segs[COREMAP_MAX_SEGS]; /* the PT_LOADs */

static struct {
	void *mem;
	uint32_t nbufs, bytes;
} lent_ring; /* dump_use_ring's, else none */

void dump_use_ring(void *ring, uint32_t nbufs, uint32_t buf_bytes)
{
	lent_ring.mem = ring;
	lent_ring.nbufs = nbufs;
	lent_ring.bytes = buf_bytes;
}

static struct dump_note extra_notes[DUMP_MAX_EXTRA_NOTES];
static unsigned nr_extra_notes;

void dump_set_extra_notes(const struct dump_note *notes, unsigned n)
{
	nr_extra_notes = n < DUMP_MAX_EXTRA_NOTES ? n : DUMP_MAX_EXTRA_NOTES;
	for (unsigned i = 0; i < nr_extra_notes; i++)
		extra_notes[i] = notes[i];
}

static struct cc_dump_header *hdr(void) { return (struct cc_dump_header *)hdr_block; }

static int write_header(void)
{
	dumphdr_seal(hdr());
	int st = blkq_write(0, (uint64_t)hdr_block, CC_HDR_AREA);
	return st ? st : blkq_flush();
}

static void make_uuid(uint8_t u[16])
{
	uint64_t x = rdtsc() ^ 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 16; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17; /* xorshift64 */
		u[i] = (uint8_t)(x >> 24);
	}
	u[6] = (u[6] & 0x0f) | 0x40; /* version 4 (random) */
	u[8] = (u[8] & 0x3f) | 0x80; /* RFC 4122 variant */
}

/* Step 1: what is on the target now decides whether we may write. */
static int check_target(const struct cc_params *p, uint8_t uuid[16])
{
	int st = blkq_read(0, (uint64_t)hdr_block, CC_HDR_AREA);
	if (st) {
		cc_log("could not read the target's header sector");
		return st;
	}
	int valid = dumphdr_check(hdr()) == DUMPHDR_OK;
	if (p->target.flags & CC_TF_UUID) {
		if (!valid || memcmp(hdr()->uuid, p->target.uuid, 16)) {
			const uint8_t *e = p->target.uuid, *f = hdr()->uuid;
			cc_log("wrong disk: expected crashcap target %02x%02x%02x%02x-..-%02x%02x, found %s %02x%02x%02x%02x-..-%02x%02x; writing nothing",
			       e[0], e[1], e[2], e[3], e[14], e[15], valid ? "target" : "no crashcap header, bytes",
			       f[0], f[1], f[2], f[3], f[14], f[15]);
			return CC_ERR_WRONG_DISK;
		}
	}
	if (valid)
		memcpy(uuid, hdr()->uuid, 16);
	else
		make_uuid(uuid);
	return CC_OK;
}

/* Progress lines: every PROGRESS_EVERY_PCT percent or PROGRESS_EVERY_US,
 * whichever comes first, and always the final one. */
struct progress {
	uint64_t t0_us, last_us, last_pct;
};

static int progress_due(struct progress *pr, uint64_t done, uint64_t total, int final, uint64_t *pct, uint64_t *us)
{
	uint64_t now = timer_now_us();
	*pct = total ? done * 100 / total : 100;
	if (!final && now - pr->last_us < PROGRESS_EVERY_US && *pct < pr->last_pct + PROGRESS_EVERY_PCT)
		return 0;
	pr->last_us = now;
	pr->last_pct = *pct;
	*us = now - pr->t0_us ? now - pr->t0_us : 1;
	return 1;
}

static void progress_start(struct progress *pr)
{
	pr->t0_us = pr->last_us = timer_now_us();
	pr->last_pct = 0;
}

/* Writing: counts bytes known written, not merely queued. */
static void progress(struct progress *pr, uint64_t total, int final)
{
	uint64_t done = blkq_done_prefix(), pct, us;
	done = done > CC_DATA_OFFSET ? done - CC_DATA_OFFSET : 0;
	if (progress_due(pr, done, total, final, &pct, &us))
		cc_log("%3lu%% %lu of %lu MiB, %lu MB/s", pct, done >> 20, total >> 20, done / us);
}

/* Scanning for zero runs (a finite pass over memory, no device). */
struct scan_ctx {
	struct progress pr;
	uint64_t total;
};

static void scan_tick(void *ctx, uint64_t scanned)
{
	struct scan_ctx *c = ctx;
	uint64_t pct, us;
	if (progress_due(&c->pr, scanned, c->total, scanned == c->total, &pct, &us))
		cc_log("scan %3lu%% %lu of %lu MiB, %lu MB/s", pct, scanned >> 20, c->total >> 20, scanned / us);
}

/* The PT_LOADs: every range whole with zeros=keep, else scanned for zero
 * runs (coremap.h).  cap: what the head has room for. */
static void build_map(const struct cc_params *p, struct coremap *m, uint32_t cap)
{
	int elide = !(p->options & CC_OPT_KEEP_ZEROS);
	if (cap > COREMAP_MAX_SEGS)
		cap = COREMAP_MAX_SEGS;
	if (cap < p->nr_ranges)
		cap = p->nr_ranges; /* no room to split; elfcore_build will say the head is too big */
	coremap_init(m, segs, cap, p->nr_ranges, COREMAP_MIN_RUN);
	if (!elide) {
		coremap_scan(m, p, 0, 0, 0, 0);
		cc_log("zeros=keep: every byte written, %u PT_LOADs", m->n);
		return;
	}
	struct scan_ctx c = { .total = coremap_scan_bytes(p, 1) };
	progress_start(&c.pr);
	coremap_scan(m, p, 1, scan_tick, &c, PIECE_BYTES);
	uint64_t mem = coremap_mem_bytes(m), file = coremap_file_bytes(m);
	cc_log("zero runs of %lu KiB or more left out: %lu of %lu MiB, %u PT_LOADs (at most %u)%s",
	       m->min_run >> 10, (mem - file) >> 20, mem >> 20, m->n, cap,
	       m->raised ? "; the minimum run was raised to fit" : "");
}

/* Step 3 of the raw ELF: the head, then the file part of every PT_LOAD. */
static int write_elf(const struct cc_params *p, const struct coremap *map, uint64_t head, uint64_t total,
		     struct progress *pr)
{
	struct encoder enc;
	encoder_raw_init(&enc);
	int st = enc.put(&enc, (uint64_t)head_buf, head);
	for (uint32_t i = 0; !st && i < map->n && !sink_clipped(); i++) {
		const struct cm_seg *sg = &map->seg[i];
		uint64_t src = p->ranges[sg->range].src + sg->off;
		for (uint64_t off = 0; !st && off < sg->filesz && !sink_clipped(); off += PIECE_BYTES) {
			uint64_t len = sg->filesz - off < PIECE_BYTES ? sg->filesz - off : PIECE_BYTES;
			st = enc.put(&enc, src + off, len);
			progress(pr, total, 0);
		}
	}
	return st ? st : enc.finish(&enc);
}

/* Progress of the framed stream: memory covered, what the stream holds. */
static void pages_tick(void *ctx, const struct pagedump_tick *t)
{
	struct progress *pr = ctx;
	uint64_t pct, us;
	if (progress_due(pr, t->bytes_done, t->bytes_total, t->bytes_done == t->bytes_total, &pct, &us))
		cc_log("%3lu%% %lu of %lu MiB of memory, stream %lu MiB, %lu MB/s", pct, t->bytes_done >> 20,
		       t->bytes_total >> 20, t->stream >> 20, t->bytes_done / us);
}

static void pages_summary(const struct cc_rec_end *e, uint64_t stream)
{
	cc_log("pages: %lu kept of %lu; left out: %lu zero, %lu cache, %lu cache with private, %lu user, %lu free, %lu poison; %lu kept as unsure",
	       e->kept, e->pages, e->excluded[CC_EXCL_ZERO], e->excluded[CC_EXCL_CACHE], e->excluded[CC_EXCL_CACHE_PRI],
	       e->excluded[CC_EXCL_USER], e->excluded[CC_EXCL_FREE], e->excluded[CC_EXCL_POISON], e->unsure);
	cc_log("stream %lu bytes for %lu MiB kept", stream, e->raw_bytes >> 20);
	pagedump_report();
}

int dump_run(const struct cc_params *p, struct blkdev *bd)
{
	uint8_t uuid[16];
	int st = blkq_init(bd, p->target.lba_start, p->target.lba_count);
	if (st)
		return st;
	if (blkq_window_bytes() < CC_DATA_OFFSET + ELFCORE_ALIGN) {
		cc_log("target of %lu bytes cannot hold even the header (%u bytes) and ELF head", blkq_window_bytes(), CC_DATA_OFFSET);
		return CC_ERR_TARGET_FULL;
	}
	st = check_target(p, uuid);
	if (st)
		return st;
	uint64_t start_time = rtc_unix_time(); /* before the zero-run scan */

	/* The ELF head: notes of the crashed kernel, or ours on a direct boot. */
	struct notes n = { scratch.notes, sizeof(scratch.notes), 0, 0, 0 };
	notes_collect(&n, p);
	if (!p->nr_note_bufs && !p->vmcoreinfo_paddr)
		notes_add(&n, "CRASHCAP", NT_CRASHCAP, p->cmdline, (uint32_t)strnlen(p->cmdline, CC_CMDLINE_MAX));
	for (unsigned i = 0; i < nr_extra_notes; i++)
		notes_add(&n, extra_notes[i].name, extra_notes[i].type, extra_notes[i].desc, extra_notes[i].len);
	if (n.dropped)
		cc_log("%u notes did not fit in %u bytes and are left out", n.dropped, NOTE_BUF_BYTES);
	/* Raw ELF (level 0, no compression) or the framed, filtered stream. */
	int framed = p->dump_level != 0 || p->compress != CC_COMPRESS_NONE;
	uint32_t level = 0;
	struct coremap map = { 0 };
	uint64_t total, head;
	if (framed) {
		const char *why = 0;
		level = pagedump_level(p, &why);
		if (why)
			cc_log("dump level %u asked, %u applied: %s", p->dump_level, level, why);
		head = elfcore_build(head_buf, sizeof(head_buf), p, segs, pagedump_loads(p, segs), n.buf, n.len, &total);
	} else {
		build_map(p, &map, elfcore_max_loads(sizeof(head_buf), n.len));
		head = elfcore_build(head_buf, sizeof(head_buf), p, map.seg, map.n, n.buf, n.len, &total);
	}
	if (!head) {
		cc_log("ELF head for %u PT_LOADs and %lu bytes of notes exceeds %u bytes", framed ? p->nr_ranges : map.n,
		       n.len, HEAD_BUF_BYTES);
		return CC_ERR_NO_MEMORY;
	}
	sink_init(CC_DATA_OFFSET, blkq_window_bytes(), bd->sector_size);

	/* Step 2: header "in progress". */
	memset(hdr_block, 0, sizeof(hdr_block));
	struct cc_dump_header *h = hdr();
	memcpy(h->uuid, uuid, 16);
	h->state = CC_STATE_IN_PROGRESS;
	h->encoding = framed ? CC_ENC_PAGES : CC_ENC_ELF;
	h->data_offset = CC_DATA_OFFSET;
	h->data_total = framed ? 0 : total; /* a stream's length is known at the end */
	h->target_bytes = blkq_window_bytes();
	h->start_time = start_time;
	h->status = CC_OK;
	h->sector_size = bd->sector_size;
	h->ram_bytes = ranges_total(p);
	h->dump_level = level;
	h->level_asked = p->dump_level;
	h->compress = p->compress;
	h->origin = p->options & CC_OPT_ORIGIN_HANG ? CC_ORIGIN_HANG : CC_ORIGIN_PANIC;
	st = write_header();
	if (st) {
		cc_log("could not write the header: nothing written");
		return st;
	}

	/* Step 3: the data area. */
	struct progress pr;
	progress_start(&pr);
	struct cc_rec_end end;
	if (framed) {
		cc_log("dumping %lu MiB in %u ranges (%u notes) to %s: level %u, %s, room for %lu bytes",
		       h->ram_bytes >> 20, p->nr_ranges, n.count, bd->name, level,
		       p->compress == CC_COMPRESS_LZ4 ? "lz4" : "stored", sink_capacity());
		blkq_set_flush_every(BLKQ_FLUSH_EVERY_FRAMED); /* 57 MB at 6 GiB: one final flush of it all was ~45 ms */
		/* the notes are in head_buf now: scratch becomes the output ring,
		 * unless a larger one was lent */
		int lent = lent_ring.mem != 0;
		st = pagedump_run(p, level, bd->sector_size, head_buf, head, lent ? lent_ring.mem : (void *)scratch.out,
				  lent ? lent_ring.nbufs : OUT_BUFS, lent ? lent_ring.bytes : OSTREAM_BUF_BYTES, &end,
				  pages_tick, &pr);
		total = ostream_bytes();
	} else {
		cc_log("dumping %lu MiB in %u ranges (%u notes) to %s, core file %lu bytes in %u PT_LOADs, room for %lu",
		       h->ram_bytes >> 20, p->nr_ranges, n.count, bd->name, total, map.n, sink_capacity());
		if (total > sink_capacity())
			cc_log("target too small: the last %lu bytes will be left out", total - sink_capacity());
		st = write_elf(p, &map, head, total, &pr);
	}

	/* Step 4: everything on the medium. */
	uint64_t t_flush = timer_now_us();
	int st2 = blkq_flush();
	if (bd->has_flush)
		cc_log("%s: drained and flushed in %lu ms; %u flushes while writing", bd->name, (timer_now_us() - t_flush) / 1000,
		       blkq_early_flushes());
	if (!st)
		st = st2;
	if (!st && sink_clipped())
		st = CC_ERR_TARGET_FULL;
	if (framed)
		pages_summary(&end, total);
	else
		progress(&pr, total, 1);

	/* Step 5: commit.  After a failure, every request still in flight
	 * ends first, so data_written counts only what is known written. */
	if (st)
		blkq_quiesce();
	uint64_t written = blkq_done_prefix();
	written = written > CC_DATA_OFFSET ? written - CC_DATA_OFFSET : 0;
	h->state = st ? CC_STATE_INCOMPLETE : CC_STATE_COMPLETE;
	h->status = (uint32_t)st;
	h->data_total = total; /* framed: the stream as far as it got */
	h->data_written = st ? (written < total ? written : total) : total;
	h->end_time = rtc_unix_time();
	h->elapsed_ms = timer_now_us() / 1000;
	int hst = write_header();
	if (hst)
		cc_log("could not commit the header (%s): the target still says in progress", cc_status_name((uint32_t)hst));
	else
		cc_log("header committed: %s, %lu of %lu bytes", dumphdr_state_name(h->state), h->data_written, total);
	return st ? st : hst;
}
