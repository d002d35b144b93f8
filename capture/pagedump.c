/* capture/pagedump.c - see pagedump.h. */
#include "capture/pagedump.h"
#include "boot/console.h"
#include "capture/coremap.h"
#include "capture/lz4frame.h"
#include "capture/ostream.h"
#include "capture/pagefilter.h"
#include "capture/stream.h"
#include "boot/string.h"
#include "boot/timer.h"
#include "crashcap/status.h"

#define PAGE CC_PAGE_BYTES

static struct pf filter;
static struct lz4f frame;
static struct cc_rec_chunk rec;
static uint8_t why[CC_CHUNK_PAGES]; /* 0 kept, else 1 + CC_EXCL_* */

/* Where the time goes, for pagedump_report: microseconds in the page
 * filter and in the frame writer (compression, checksums, and waits for
 * the disk when the output buffers are full), and what each handled. */
static struct {
	uint64_t classify_us, classified;
	uint64_t frame_us, frame_bytes;
} spent;

static int is_kernel_image(const struct cc_mem_range *r) { return r->vaddr >= COREMAP_KERNEL_MAP; }

/* The page filter's view of the crashed machine's RAM: len bytes at
 * physical paddr, only when they lie wholly inside one range that is RAM
 * (not the kernel image's second view); read through the range's src (the
 * first 640 KiB live in the backup copy). */
static int ram_read(void *ctx, uint64_t paddr, void *buf, uint32_t len)
{
	const struct cc_params *p = ctx;
	static uint32_t last; /* ranges are read mostly in order */
	for (uint32_t k = 0; k < p->nr_ranges; k++) {
		uint32_t i = (last + k) % p->nr_ranges;
		const struct cc_mem_range *r = &p->ranges[i];
		if (is_kernel_image(r) || paddr < r->paddr || paddr - r->paddr > r->size ||
		    len > r->size - (paddr - r->paddr))
			continue;
		last = i;
		memcpy(buf, (const void *)(r->src + (paddr - r->paddr)), len);
		return 0;
	}
	return -1;
}

static int emit(void *ctx, const void *buf, uint64_t len)
{
	(void)ctx;
	return ostream_put(buf, len);
}

static int put_record(const void *body, uint32_t len)
{
	struct cc_skip_hdr sh = { CC_SKIP_MAGIC, len };
	int st = ostream_put(&sh, sizeof(sh));
	return st ? st : ostream_put(body, len);
}

uint32_t pagedump_level(const struct cc_params *p, const char **reason)
{
	uint32_t level = pf_init(&filter, &p->mm, p->dump_level, ram_read, (void *)p);
	*reason = level == p->dump_level ? 0 :
		"the loader found no page-type description of the crashed kernel (params.mm), so only zero pages can be left out";
	return level;
}

uint32_t pagedump_loads(const struct cc_params *p, struct cm_seg *seg)
{
	for (uint32_t i = 0; i < p->nr_ranges; i++)
		seg[i] = (struct cm_seg){ .off = 0, .memsz = p->ranges[i].size, .range = i,
					  .filesz = is_kernel_image(&p->ranges[i]) ? 0 : p->ranges[i].size };
	return p->nr_ranges;
}

/* One chunk: pages [paddr, paddr + n pages) of range r (index ri). */
static int put_chunk(const struct cc_mem_range *r, uint32_t ri, uint64_t paddr, uint32_t n, uint32_t level, int compress,
		     struct cc_rec_end *end)
{
	uint64_t src = r->src + (paddr - r->paddr);
	memset(why, 0, n);
	if (level & CC_DL_NEEDS_MM) {
		uint32_t unsure = 0;
		uint64_t t0 = timer_now_us();
		if (pf_classify(&filter, paddr / PAGE, n, why, &unsure) >= 0)
			end->unsure += unsure;
		spent.classify_us += timer_now_us() - t0;
		spent.classified += n;
	}
	if (level & CC_DL_ZERO)
		for (uint32_t i = 0; i < n; i++)
			if (!why[i] && coremap_is_zero((const void *)(src + (uint64_t)i * PAGE), PAGE))
				why[i] = 1 + CC_EXCL_ZERO;
	memset(&rec, 0, sizeof(rec));
	rec.type = CC_REC_CHUNK;
	rec.range = ri;
	rec.paddr = paddr;
	rec.npages = n;
	rec.seq = end->chunks;
	for (uint32_t i = 0; i < n; i++) {
		if (why[i]) {
			end->excluded[why[i] - 1]++;
			if (why[i] == 1 + CC_EXCL_ZERO)
				rec.zero[i >> 3] |= (uint8_t)(1u << (i & 7));
			continue;
		}
		rec.kept[i >> 3] |= (uint8_t)(1u << (i & 7));
		rec.nkept++;
	}
	int st = put_record(&rec, sizeof(rec));
	if (!st && rec.nkept) {
		uint64_t t0 = timer_now_us();
		st = lz4f_begin(&frame, (uint64_t)rec.nkept * PAGE, compress);
		/* the kept pages, in runs of adjacent ones */
		for (uint32_t i = 0; !st && i < n;) {
			if (why[i]) { i++; continue; }
			uint32_t j = i;
			while (j < n && !why[j]) j++;
			st = lz4f_put(&frame, (const void *)(src + (uint64_t)i * PAGE), (uint64_t)(j - i) * PAGE);
			i = j;
		}
		if (!st)
			st = lz4f_end(&frame);
		spent.frame_us += timer_now_us() - t0;
		spent.frame_bytes += (uint64_t)rec.nkept * PAGE;
	}
	end->chunks++;
	end->pages += n;
	end->kept += rec.nkept;
	return st;
}

