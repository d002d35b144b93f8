/* loader/save_kdump.c - see save_kdump.h. */
#include <err.h>

#include "loader/save_kdump.h"

int pages_write_kdump(struct pages_plan *p, const struct cc_dump_header *h, int fd,
		      const char *name, volatile sig_atomic_t *stop)
{
	(void)p; (void)h; (void)fd; (void)stop;
	warnx("%s: --format kdump is not written yet", name);
	return -1;
}
