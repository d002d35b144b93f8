/* loader/iomem.c - see iomem.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/iomem.h"

/* One line: indentation, "start-end : name".  0, or -1 if it does not parse. */
static int parse_line(const char *line, size_t len, struct iomem_res *r)
{
	char buf[256];
	unsigned long long start, end;
	int name_at = -1;
	size_t spaces = 0;

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	while (buf[spaces] == ' ')
		spaces++;
	if (sscanf(buf + spaces, "%llx-%llx : %n", &start, &end, &name_at) != 2 || name_at < 0)
		return -1;
	if (end < start)
		return -1;
	r->start = start;
	r->end = end;
	r->depth = (unsigned)(spaces / 2);
	snprintf(r->name, sizeof(r->name), "%s", buf + spaces + name_at);
	return 0;
}

int iomem_parse(const char *text, struct iomem *m)
{
	unsigned cap = 64, zeros = 0;

	m->n = 0;
	m->res = malloc(cap * sizeof(*m->res));
	if (!m->res)
		return IOMEM_NOMEM;
	while (*text) {
		size_t len = strcspn(text, "\n");
		if (m->n == cap) {
			struct iomem_res *bigger = realloc(m->res, 2 * cap * sizeof(*m->res));
			if (!bigger) {
				iomem_free(m);
				return IOMEM_NOMEM;
			}
			m->res = bigger;
			cap *= 2;
		}
		if (parse_line(text, len, &m->res[m->n]) == 0) {
			if (m->res[m->n].start == 0 && m->res[m->n].end == 0)
				zeros++;
			m->n++;
		}
		text += len;
		if (*text == '\n')
			text++;
	}
	if (m->n == 0) {
		iomem_free(m);
		return IOMEM_EMPTY;
	}
	/* A real map has at least one line that does not start and end at 0
	 * (the first page alone is "00000000-00000fff"). */
	if (zeros == m->n) {
		iomem_free(m);
		return IOMEM_HIDDEN;
	}
	return IOMEM_OK;
}

void iomem_free(struct iomem *m)
{
	free(m->res);
	m->res = NULL;
	m->n = 0;
}

int iomem_is_ram(const struct iomem_res *r)
{
	return strstr(r->name, IOMEM_SYSTEM_RAM) != NULL;
}

int iomem_find_next(const struct iomem *m, int from, const char *name)
{
	for (unsigned i = (unsigned)(from + 1); i < m->n; i++)
		if (!strcmp(m->res[i].name, name))
			return (int)i;
	return -1;
}

int iomem_crash_region(const struct iomem *m, unsigned *count)
{
	int best = -1;
	unsigned n = 0;

	for (int i = iomem_find_next(m, -1, IOMEM_CRASH_KERNEL); i >= 0;
	     i = iomem_find_next(m, i, IOMEM_CRASH_KERNEL)) {
		n++;
		if (best < 0 || m->res[i].start > m->res[best].start)
			best = i;
	}
	if (count)
		*count = n;
	return best;
}

uint64_t iomem_ram_bytes(const struct iomem *m)
{
	uint64_t total = 0;
	int ram_depth = -1; /* depth of the enclosing RAM line, -1 outside */

	for (unsigned i = 0; i < m->n; i++) {
		const struct iomem_res *r = &m->res[i];
		if (ram_depth >= 0 && (int)r->depth <= ram_depth)
			ram_depth = -1;
		if (ram_depth < 0 && iomem_is_ram(r)) {
			total += r->end - r->start + 1;
			ram_depth = (int)r->depth;
		}
	}
	return total;
}
