/* loader/save_kdump.c - see save_kdump.h.  The file, in blocks of 4096:
 *
 *   0                        disk_dump_header
 *   1                        kdump_sub_header, the HEAD's notes
 *   1 + sub_hdr_size         bitmap 1, bitmap 2
 *   ... + bitmap_blocks      one page_desc per pfn of bitmap 2
 *   desc + 24 * pages        page data, in the order the stream has it
 *
 * A page that is in both the kernel-image view and a RAM range is written
 * once, the first time the stream has it.  Kept pages that are all zero
 * share one copy, and so do the kernel image's pages the level left out
 * (kdumpmap.h, km_fill_kernel). */
#include <errno.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "loader/kdumpfmt.h"
#include "loader/pagepipe.h"
#include "loader/progress.h"
#include "loader/save_kdump.h"
#include "loader/writeback.h"

#define DATA_BUF   (1u << 20) /* page data gathered before a write */
#define DESC_BATCH 4096u      /* descriptors of consecutive pfns written at once */

static int mark_chunk(void *ctx, const struct cc_rec_chunk *c, const unsigned char *pages)
{
	(void)pages;
	km_mark_chunk(ctx, c);
	return 0;
}

int kdump_begin(struct kdump_save *k, const struct pages_plan *p)
{
	char why[200];

	memset(k, 0, sizeof(*k));
	kdump_info_read(&k->info, &p->ps.head);
	if (km_init(&k->map, p->ps.head.ranges, p->ps.head.nranges, why, sizeof(why)) < 0) {
		warnx("%s: %s", p->t->path, why);
		return -1;
	}
	k->mark = (struct ps_visitor){ .chunk = mark_chunk, .ctx = &k->map };
	return 0;
}

void kdump_end(struct kdump_save *k)
{
	km_free(&k->map);
}

/* ---- the second pass -------------------------------------------------------------- */

struct kd_write {
	struct pages_plan *p;
	struct kdump_save *k;
	const struct pagestream *ps;  /* the second reading */
	int fd;
	struct progress prog;
	volatile sig_atomic_t *stop;
	const char *why;              /* set when a page could not be placed */
	uint64_t why_paddr;
	/* page data, appended at buf_off + blen */
	unsigned char *buf;
	size_t blen;
	uint64_t buf_off;
	/* descriptors of consecutive ranks from rank0 on */
	struct kd_page_desc *descs;
	size_t ndesc;
	uint64_t rank0, desc_off;
	unsigned char *z;
	uLong zcap;
	struct kd_page_desc zero;     /* the shared zero page, once written */
	int have_zero;
	uint64_t placed;
	/* init_uts_ns.name, gathered from the page(s) that hold it */
	unsigned char uts[sizeof(struct kd_utsname)];
	unsigned uts_got;
	struct writeback wb;
};

static int flush_data(struct kd_write *w)
{
	if (pwrite_all(w->fd, w->buf, w->blen, w->buf_off, NULL) < 0)
		return -1;
	writeback_note(&w->wb, w->blen);
	w->buf_off += w->blen;
	w->blen = 0;
	return 0;
}

static int emit(struct kd_write *w, const void *data, size_t n, struct kd_page_desc *d)
{
	if (w->blen + n > DATA_BUF && flush_data(w) < 0)
		return -1;
	d->offset = w->buf_off + w->blen;
	d->size = (uint32_t)n;
	memcpy(w->buf + w->blen, data, n);
	w->blen += n;
	return 0;
}

static int flush_descs(struct kd_write *w)
{
	if (pwrite_all(w->fd, w->descs, w->ndesc * sizeof(*w->descs),
		       w->desc_off + w->rank0 * sizeof(*w->descs), NULL) < 0)
		return -1;
	w->ndesc = 0;
	return 0;
}

static int put_desc(struct kd_write *w, uint64_t rank, const struct kd_page_desc *d)
{
	if (w->ndesc && (rank != w->rank0 + w->ndesc || w->ndesc == DESC_BATCH) && flush_descs(w) < 0)
		return -1;
	if (!w->ndesc)
		w->rank0 = rank;
	w->descs[w->ndesc++] = *d;
	return 0;
}

