/* capture/mbinfo.c - see mbinfo.h.  Multiboot 0.6.96, section 3.3. */
#include "capture/mbinfo.h"
#include "boot/bytes.h"
#include "capture/cmdline.h"
#include "boot/cpu.h"
#include "boot/format.h"
#include "capture/ranges.h"
#include "boot/string.h"

#define MBI_FLAG_CMDLINE (1u << 2)
#define MBI_FLAG_MMAP    (1u << 6)
#define MBI_OFF_FLAGS    0
#define MBI_OFF_CMDLINE  16
#define MBI_OFF_MMAP_LEN 44
#define MBI_OFF_MMAP_ADDR 48
#define MMAP_TYPE_RAM    1

struct __attribute__((packed)) mb_mmap_entry {
	uint32_t size; /* of the rest of the entry */
	uint64_t base;
	uint64_t len;
	uint32_t type;
};


int mbinfo_to_params(uint32_t mbi, struct cc_params *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->magic = CC_PARAMS_MAGIC;
	p->version = CC_PARAMS_VERSION;
	p->size = sizeof(*p);
	p->region_start = image_base();
	p->region_size = image_mem_size();
	uint32_t flags = get_le32_at(mbi + MBI_OFF_FLAGS);
	if (flags & MBI_FLAG_CMDLINE) {
		const char *cl = (const char *)(uint64_t)get_le32_at(mbi + MBI_OFF_CMDLINE);
		size_t n = strnlen(cl, CC_CMDLINE_MAX - 1);
		memcpy(p->cmdline, cl, n);
	}
	if (!(flags & MBI_FLAG_MMAP)) {
		cc_snprintf(err, errlen, "multiboot loader gave no memory map");
		return -1;
	}
	uint64_t a = get_le32_at(mbi + MBI_OFF_MMAP_ADDR), end = a + get_le32_at(mbi + MBI_OFF_MMAP_LEN);
	while (a + sizeof(struct mb_mmap_entry) <= end) {
		struct mb_mmap_entry e;
		memcpy(&e, (void *)a, sizeof(e));
		if (e.type == MMAP_TYPE_RAM && e.len && ranges_add(p, e.base, e.base + e.len)) {
			cc_snprintf(err, errlen, "more than %u RAM ranges in the memory map", CC_MAX_RANGES);
			return -1;
		}
		a += e.size + sizeof(e.size);
	}
	/* Our own region holds the payload, not the memory being examined. */
	if (ranges_remove(p, p->region_start, p->region_start + p->region_size)) {
		cc_snprintf(err, errlen, "more than %u RAM ranges in the memory map", CC_MAX_RANGES);
		return -1;
	}
	return cmdline_parse(p->cmdline, p, err, errlen);
}
