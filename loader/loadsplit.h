/* loader/loadsplit.h - the PT_LOADs of a saved CC_ENC_PAGES dump: where
 * excluded pages split a range and where they are only holes.
 *
 * The split rule (as makedumpfile's ELF output, without -E's copying):
 * within a range, a run of at least min_run excluded pages (LS_MIN_RUN,
 * 256) ends the PT_LOAD before it: the run becomes that PT_LOAD's zero
 * tail (p_filesz < p_memsz), and a new PT_LOAD starts at the next kept
 * page.  A run at the start of a range gives a PT_LOAD with p_filesz = 0.
 * Shorter runs stay inside the PT_LOAD's file part as holes of zeros; their
 * contents never reach the file.  If the PT_LOADs would not fit in e_phnum,
 * min_run doubles and the shorter runs become holes, until they fit. */
#ifndef LOADER_LOADSPLIT_H
#define LOADER_LOADSPLIT_H

#include <stddef.h>
#include <stdint.h>

#define LS_MIN_RUN 256u

struct ls_seg {
	unsigned range;         /* the HEAD's range (PT_LOAD) it belongs to */
	uint64_t paddr, vaddr;  /* vaddr 0 when the range's is 0 */
	uint64_t filesz, memsz;
	uint64_t offset;        /* p_offset, once placed */
};

struct loadsplit {
	struct ls_seg *segs;
	size_t n, cap;
	uint64_t min_run;       /* pages */
	/* the range being built */
	int open;
	unsigned range;
	uint64_t rpaddr, rvaddr;
	uint64_t seg_start;     /* paddr where the open PT_LOAD starts */
	uint64_t kept_end;      /* paddr after its last kept page (seg_start if none) */
	size_t cursor;          /* ls_file_offset's place */
};

void ls_init(struct loadsplit *l);
void ls_free(struct loadsplit *l);
/* Start range `range` at paddr (vaddr its p_vaddr); ranges come in order. */
void ls_begin_range(struct loadsplit *l, unsigned range, uint64_t paddr, uint64_t vaddr);
/* A kept page at paddr: pages come in address order.  0, or -1 (no memory). */
int ls_kept(struct loadsplit *l, uint64_t paddr);
/* The range is known up to end (its end, or less for a dump cut short):
 * close its last PT_LOAD there.  0, or -1 (no memory). */
int ls_end_range(struct loadsplit *l, uint64_t end);
/* One PT_LOAD for all of range `range`, its file part whole (an alias of
 * the kernel image: save_pages.c fills it).  0, or -1 (no memory). */
int ls_add_whole(struct loadsplit *l, unsigned range, uint64_t paddr, uint64_t vaddr, uint64_t size);
/* Merge PT_LOADs until there are at most max (doubling min_run). */
void ls_fit(struct loadsplit *l, size_t max);
/* Give every PT_LOAD its p_offset, the file parts one after another from
 * data_off on.  Returns the file's length. */
uint64_t ls_place(struct loadsplit *l, uint64_t data_off);
/* File offset of the kept page at paddr of range `range`, asked in stream
 * order; UINT64_MAX if no PT_LOAD's file part holds it. */
uint64_t ls_file_offset(struct loadsplit *l, unsigned range, uint64_t paddr);

#endif