static int page_is_zero(const unsigned char *b)
{
	return b[0] == 0 && !memcmp(b, b + 1, CC_PAGE_BYTES - 1);
}

/* Copy what the page at pfn holds of init_uts_ns.name. */
static void take_uts(struct kd_write *w, uint64_t pfn, const unsigned char *pg)
{
	uint64_t u = w->k->info.uts_paddr, ue = u + sizeof(w->uts), pa = pfn * CC_PAGE_BYTES;
	if (u == UINT64_MAX || pa >= ue || pa + CC_PAGE_BYTES <= u)
		return;
	uint64_t from = pa > u ? pa : u, to = pa + CC_PAGE_BYTES < ue ? pa + CC_PAGE_BYTES : ue;
	memcpy(w->uts + (from - u), pg + (from - pa), to - from);
	w->uts_got += (unsigned)(to - from);
}

static int place_page(struct kd_write *w, uint64_t pfn, const unsigned char *pg)
{
	struct kdump_save *k = w->k;
	struct kd_page_desc d = { 0 };

	if (!km_test(k->map.dumped, pfn)) {
		w->why = "a kept page is not in bitmap 2 (the stream changed between the passes)";
		return -1;
	}
	if (km_test(k->map.done, pfn))
		return 0; /* the other view of the same memory */
	km_set(k->map.done, pfn);
	take_uts(w, pfn, pg);
	if (w->have_zero && page_is_zero(pg)) {
		d = w->zero;
		k->zero_shared++;
	} else {
		uLongf zlen = w->zcap;
		int zrc = compress2(w->z, &zlen, pg, CC_PAGE_BYTES, Z_BEST_SPEED);
		if (zrc != Z_OK) {
			w->why = zrc == Z_MEM_ERROR ? "zlib: out of memory" : "zlib: compress2 failed";
			return -1;
		}
		int rc;
		if (zlen < CC_PAGE_BYTES) {
			d.flags = KD_COMPRESSED_ZLIB;
			rc = emit(w, w->z, zlen, &d);
			k->compressed++;
		} else {
			rc = emit(w, pg, CC_PAGE_BYTES, &d);
			k->stored++;
		}
		if (rc < 0)
			goto io;
		if (!w->have_zero && page_is_zero(pg)) {
			w->zero = d;
			w->have_zero = 1;
		}
	}
	if (put_desc(w, km_rank(&k->map, pfn), &d) < 0)
		goto io;
	w->placed++;
	return 0;
io:
	w->why = strerror(errno);
	return -1;
}

/* The pages that bitmap 2 has and no chunk kept: the kernel image's
 * (first: counted as kernel_zeros) and those the level left out as all
 * zero (counted as zero_shared).  Each gets the shared zero page, written
 * now if no kept page was zero. */
static int fill_zero(struct kd_write *w)
{
	const struct ps_head *hd = &w->p->ps.head;
	struct kdump_save *k = w->k;

	for (unsigned pass = 0; pass < 2; pass++)
	for (unsigned i = 0; i < hd->nranges; i++) {
		if ((hd->ranges[i].vaddr >= CC_KERNEL_MAP) != (pass == 0))
			continue;
		uint64_t pfn = hd->ranges[i].paddr / CC_PAGE_BYTES, end = pfn + hd->ranges[i].size / CC_PAGE_BYTES;
		for (; pfn < end; pfn++) {
			if (!km_test(k->map.dumped, pfn) || km_test(k->map.done, pfn))
				continue;
			if (!w->have_zero) {
				static const unsigned char zero[CC_PAGE_BYTES];
				uLongf zlen = w->zcap;
				if (compress2(w->z, &zlen, zero, CC_PAGE_BYTES, Z_BEST_SPEED) != Z_OK) {
					w->why = "zlib: compress2 failed";
					return -1;
				}
				w->zero.flags = KD_COMPRESSED_ZLIB;
				if (emit(w, w->z, zlen, &w->zero) < 0)
					goto io;
				w->have_zero = 1;
			}
			km_set(k->map.done, pfn);
			if (put_desc(w, km_rank(&k->map, pfn), &w->zero) < 0)
				goto io;
			if (pass == 0)
				k->kernel_zeros++;
			else
				k->zero_shared++;
			w->placed++;
		}
	}
	return 0;
io:
	w->why = strerror(errno);
	return -1;
}

