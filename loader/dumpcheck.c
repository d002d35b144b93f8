/* loader/dumpcheck.c - see dumpcheck.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/dumphdr.h"
#include "capture/elf.h"
#include "crashcap/params.h"
#include "crashcap/status.h"
#include "loader/dumpcheck.h"

#define PAGE 4096u

static enum dump_kind say(struct dump_verdict *v, enum dump_kind k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum dump_kind say(struct dump_verdict *v, enum dump_kind k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->why, sizeof(v->why), fmt, ap);
	va_end(ap);
	v->kind = k;
	return k;
}

static int put(char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int put(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
	return -1;
}

unsigned dump_percent(uint64_t written, uint64_t total)
{
	if (!total)
		return 0;
	if (written >= total)
		return 100;
	/* written < total: written * 100 / total without overflow or floats */
	unsigned __int128 p = (unsigned __int128)written * 100 / total;
	return (unsigned)p;
}

enum dump_kind dump_judge(const struct cc_dump_header *h, uint64_t dev_bytes, struct dump_verdict *v)
{
	unsigned long long w = h->data_written, t = h->data_total, off = h->data_offset;

	memset(v, 0, sizeof(*v));
	v->saved = h->state == CC_STATE_SAVED;
	if (h->state > CC_STATE_SAVED)
		return say(v, DUMP_BAD, "unknown state %u", h->state);
	if (h->encoding == CC_ENC_LZ4)
		return say(v, DUMP_BAD, "encoding 1 (an ELF core in one LZ4 frame) was never written by crashcap");
	if (h->encoding != CC_ENC_ELF && h->encoding != CC_ENC_PAGES)
		return say(v, DUMP_BAD, "unknown encoding %u (this crashcap reads 0, a raw ELF core, and 2, filtered pages)",
			   h->encoding);
	if (off != CC_DATA_OFFSET)
		return say(v, DUMP_BAD, "data_offset %llu, the format has %u", off, CC_DATA_OFFSET);
	if (h->sector_size < 512 || h->sector_size > 65536 || (h->sector_size & (h->sector_size - 1)))
		return say(v, DUMP_BAD, "sector size %u is not a power of two from 512 to 65536", h->sector_size);
	if (h->status >= CC_STATUS_COUNT)
		return say(v, DUMP_BAD, "unknown status code %u", h->status);
	if (h->level_asked > CC_DL_MAX || h->dump_level > CC_DL_MAX)
		return say(v, DUMP_BAD, "dump level %u applied, %u asked: levels go from 0 to %u", h->dump_level,
			   h->level_asked, CC_DL_MAX);

	if (h->state == CC_STATE_EMPTY)
		return say(v, DUMP_NONE, "armed, no dump yet");
	if (h->state == CC_STATE_IN_PROGRESS)
		return say(v, DUMP_NONE, "in progress: the payload never committed the dump");

	/* A dump was committed: the fields the payload filled must agree. */
	if (h->dump_level & ~h->level_asked)
		return say(v, DUMP_BAD, "dump level %u applied is not part of the %u asked", h->dump_level, h->level_asked);
	if (h->encoding == CC_ENC_ELF && (h->dump_level || h->compress))
		return say(v, DUMP_BAD, "a raw ELF core with dump level %u and compression %u (both are 0 for it)",
			   h->dump_level, h->compress);
	if (h->encoding == CC_ENC_PAGES && h->compress != CC_COMPRESS_NONE && h->compress != CC_COMPRESS_LZ4)
		return say(v, DUMP_BAD, "unknown compression %u", h->compress);
	if (w > t)
		return say(v, DUMP_BAD, "data_written %llu is more than data_total %llu", w, t);
	if (h->target_bytes < off || w > h->target_bytes - off)
		return say(v, DUMP_BAD, "%llu bytes of dump from byte %llu lie outside the %llu byte target it names",
			   w, off, (unsigned long long)h->target_bytes);
	if (dev_bytes < off || w > dev_bytes - off)
		return say(v, DUMP_BAD, "%llu bytes of dump from byte %llu lie outside the %llu bytes there are",
			   w, off, (unsigned long long)dev_bytes);

	int ok = h->status == CC_OK;
	if (h->state == CC_STATE_COMPLETE && !ok)
		return say(v, DUMP_BAD, "state complete with status %s (%u)", cc_status_name(h->status), h->status);
	if (h->state == CC_STATE_INCOMPLETE && ok)
		return say(v, DUMP_BAD, "state incomplete with status ok");
	if (ok && w != t) /* complete, or saved from a complete dump */
		return say(v, DUMP_BAD, "%s with status ok, but %llu of %llu bytes written",
			   h->state == CC_STATE_SAVED ? "saved" : "state complete", w, t);
	if (w == 0)
		return say(v, DUMP_NONE, "0 bytes written, %s", cc_status_name(h->status));
	if (ok)
		return say(v, DUMP_COMPLETE, "%llu bytes", w);
	return say(v, DUMP_INCOMPLETE, "%llu of %llu bytes written (%s)", w, t, cc_status_name(h->status));
}

