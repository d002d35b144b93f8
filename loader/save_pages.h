/* loader/save_pages.h - `crashcap save` for a CC_ENC_PAGES target: decode
 * the stream (loader/pagestream.h) and write a sparse ELF vmcore whose
 * PT_LOADs follow the kept pages (loader/loadsplit.h).
 *
 * Two passes over the stream.  The first reads and checks every record
 * and lays out the PT_LOADs (the program headers come first in the file)
 * from the chunk records' bitmaps alone: it skims the LZ4 frames
 * (pagestream.h), and keeps a fingerprint of every chunk record.  The
 * second decodes every frame, verifying its checksums (on threads:
 * loader/pagepipe.h), and writes the kept pages in place, each chunk only if its record is the one the first
 * pass read.  So the stream is decoded once, and every byte written is a
 * byte that decoded and verified in the same reading.  A stream that does
 * not decode is refused (the second pass finds a bad frame, the file is
 * never linked), or with force saved up to its last complete chunk, with
 * what is missing said on stderr: with force the first pass decodes and
 * verifies every frame too, to know where the stream stops decoding
 * before the file is laid out. */
#ifndef LOADER_SAVE_PAGES_H
#define LOADER_SAVE_PAGES_H

#include <signal.h>
#include <stdint.h>
#include "loader/loadsplit.h"
#include "loader/pagestream.h"
#include "loader/target_io.h"

struct pages_plan {
	const struct target *t;
	uint64_t data_offset;
	struct ps_source src;
	struct pagestream ps;   /* the first pass: HEAD, how far the stream decodes */
	struct loadsplit ls;
	uint64_t *marks;        /* a fingerprint of every chunk record the first pass read */
	uint64_t chunks;        /* complete chunks the file gets */
	int incomplete;         /* the file lacks memory the HEAD describes */
	uint64_t missing_bytes; /* memory the HEAD describes that is not in the file */
	uint64_t head_len;      /* ELF head of the file, page aligned */
	size_t aliases;         /* the last `aliases` PT_LOADs: kernel-image views filled from RAM pages */
	uint64_t file_len;
};

/* Read the HEAD record.  0, or -1 after one line on stderr. */
int pages_open(struct pages_plan *p, const struct target *t, const struct cc_dump_header *h);
/* The first pass, after pages_open.  0, or -1 after one line on stderr
 * (without force, a stream that does not decode).  With force a stream
 * that decodes only in part gives 0 and warnings that say what is
 * missing.  also, if not NULL, sees every chunk the file gets (a non-zero
 * return stops the pass: -1, its caller says why). */
int pages_plan(struct pages_plan *p, int force, const struct ps_visitor *also, volatile sig_atomic_t *stop);
/* After pages_plan: the most bytes of data pages_write_elf writes: the
 * ELF head, every kept page (all-zero ones become holes), and the
 * kernel-image views whole. */
uint64_t pages_need_elf(const struct pages_plan *p);
/* For a second pass: is c the record the first pass read as chunk c->seq? */
int pages_same_record(const struct pages_plan *p, const struct cc_rec_chunk *c);
/* For a second pass that stopped short of p->chunks: say why on stderr. */
void pages_short(const struct pages_plan *p, const struct pagestream *second);
/* The second pass: write the ELF vmcore to fd.  0, or -1 after one line. */
int pages_write_elf(struct pages_plan *p, int fd, const char *name, volatile sig_atomic_t *stop);
/* After pages_open, whatever it returned. */
void pages_plan_free(struct pages_plan *p);

#endif
