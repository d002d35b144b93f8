/* loader/progress.h - a one-line "percent, MB/s" progress display on
 * stderr, shown only when stderr is a terminal. */
#ifndef LOADER_PROGRESS_H
#define LOADER_PROGRESS_H

#include <stdint.h>
#include <time.h>

struct progress {
	int shown;              /* stderr is a terminal */
	uint64_t total;         /* bytes */
	struct timespec start;
	struct timespec last;   /* last redraw */
};

void progress_start(struct progress *p, const char *what, uint64_t total);
/* Redraws at most a few times a second. */
void progress_update(struct progress *p, uint64_t done);
/* Final redraw and newline. */
void progress_end(struct progress *p, uint64_t done);

#endif
