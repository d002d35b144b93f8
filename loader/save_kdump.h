/* loader/save_kdump.h - `crashcap save --format kdump`: write a decoded
 * CC_ENC_PAGES dump as makedumpfile's kdump-compressed file
 * (loader/kdumpfmt.h), each page compressed with zlib or stored as is.
 *
 * It rides on save_pages.h's two passes: kdump_begin after pages_open
 * reads the HEAD's notes and fills bitmap 1; the first pass (pages_plan
 * with k->mark) fills bitmap 2, so the number of descriptors, and with it
 * where the page data starts, is known before the second pass
 * (pages_write_kdump) writes the data in stream order and each
 * descriptor at its pfn's place. */
#ifndef LOADER_SAVE_KDUMP_H
#define LOADER_SAVE_KDUMP_H

#include <signal.h>
#include "crashcap/dumphdr.h"
#include "loader/kdumpinfo.h"
#include "loader/kdumpmap.h"
#include "loader/save_pages.h"

struct kdump_save {
	struct kdump_map map;
	struct kdump_info info;
	struct ps_visitor mark;   /* pages_plan's `also`: fills bitmap 2 */
	/* what the second pass wrote */
	uint64_t compressed, stored, zero_shared;
	uint64_t kernel_zeros;    /* kernel-image pages the level left out: the zero page */
	int uts_from_memory;      /* utsname read from init_uts_ns, not made up */
	/* where things go (kdump_layout) */
	uint64_t sub_blocks, desc_off, data_off;
};

/* After pages_open.  0, or -1 after one line on stderr. */
int kdump_begin(struct kdump_save *k, const struct pages_plan *p);
/* After pages_plan: the kernel image's pages into bitmap 2, the
 * descriptors counted, the file laid out.  Returns the most bytes of data
 * the file gets: everything up to the page data, and each dumped page
 * stored whole (zlib is used only where it is smaller). */
uint64_t kdump_layout(struct kdump_save *k, const struct pages_plan *p);
/* The second pass, after kdump_layout: write the file to fd.  0, or -1
 * after one line. */
int pages_write_kdump(struct pages_plan *p, struct kdump_save *k, const struct cc_dump_header *h,
		      int fd, const char *name, volatile sig_atomic_t *stop);
void kdump_end(struct kdump_save *k);

#endif
