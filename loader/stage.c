/* loader/stage.c - see stage.h. */
#include <stdio.h>
#include <string.h>

#include "capture/elfcore.h"
#include "capture/ranges.h"
#include "loader/stage.h"
#include "purgatory/sha256.h"

#define PAGE 4096ull

static uint64_t page_up(uint64_t v) { return (v + PAGE - 1) & ~(PAGE - 1); }

int stage_check_payload(const void *img, size_t len, struct cc_image_header *h, char *why, size_t size)
{
	if (len < sizeof(*h)) {
		snprintf(why, size, "payload image is %zu bytes, shorter than its header", len);
		return -1;
	}
	memcpy(h, img, sizeof(*h));
	if (h->magic != CC_IMG_MAGIC || h->version != CC_IMG_VERSION || h->header_size < sizeof(*h)) {
		snprintf(why, size, "payload image: no crashcap image header (magic/version %u)", h->version);
		return -1;
	}
	if (h->file_size != len || h->mem_size < h->file_size || h->entry64_offset >= h->file_size ||
	    (h->load_align & (h->load_align - 1))) {
		snprintf(why, size, "payload image header inconsistent: file %u (have %zu), memory %u, entry %#x, align %#x",
			 h->file_size, len, h->mem_size, h->entry64_offset, h->load_align);
		return -1;
	}
	return 0;
}

int stage_check_purgatory(const void *img, size_t len, struct cc_purgatory_header *h, char *why, size_t size)
{
	struct cc_purgatory_info pi;

	if (len < CC_PURG_OFF_INFO + sizeof(pi)) {
		snprintf(why, size, "purgatory image is %zu bytes, shorter than its header and patch block", len);
		return -1;
	}
	memcpy(h, img, sizeof(*h));
	if (h->magic != CC_PURG_MAGIC || h->version != CC_PURG_VERSION || h->header_size != CC_PURG_HDR_SIZE) {
		snprintf(why, size, "purgatory image: no purgatory header (version %u)", h->version);
		return -1;
	}
	if (h->info_offset != CC_PURG_OFF_INFO || h->info_size != sizeof(pi) || h->file_size != len ||
	    h->mem_size < h->file_size || h->entry_offset >= h->file_size || (h->load_align & (h->load_align - 1))) {
		snprintf(why, size, "purgatory header inconsistent: info %#x+%#x, file %u (have %zu), memory %u, entry %#x",
			 h->info_offset, h->info_size, h->file_size, len, h->mem_size, h->entry_offset);
		return -1;
	}
	memcpy(&pi, (const uint8_t *)img + h->info_offset, sizeof(pi));
	if (pi.magic != CC_PURG_INFO_MAGIC || pi.version != CC_PURG_VERSION || pi.size != sizeof(pi)) {
		snprintf(why, size, "purgatory patch block: wrong magic, version or size");
		return -1;
	}
	return 0;
}

void stage_kernel_text(const struct iomem *m, uint64_t text_vaddr, uint64_t end_vaddr, struct ktext *kt)
{
	int code = iomem_find_next(m, -1, IOMEM_KERNEL_CODE);
	int bss = iomem_find_next(m, -1, IOMEM_KERNEL_BSS);
	uint64_t end_paddr = 0;

	memset(kt, 0, sizeof(*kt));
	if (code < 0 || !text_vaddr)
		return;
	kt->paddr = m->res[code].start;
	kt->vaddr = text_vaddr;
	if (bss >= 0 && m->res[bss].end >= kt->paddr)
		end_paddr = m->res[bss].end + 1;
	else if (end_vaddr > text_vaddr)
		end_paddr = kt->paddr + (end_vaddr - text_vaddr);
	else
		end_paddr = m->res[code].end + 1; /* the code alone */
	kt->size = page_up(end_paddr) - kt->paddr;
	kt->valid = kt->size != 0 && !(kt->paddr & (PAGE - 1)) && !(kt->vaddr & (PAGE - 1));
}

void stage_params_init(struct cc_params *p)
{
	memset(p, 0, sizeof(*p));
	p->magic = CC_PARAMS_MAGIC;
	p->version = CC_PARAMS_VERSION;
	p->size = sizeof(*p);
}

/* Make room at index i (shifting the rest up).  0, or -1 if full. */
static int open_slot(struct cc_params *p, uint32_t i)
{
	if (p->nr_ranges >= CC_MAX_RANGES)
		return -1;
	for (uint32_t k = p->nr_ranges; k > i; k--)
		p->ranges[k] = p->ranges[k - 1];
	p->nr_ranges++;
	return 0;
}