int dump_check_elf(const struct dump_reader *r, const struct cc_dump_header *h, char *why, size_t n)
{
	Elf64_Ehdr e;
	uint64_t w = h->data_written, t = h->data_total;

	if (w < sizeof(e))
		return put(why, n, "only %llu bytes written: not even the ELF header", (unsigned long long)w);
	if (r->read(r->ctx, &e, sizeof(e), h->data_offset) < 0)
		return put(why, n, "reading the ELF header: %s", strerror(errno));
	if (memcmp(e.e_ident, ELFMAG, 4) || e.e_ident[4] != ELFCLASS64 || /* EI_CLASS */
	    e.e_ident[5] != ELFDATA2LSB || e.e_ident[6] != EV_CURRENT)          /* EI_DATA, EI_VERSION */
		return put(why, n, "the data area does not start with an ELF64 little-endian header");
	if (e.e_type != ET_CORE || e.e_machine != EM_X86_64)
		return put(why, n, "the data area's ELF is type %u machine %u, not an x86-64 core (4, 62)",
			   e.e_type, e.e_machine);
	if (e.e_phentsize != sizeof(Elf64_Phdr) || e.e_phnum == 0 || e.e_phnum == 0xffff ||
	    e.e_phoff < sizeof(e) || e.e_phoff > t || e.e_phoff > UINT64_MAX / 2)
		return put(why, n, "the data area's ELF program headers are malformed (offset %llu, %u of %u bytes)",
			   (unsigned long long)e.e_phoff, e.e_phnum, e.e_phentsize);
	uint64_t phend = e.e_phoff + (uint64_t)e.e_phnum * sizeof(Elf64_Phdr);
	if (phend > t)
		return put(why, n, "the ELF program headers end at byte %llu, past data_total %llu",
			   (unsigned long long)phend, (unsigned long long)t);
	if (phend > w)
		return put(why, n, "only %llu bytes written: the ELF program headers end at byte %llu",
			   (unsigned long long)w, (unsigned long long)phend);
	Elf64_Phdr *ph = malloc((size_t)e.e_phnum * sizeof(*ph));
	if (!ph)
		return put(why, n, "out of memory for %u program headers", e.e_phnum);
	if (r->read(r->ctx, ph, (size_t)e.e_phnum * sizeof(*ph), h->data_offset + e.e_phoff) < 0) {
		int err = errno;
		free(ph);
		return put(why, n, "reading the ELF program headers: %s", strerror(err));
	}
	uint64_t end = phend;
	int rc = 0;
	for (unsigned i = 0; i < e.e_phnum && !rc; i++) {
		if (ph[i].p_type != PT_LOAD && ph[i].p_type != PT_NOTE)
			continue;
		if (ph[i].p_offset > t || ph[i].p_filesz > t - ph[i].p_offset)
			rc = put(why, n, "ELF program header %u places %llu bytes at byte %llu, past data_total %llu", i,
				 (unsigned long long)ph[i].p_filesz, (unsigned long long)ph[i].p_offset,
				 (unsigned long long)t);
		else if (ph[i].p_filesz > ph[i].p_memsz && ph[i].p_type == PT_LOAD)
			rc = put(why, n, "ELF program header %u has more bytes in the file (%llu) than in memory (%llu)", i,
				 (unsigned long long)ph[i].p_filesz, (unsigned long long)ph[i].p_memsz);
		else if (ph[i].p_offset + ph[i].p_filesz > end)
			end = ph[i].p_offset + ph[i].p_filesz;
	}
	free(ph);
	if (rc)
		return rc;
	/* The payload's data_total is the head (page aligned) plus every
	 * p_filesz: the end of the last file part, or of the head when no
	 * PT_LOAD has a file part. */
	if (t - end >= PAGE)
		return put(why, n, "the ELF program headers describe a %llu byte file, data_total says %llu",
			   (unsigned long long)end, (unsigned long long)t);
	return 0;
}

int dump_read_end(const struct dump_reader *r, const struct cc_dump_header *h, struct cc_rec_end *e,
		  char *why, size_t n)
{
	struct cc_skip_hdr sh;
	uint64_t len = sizeof(sh) + sizeof(*e), t = h->data_total;

	if (h->data_written != t)
		return put(why, n, "the stream is incomplete");
	if (t < len)
		return put(why, n, "data_total %llu is too short for an END record", (unsigned long long)t);
	uint64_t off = h->data_offset + t - len;
	if (r->read(r->ctx, &sh, sizeof(sh), off) < 0 || r->read(r->ctx, e, sizeof(*e), off + sizeof(sh)) < 0)
		return put(why, n, "reading the END record: %s", strerror(errno));
	if (sh.magic != CC_SKIP_MAGIC || sh.size != sizeof(*e) || e->type != CC_REC_END)
		return put(why, n, "no END record at data byte %llu, where data_total puts it",
			   (unsigned long long)(t - len));
	uint64_t excl = 0;
	for (unsigned i = 0; i < CC_EXCL_N; i++) {
		if (e->excluded[i] > e->pages || excl > e->pages - e->excluded[i])
			return put(why, n, "END record: more pages excluded than the %llu it covers",
				   (unsigned long long)e->pages);
		excl += e->excluded[i];
	}
	if (e->kept > e->pages || e->kept != e->pages - excl || e->unsure > e->kept ||
	    e->kept > UINT64_MAX / CC_PAGE_BYTES || e->raw_bytes != e->kept * CC_PAGE_BYTES ||
	    e->chunks > e->pages || (e->pages && !e->chunks))
		return put(why, n, "END record counts disagree: %llu chunks, %llu pages, %llu kept, %llu excluded, "
			   "%llu unsure, %llu bytes", (unsigned long long)e->chunks, (unsigned long long)e->pages,
			   (unsigned long long)e->kept, (unsigned long long)excl, (unsigned long long)e->unsure,
			   (unsigned long long)e->raw_bytes);
	if (e->dump_level != h->dump_level)
		return put(why, n, "END record says dump level %u, the header %u", e->dump_level, h->dump_level);
	return 0;
}