static int write_chunk(void *ctx, const struct cc_rec_chunk *c, const unsigned char *pages)
{
	struct kd_write *w = ctx;
	unsigned k = 0;

	if (*w->stop) {
		w->why = "interrupted";
		return 1;
	}
	if (!pages_same_record(w->p, c)) {
		w->why = "a chunk record is not the one the first reading had (the target changed between the readings)";
		w->why_paddr = c->paddr;
		return 1;
	}
	for (unsigned i = 0; i < c->npages; i++) {
		if (!((c->kept[i >> 3] >> (i & 7)) & 1))
			continue;
		uint64_t pfn = c->paddr / CC_PAGE_BYTES + i;
		if (place_page(w, pfn, pages + (uint64_t)k++ * CC_PAGE_BYTES) < 0) {
			w->why_paddr = pfn * CC_PAGE_BYTES;
			return 1;
		}
	}
	progress_update(&w->prog, w->ps->pos);
	return 0;
}

/* ---- the headers and bitmaps ----------------------------------------------------- */

static void set_field(char *f, const char *s)
{
	snprintf(f, KD_UTS_LEN, "%s", s);
}

/* init_uts_ns.name as read from memory, if every field ends inside it and
 * its release is VMCOREINFO's: 1, else 0. */
static int uts_believable(const struct kd_write *w, const struct kd_utsname *u)
{
	const char *f = (const char *)u;
	if (w->uts_got != sizeof(*u) || !w->k->info.release[0])
		return 0;
	for (unsigned i = 0; i < 6; i++)
		if (!memchr(f + i * KD_UTS_LEN, 0, KD_UTS_LEN))
			return 0;
	return !strcmp(u->release, w->k->info.release) && u->sysname[0];
}

static int write_headers(struct kd_write *w, const struct cc_dump_header *h, uint64_t sub_blocks)
{
	const struct ps_head *hd = &w->p->ps.head;
	struct kdump_save *k = w->k;
	struct kd_header dh;
	struct kd_sub_header kh;

	memset(&dh, 0, sizeof(dh));
	memcpy(dh.signature, KD_SIGNATURE, sizeof(dh.signature));
	dh.header_version = KD_HEADER_VERSION;
	memcpy(&dh.utsname, w->uts, sizeof(dh.utsname));
	k->uts_from_memory = uts_believable(w, &dh.utsname);
	if (!k->uts_from_memory) {
		memset(&dh.utsname, 0, sizeof(dh.utsname));
		set_field(dh.utsname.sysname, "Linux");
		set_field(dh.utsname.release, k->info.release);
		set_field(dh.utsname.machine, "x86_64");
	}
	dh.tv_sec = (int64_t)h->start_time;
	dh.status = KD_COMPRESSED_ZLIB | (w->p->incomplete ? KD_INCOMPLETE : 0);
	dh.block_size = KD_BLOCK;
	dh.sub_hdr_size = (int32_t)sub_blocks;
	dh.bitmap_blocks = (uint32_t)(2 * km_bitmap_bytes(&k->map) / KD_BLOCK);
	dh.max_mapnr = k->map.max_mapnr > UINT32_MAX ? UINT32_MAX : (uint32_t)k->map.max_mapnr;
	dh.nr_cpus = (int32_t)k->info.nr_cpus;

	memset(&kh, 0, sizeof(kh));
	kh.phys_base = k->info.phys_base;
	kh.dump_level = (int32_t)h->dump_level;
	kh.offset_note = KD_BLOCK + sizeof(kh);
	kh.size_note = hd->notes_len;
	if (k->info.vmcoreinfo_len) {
		kh.offset_vmcoreinfo = kh.offset_note + k->info.vmcoreinfo_off;
		kh.size_vmcoreinfo = k->info.vmcoreinfo_len;
	}
	kh.max_mapnr_64 = k->map.max_mapnr;

	unsigned char *b = calloc(1 + sub_blocks, KD_BLOCK);
	if (!b) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(b, &dh, sizeof(dh));
	memcpy(b + KD_BLOCK, &kh, sizeof(kh));
	memcpy(b + kh.offset_note, hd->notes, hd->notes_len);
	int rc = pwrite_all(w->fd, b, (1 + sub_blocks) * KD_BLOCK, 0, NULL);
	free(b);
	uint64_t bm = km_bitmap_bytes(&k->map), at = (1 + sub_blocks) * KD_BLOCK;
	if (rc == 0)
		rc = pwrite_all(w->fd, k->map.ram, bm, at, NULL);
	if (rc == 0)
		rc = pwrite_all(w->fd, k->map.dumped, bm, at + bm, NULL);
	return rc;
}

