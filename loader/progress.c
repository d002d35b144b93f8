/* loader/progress.c - see progress.h. */
#include <stdio.h>
#include <unistd.h>

#include "loader/progress.h"

#define REDRAW_NS 250000000LL /* 4 redraws a second */

static long long ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

static void draw(const struct progress *p, uint64_t done, const struct timespec *now)
{
	double secs = (double)ns_between(&p->start, now) / 1e9;
	double pct = p->total ? (double)done * 100.0 / (double)p->total : 100.0;
	double mbs = secs > 0 ? (double)done / 1e6 / secs : 0.0;

	fprintf(stderr, "\r%5.1f%%  %llu of %llu MB  %.1f MB/s ", pct,
		(unsigned long long)(done / 1000000), (unsigned long long)(p->total / 1000000), mbs);
}

void progress_start(struct progress *p, const char *what, uint64_t total)
{
	p->shown = isatty(STDERR_FILENO);
	p->total = total;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->last = p->start;
	if (p->shown)
		fprintf(stderr, "%s\n", what);
}

void progress_update(struct progress *p, uint64_t done)
{
	struct timespec now;

	if (!p->shown)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (ns_between(&p->last, &now) < REDRAW_NS)
		return;
	p->last = now;
	draw(p, done, &now);
}

void progress_end(struct progress *p, uint64_t done)
{
	struct timespec now;

	if (!p->shown)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	draw(p, done, &now);
	fputc('\n', stderr);
}
