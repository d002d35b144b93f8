/* loader/kdumpmap.c - see kdumpmap.h.  Bitmaps are kept as 64-bit words;
 * on x86-64 (little endian) their bytes are the file's bit order: bit
 * (pfn & 7) of byte (pfn >> 3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/kdumpfmt.h"
#include "loader/kdumpmap.h"

#define BLOCK_WORDS (KD_BLOCK / 8) /* words in one block of bitmap */
#define RANK_WORDS  8              /* words per rank entry */

int km_init(struct kdump_map *m, const struct ps_range *r, unsigned n, char *why, size_t whylen)
{
	memset(m, 0, sizeof(*m));
	for (unsigned i = 0; i < n; i++) {
		if (r[i].paddr > KM_MAX_PADDR || r[i].size > KM_MAX_PADDR - r[i].paddr) {
			snprintf(why, whylen, "range %u (paddr 0x%llx, 0x%llx bytes) ends beyond 2^52, x86-64's physical address space",
				 i, (unsigned long long)r[i].paddr, (unsigned long long)r[i].size);
			return -1;
		}
		uint64_t end = (r[i].paddr + r[i].size) / CC_PAGE_BYTES;
		if (end > m->max_mapnr)
			m->max_mapnr = end;
	}
	uint64_t blocks = (m->max_mapnr + KD_BLOCK * 8 - 1) / (KD_BLOCK * 8);
	m->words = (blocks ? blocks : 1) * BLOCK_WORDS;
	m->ram = calloc(m->words, 8);
	m->dumped = calloc(m->words, 8);
	m->seen = calloc(m->words, 8);
	m->done = calloc(m->words, 8);
	m->rank = calloc(m->words / RANK_WORDS, 8);
	if (!m->ram || !m->dumped || !m->seen || !m->done || !m->rank) {
		km_free(m);
		snprintf(why, whylen, "out of memory for bitmaps of %llu pages", (unsigned long long)m->max_mapnr);
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		uint64_t pfn = r[i].paddr / CC_PAGE_BYTES, end = pfn + r[i].size / CC_PAGE_BYTES;
		for (; pfn < end; pfn++)
			km_set(m->ram, pfn);
	}
	for (uint64_t w = 0; w < m->words; w++)
		m->nram += (uint64_t)__builtin_popcountll(m->ram[w]);
	return 0;
}

void km_free(struct kdump_map *m)
{
	free(m->ram);
	free(m->dumped);
	free(m->seen);
	free(m->done);
	free(m->rank);
	m->ram = m->dumped = m->seen = m->done = m->rank = NULL;
}

void km_mark_chunk(struct kdump_map *m, const struct cc_rec_chunk *c)
{
	uint64_t pfn = c->paddr / CC_PAGE_BYTES;
	for (unsigned i = 0; i < c->npages; i++) {
		km_set(m->seen, pfn + i);
		/* kept, or left out as all zero: makedumpfile keeps zero pages
		 * as the shared zero page, so crash reads them as zeros */
		if (((c->kept[i >> 3] | c->zero[i >> 3]) >> (i & 7)) & 1)
			km_set(m->dumped, pfn + i);
	}
}

uint64_t km_fill_kernel(struct kdump_map *m, const struct ps_range *r, unsigned n)
{
	uint64_t added = 0;
	for (unsigned i = 0; i < n; i++) {
		if (r[i].vaddr < CC_KERNEL_MAP)
			continue;
		uint64_t pfn = r[i].paddr / CC_PAGE_BYTES, end = pfn + r[i].size / CC_PAGE_BYTES;
		for (; pfn < end; pfn++)
			if (km_test(m->seen, pfn) && !km_test(m->dumped, pfn)) {
				km_set(m->dumped, pfn);
				added++;
			}
	}
	return added;
}

void km_index(struct kdump_map *m)
{
	uint64_t n = 0;
	for (uint64_t w = 0; w < m->words; w++) {
		if (w % RANK_WORDS == 0)
			m->rank[w / RANK_WORDS] = n;
		n += (uint64_t)__builtin_popcountll(m->dumped[w]);
	}
	m->ndumped = n;
}

uint64_t km_rank(const struct kdump_map *m, uint64_t pfn)
{
	uint64_t w = pfn >> 6, n = m->rank[w / RANK_WORDS];
	for (uint64_t i = w - w % RANK_WORDS; i < w; i++)
		n += (uint64_t)__builtin_popcountll(m->dumped[i]);
	return n + (uint64_t)__builtin_popcountll(m->dumped[w] & ((1ull << (pfn & 63)) - 1));
}

uint64_t km_bitmap_bytes(const struct kdump_map *m)
{
	return m->words * 8;
}