uint64_t kdump_layout(struct kdump_save *k, const struct pages_plan *p)
{
	k->sub_blocks = (sizeof(struct kd_sub_header) + p->ps.head.notes_len + KD_BLOCK - 1) / KD_BLOCK;
	km_fill_kernel(&k->map, p->ps.head.ranges, p->ps.head.nranges);
	km_index(&k->map);
	k->desc_off = (1 + k->sub_blocks) * KD_BLOCK + 2 * km_bitmap_bytes(&k->map);
	k->data_off = k->desc_off + k->map.ndumped * sizeof(struct kd_page_desc);
	return k->data_off + k->map.ndumped * CC_PAGE_BYTES;
}

int pages_write_kdump(struct pages_plan *p, struct kdump_save *k, const struct cc_dump_header *h,
		      int fd, const char *name, volatile sig_atomic_t *stop)
{
	struct pagestream ps;
	struct kd_write w = { .p = p, .k = k, .ps = &ps, .fd = fd, .stop = stop };
	uint64_t sub_blocks = k->sub_blocks;
	int rc = -1;

	w.desc_off = k->desc_off;
	w.buf_off = k->data_off;
	writeback_init(&w.wb, fd);
	w.zcap = compressBound(CC_PAGE_BYTES);
	w.buf = malloc(DATA_BUF);
	w.descs = malloc(DESC_BATCH * sizeof(*w.descs));
	w.z = malloc(w.zcap);
	if (!w.buf || !w.descs || !w.z) {
		warnx("%s: out of memory", name);
		goto out;
	}
	if (ps_open(&ps, &p->src) < 0) {
		warnx("%s: the second reading does not decode: %s", p->t->path, ps.error);
		ps_close(&ps);
		goto out;
	}
	progress_start(&w.prog, "saving", p->src.len);
	struct ps_visitor v = { .chunk = write_chunk, .ctx = &w };
	pp_walk(&ps, &v, p->chunks, pp_decoders());
	progress_end(&w.prog, ps.pos);
	if (!w.why && ps.chunks == p->chunks)
		fill_zero(&w);
	if (!w.why && ((w.blen && flush_data(&w) < 0) || (w.ndesc && flush_descs(&w) < 0)))
		w.why = strerror(errno);
	if (w.why) {
		warnx("%s: %s (at 0x%llx)", name, w.why, (unsigned long long)w.why_paddr);
	} else if (ps.chunks != p->chunks) {
		pages_short(p, &ps);
	} else if (w.placed != k->map.ndumped) {
		warnx("%s: the second reading placed %llu pages, the first counted %llu", p->t->path,
		      (unsigned long long)w.placed, (unsigned long long)k->map.ndumped);
	} else if (write_headers(&w, h, sub_blocks) < 0) {
		warn("%s: writing the headers", name);
	} else {
		rc = 0;
	}
	ps_close(&ps);
out:
	free(w.buf);
	free(w.descs);
	free(w.z);
	return rc;
}
