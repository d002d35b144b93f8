/* loader/dumpcheck.h - what a target's header says, checked: the one
 * definition of "complete" that `crashcap status` and `crashcap save`
 * share, every header field against the format (docs/dump-format.md), and
 * the data area against the header (the ELF head of a raw dump, the END
 * record of a filtered one).
 *
 * Pure: the data area is read through a callback, so the fuzz harness
 * (tests/fuzz/fuzz_header.c) runs exactly this code on arbitrary bytes. */
#ifndef LOADER_DUMPCHECK_H
#define LOADER_DUMPCHECK_H

#include <stddef.h>
#include <stdint.h>
#include "crashcap/dumpfmt.h"
#include "crashcap/dumphdr.h"

enum dump_kind {
	DUMP_NONE,        /* armed, in progress, or nothing written: nothing to save */
	DUMP_COMPLETE,    /* state complete (or saved from one): status ok, data_written == data_total */
	DUMP_INCOMPLETE,  /* state incomplete (or saved from one): status says why, a prefix written */
	DUMP_BAD,         /* the header contradicts itself or the format: nothing is trusted */
};

struct dump_verdict {
	enum dump_kind kind;
	int saved;        /* state saved: kind says what the saved dump was */
	char why[224];    /* NONE, INCOMPLETE: words for the user; BAD: what is wrong */
};

/* Judge h, a header whose magic, version and checksum passed
 * (dumphdr_check), for a target of dev_bytes bytes.  Returns v->kind.
 *
 * Complete means: state complete, or saved with status ok, and then also
 * status ok, data_written == data_total > 0.  A header in state complete
 * that says otherwise is DUMP_BAD, never incomplete.  Also DUMP_BAD: an
 * unknown state, encoding, status, dump level or compression; a data
 * offset other than CC_DATA_OFFSET; a sector size that is not a power of
 * two 512..65536; data_written > data_total; a dump that does not fit in
 * target_bytes or in the dev_bytes of DEV; state incomplete with status
 * ok; a raw ELF dump with a dump level or compression. */
enum dump_kind dump_judge(const struct cc_dump_header *h, uint64_t dev_bytes, struct dump_verdict *v);

/* Reads exactly len bytes at target offset off: 0, or -1 with errno set. */
struct dump_reader {
	int (*read)(void *ctx, void *buf, size_t len, uint64_t off);
	void *ctx;
};

/* A raw ELF dump (CC_ENC_ELF) judged complete or incomplete: the ELF head
 * at data_offset must be an x86-64 ELF64 core whose program headers are
 * written (inside data_written), and the file they describe must end at
 * data_total (at most to the next 4 KiB).  0, or -1 with why. */
int dump_check_elf(const struct dump_reader *r, const struct cc_dump_header *h, char *why, size_t n);

/* The END record of a whole filtered stream (CC_ENC_PAGES, data_written
 * == data_total): the last 0x68 bytes of the data area, with counts that
 * agree (kept + excluded = pages, raw_bytes = kept pages, unsure <= kept,
 * the header's dump level).  0, or -1 with why. */
int dump_read_end(const struct dump_reader *r, const struct cc_dump_header *h, struct cc_rec_end *e,
		  char *why, size_t n);

/* data_written as a whole percent of data_total, in integers: 0..100 when
 * data_written <= data_total (0 when data_total is 0). */
unsigned dump_percent(uint64_t written, uint64_t total);

#endif
