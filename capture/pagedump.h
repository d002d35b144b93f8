/* capture/pagedump.h - the data area of a CC_ENC_PAGES dump
 * (crashcap/dumpfmt.h): the HEAD record with the ELF head, then every
 * memory range in chunks - which pages the dump level keeps, then those
 * pages in one LZ4 frame - then the END record.
 *
 * Per chunk (at most CC_CHUNK_PAGES pages, never across a 4 MiB boundary of
 * physical memory, never across a range): the page filter
 * (capture/pagefilter.h) classifies the pages from the crashed kernel's
 * struct page array, where the level asks for it; the pages it keeps are
 * read once more to leave out those that are all zero (CC_DL_ZERO); the
 * kept pages are compressed (or stored) into the frame through
 * capture/lz4frame.h and capture/ostream.h.  The range that is the kernel
 * image's second view of RAM (vaddr >= COREMAP_KERNEL_MAP) is an alias
 * (dumpfmt.h): its PT_LOAD is in the HEAD with p_filesz 0 and no chunks,
 * since the RAM ranges already carry its pages; `crashcap save` fills it
 * from them, so tools still read the kernel's static data there.
 *
 * Memory: one chunk at a time; nothing grows with RAM. */
#ifndef CAPTURE_PAGEDUMP_H
#define CAPTURE_PAGEDUMP_H
#include <stdint.h>
#include "capture/coremap.h"
#include "crashcap/dumpfmt.h"
#include "crashcap/params.h"

struct pagedump_tick {
	uint64_t bytes_done;   /* memory covered so far */
	uint64_t bytes_total;  /* memory in all ranges */
	uint64_t stream;       /* bytes appended to the stream so far */
};

/* Called after every chunk (for progress lines); may be NULL. */
typedef void (*pagedump_tick_fn)(void *ctx, const struct pagedump_tick *t);

/* The dump level that can be applied for p: the asked level, less the bits
 * that need the mm description when p has none.  *why gets a sentence when
 * bits were dropped, else NULL. */
uint32_t pagedump_level(const struct cc_params *p, const char **why);

/* The HEAD's PT_LOADs, for elfcore_build: one per range, whole, except the
 * kernel-image view, whose p_filesz is 0 (an alias).  seg: room for
 * p->nr_ranges.  Returns how many. */
uint32_t pagedump_loads(const struct cc_params *p, struct cm_seg *seg);

/* Write the whole stream from data-area offset 0 (the sink is set up, the
 * header already says "in progress"; sector_size: the device's).  head:
 * the ELF head (elfcore_build with one whole PT_LOAD per range).  end gets
 * the counts, also after a failure (what was written until then).  CC_OK or
 * CC_ERR_*; running out of target room is not an error here: the sink
 * clips, the loop stops, and the caller sees sink_clipped().  ring,
 * nbufs, buf_bytes: the output stream's buffers (ostream_init), lent for
 * the run; head must not lie in them. */
int pagedump_run(const struct cc_params *p, uint32_t level, uint32_t sector_size, const void *head,
		 uint64_t head_len, void *ring, uint32_t nbufs, uint32_t buf_bytes, struct cc_rec_end *end,
		 pagedump_tick_fn tick, void *ctx);

/* Log the last run's rates: struct pages classified per second, and the
 * frame writer's MB/s (console lines "page filter: ..." and "frames: ..."). */
void pagedump_report(void);

#endif
