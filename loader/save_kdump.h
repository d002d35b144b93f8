/* loader/save_kdump.h - `crashcap save --format kdump`: write a decoded
 * CC_ENC_PAGES dump in makedumpfile's kdump-compressed format. */
#ifndef LOADER_SAVE_KDUMP_H
#define LOADER_SAVE_KDUMP_H

#include <signal.h>
#include "crashcap/dumphdr.h"
#include "loader/save_pages.h"

/* Write the pages p planned (pages_plan) to fd.  0, or -1 after one line. */
int pages_write_kdump(struct pages_plan *p, const struct cc_dump_header *h, int fd,
		      const char *name, volatile sig_atomic_t *stop);

#endif
