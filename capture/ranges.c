/* capture/ranges.c - see ranges.h. */
#include "capture/ranges.h"

#define PAGE 4096ull

static uint64_t down(uint64_t a) { return a & ~(PAGE - 1); }
static uint64_t up(uint64_t a) { return (a + PAGE - 1) & ~(PAGE - 1); }

static void set(struct cc_mem_range *r, uint64_t start, uint64_t end)
{
	*r = (struct cc_mem_range){ .paddr = start, .size = end - start, .vaddr = 0, .src = start };
}

int ranges_add(struct cc_params *p, uint64_t start, uint64_t end)
{
	start = down(start);
	end = up(end);
	if (end <= start)
		return 0;
	uint32_t i = 0;
	while (i < p->nr_ranges && p->ranges[i].paddr + p->ranges[i].size < start)
		i++;
	/* Merge with every range that overlaps or touches [start, end). */
	uint32_t j = i;
	while (j < p->nr_ranges && p->ranges[j].paddr <= end) {
		if (p->ranges[j].paddr < start) start = p->ranges[j].paddr;
		if (p->ranges[j].paddr + p->ranges[j].size > end) end = p->ranges[j].paddr + p->ranges[j].size;
		j++;
	}
	if (j == i) { /* insert at i */
		if (p->nr_ranges >= CC_MAX_RANGES)
			return -1;
		for (uint32_t k = p->nr_ranges; k > i; k--)
			p->ranges[k] = p->ranges[k - 1];
		p->nr_ranges++;
	} else { /* ranges i..j-1 collapse into i */
		for (uint32_t k = j; k < p->nr_ranges; k++)
			p->ranges[i + 1 + k - j] = p->ranges[k];
		p->nr_ranges -= j - i - 1;
	}
	set(&p->ranges[i], start, end);
	return 0;
}

int ranges_remove(struct cc_params *p, uint64_t start, uint64_t end)
{
	start = down(start);
	end = up(end);
	for (uint32_t i = 0; i < p->nr_ranges; i++) {
		uint64_t rs = p->ranges[i].paddr, re = rs + p->ranges[i].size;
		if (re <= start || rs >= end)
			continue;
		if (rs < start && re > end) { /* split in two */
			if (p->nr_ranges >= CC_MAX_RANGES)
				return -1;
			for (uint32_t k = p->nr_ranges; k > i + 1; k--)
				p->ranges[k] = p->ranges[k - 1];
			p->nr_ranges++;
			set(&p->ranges[i], rs, start);
			set(&p->ranges[i + 1], end, re);
			return 0;
		}
		if (rs < start) {
			set(&p->ranges[i], rs, start);
		} else if (re > end) {
			set(&p->ranges[i], end, re);
		} else { /* wholly inside: drop */
			for (uint32_t k = i; k + 1 < p->nr_ranges; k++)
				p->ranges[k] = p->ranges[k + 1];
			p->nr_ranges--;
			i--;
		}
	}
	return 0;
}

uint64_t ranges_total(const struct cc_params *p)
{
	uint64_t t = 0;
	for (uint32_t i = 0; i < p->nr_ranges; i++)
		t += p->ranges[i].size;
	return t;
}