int stage_ranges(struct cc_params *p, const struct iomem *m, uint64_t page_offset,
		 const struct ktext *kt, int *backup_index, uint64_t *backup_size, char *why, size_t size)
{
	unsigned ram_lines = 0;

	p->nr_ranges = 0;
	*backup_index = -1;
	*backup_size = 0;
	for (unsigned i = 0; i < m->n; i++) {
		if (!iomem_is_ram(&m->res[i]))
			continue;
		ram_lines++;
		if (ranges_add(p, m->res[i].start, m->res[i].end + 1) < 0)
			goto too_many;
	}
	for (unsigned i = 0; i < m->n; i++) {
		const struct iomem_res *r = &m->res[i];
		if (strcmp(r->name, IOMEM_CRASH_KERNEL) && strcmp(r->name, IOMEM_GART))
			continue;
		if (ranges_remove(p, r->start, r->end + 1) < 0)
			goto too_many;
	}
	if (p->nr_ranges == 0) {
		snprintf(why, size, "no System RAM outside the crash region in /proc/iomem (%u RAM lines)", ram_lines);
		return -1;
	}

	/* The low RAM: its own range, read from the backup copy. */
	struct cc_mem_range *r0 = &p->ranges[0];
	if (r0->paddr < STAGE_BACKUP_LIMIT) {
		if (r0->paddr + r0->size > STAGE_BACKUP_LIMIT) {
			if (open_slot(p, 1) < 0)
				goto too_many;
			struct cc_mem_range *hi = &p->ranges[1];
			hi->paddr = hi->src = STAGE_BACKUP_LIMIT;
			hi->size = r0->paddr + r0->size - STAGE_BACKUP_LIMIT;
			r0->size = STAGE_BACKUP_LIMIT - r0->paddr;
		}
		*backup_index = 0;
		*backup_size = r0->size;
	}
	for (uint32_t i = 0; i < p->nr_ranges; i++)
		p->ranges[i].vaddr = page_offset + p->ranges[i].paddr;

	/* The kernel image first, as kexec-tools orders it: it is read again
	 * by virtual address (vmcore-dmesg, gdb; kexec-abi.md 4.4). */
	if (kt->valid) {
		if (open_slot(p, 0) < 0)
			goto too_many;
		p->ranges[0] = (struct cc_mem_range){ .paddr = kt->paddr, .size = kt->size,
						      .vaddr = kt->vaddr, .src = kt->paddr };
		if (*backup_index >= 0)
			(*backup_index)++;
	}
	return 0;
too_many:
	snprintf(why, size, "/proc/iomem lists more separate RAM ranges than the payload can dump (%u)", CC_MAX_RANGES);
	return -1;
}

uint64_t stage_ram_bytes(const struct cc_params *p, const struct ktext *kt)
{
	uint64_t t = ranges_total(p);
	return kt->valid && t >= kt->size ? t - kt->size : t;
}

uint64_t stage_core_size(const struct cc_params *p)
{
	uint64_t notes = p->vmcoreinfo_size;
	for (uint32_t i = 0; i < p->nr_note_bufs; i++)
		notes += p->note_bufs[i].size;
	return elfcore_head_size(p->nr_ranges, notes) + ranges_total(p);
}

uint64_t stage_pages_size_bound(const struct cc_params *p)
{
	uint64_t notes = p->vmcoreinfo_size;
	for (uint32_t i = 0; i < p->nr_note_bufs; i++)
		notes += p->note_bufs[i].size;
	uint64_t total = sizeof(struct cc_skip_hdr) + sizeof(struct cc_rec_head) +
			 elfcore_head_size(p->nr_ranges, notes);

	for (uint32_t i = 0; i < p->nr_ranges; i++) {
		for (uint64_t left = p->ranges[i].size / CC_PAGE_BYTES; left; ) {
			uint64_t n = left < CC_CHUNK_PAGES ? left : CC_CHUNK_PAGES;
			total += sizeof(struct cc_skip_hdr) + sizeof(struct cc_rec_chunk) +
				 CC_LZ4F_FRAME_MAX(n * CC_PAGE_BYTES);
			left -= n;
		}
	}
	return total + sizeof(struct cc_skip_hdr) + sizeof(struct cc_rec_end);
}

int stage_digest(const struct segment *segs, unsigned n, struct cc_purgatory_info *pi)
{
	struct sha256_ctx c;
	unsigned slot = 0;

	memset(pi->regions, 0, sizeof(pi->regions));
	sha256_init(&c);
	for (unsigned i = 0; i < n; i++) {
		if (!segs[i].hashed || !segs[i].bufsz)
			continue;
		if (slot == CC_PURG_MAX_REGIONS)
			return -1;
		/* The bytes we load, not the zero fill after them (kexec-abi.md
		 * 1.3): the payload clears its .bss itself on entry, and the
		 * purgatory's SHA-256 runs at a few MB/s under QEMU's TCG. */
		pi->regions[slot++] = (struct cc_sha_region){ .start = segs[i].mem, .len = segs[i].bufsz };
		sha256_update(&c, segs[i].buf, segs[i].bufsz);
	}
	sha256_final(&c, pi->digest);
	return 0;
}

void stage_patch_purgatory(void *img, const struct cc_purgatory_header *h, const struct cc_purgatory_info *pi)
{
	struct cc_purgatory_info out = *pi;
	out.magic = CC_PURG_INFO_MAGIC;
	out.version = CC_PURG_VERSION;
	out.size = sizeof(out);
	memcpy((uint8_t *)img + h->info_offset, &out, sizeof(out));
}