int pagedump_run(const struct cc_params *p, uint32_t level, uint32_t sector_size, const void *head,
		 uint64_t head_len, void *ring, uint32_t nbufs, uint32_t buf_bytes, struct cc_rec_end *end,
		 pagedump_tick_fn tick, void *ctx)
{
	memset(end, 0, sizeof(*end));
	memset(&spent, 0, sizeof(spent));
	end->type = CC_REC_END;
	end->dump_level = level;
	lz4f_init(&frame, emit, 0);
	if (p->options & CC_OPT_ORIGIN_HANG)
		lz4f_live_source(&frame); /* the firmware runs beside hangcap.efi */
	int st = ostream_init(0, sector_size, ring, nbufs, buf_bytes);

	struct cc_rec_head rh = { CC_REC_HEAD, CC_FMT_VERSION, head_len };
	struct cc_skip_hdr sh = { CC_SKIP_MAGIC, (uint32_t)(sizeof(rh) + head_len) };
	if (!st) st = ostream_put(&sh, sizeof(sh));
	if (!st) st = ostream_put(&rh, sizeof(rh));
	if (!st) st = ostream_put(head, head_len);

	struct pagedump_tick t = { 0, 0, 0 };
	for (uint32_t i = 0; i < p->nr_ranges; i++)
		if (!is_kernel_image(&p->ranges[i]))
			t.bytes_total += p->ranges[i].size;
	for (uint32_t i = 0; !st && i < p->nr_ranges && !sink_clipped(); i++) {
		const struct cc_mem_range *r = &p->ranges[i];
		if (is_kernel_image(r))
			continue; /* an alias: the RAM ranges carry its pages */
		for (uint64_t off = 0; !st && off < r->size && !sink_clipped();) {
			uint64_t pa = r->paddr + off;
			uint64_t n = CC_CHUNK_PAGES - (pa / PAGE) % CC_CHUNK_PAGES; /* to the next 4 MiB boundary */
			if (n > (r->size - off) / PAGE)
				n = (r->size - off) / PAGE;
			st = put_chunk(r, i, pa, (uint32_t)n, level, p->compress, end);
			off += n * PAGE;
			t.bytes_done += n * PAGE;
			t.stream = ostream_bytes();
			if (tick)
				tick(ctx, &t);
		}
	}
	end->raw_bytes = end->kept * PAGE;
	if (!st && !sink_clipped())
		st = put_record(end, sizeof(*end));
	int st2 = ostream_finish();
	return st ? st : st2;
}

void pagedump_report(void)
{
	if (spent.classified)
		cc_log("page filter: %lu struct pages in %lu ms (%lu per second)", spent.classified,
		       spent.classify_us / 1000, spent.classified * 1000000 / (spent.classify_us + 1));
	if (spent.frame_bytes)
		cc_log("frames: %lu MiB of kept pages in %lu ms (%lu MB/s, disk waits included)", spent.frame_bytes >> 20,
		       spent.frame_us / 1000, spent.frame_bytes / (spent.frame_us + 1));
	cc_log("output stream: %lu ms waiting for the disk to free a buffer (of %u KiB)", ostream_waited_us() / 1000,
	       ostream_buf_bytes() >> 10);
}
