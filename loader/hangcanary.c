/* loader/hangcanary.c - see hangcanary.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/crc32.h"
#include "loader/hangcanary.h"
#include "loader/sysinfo.h"

#define KERNEL_DATA "Kernel data"
#define SEARCH_MAX  (64u << 20) /* bytes of kernel data or bss searched at most */

int canary_make(struct cc_hang_canary *c, uint32_t kind, uint64_t paddr, const uint8_t *bytes, uint32_t len)
{
	if (len < CC_CANARY_MIN_LEN || len > CC_HANG_PAGE || paddr % CC_HANG_PAGE + len > CC_HANG_PAGE)
		return -1;
	memset(c, 0, sizeof(*c));
	c->paddr = paddr;
	c->len = len;
	c->kind = kind;
	memcpy(c->head, bytes, CC_CANARY_HEAD);
	c->crc = crc32_update(0, bytes, len);
	return 0;
}

unsigned canary_find(const uint8_t *buf, size_t len, const uint8_t needle[16], size_t *off, unsigned max)
{
	unsigned n = 0;
	for (size_t i = 0; n < max && len >= 16 && i <= len - 16; i++)
		if (buf[i] == needle[0] && !memcmp(buf + i, needle, 16))
			off[n++] = i;
	return n;
}

/* The boot id in the kernel's bss or data: 0 and *c, or -1 with why. */
static int find_boot_id(const char *root, const struct iomem *mem, uint64_t page_offset, const uint8_t id[16],
			struct cc_hang_canary *c, char *why, size_t why_len)
{
	static const char *const where[] = { IOMEM_KERNEL_BSS, KERNEL_DATA };
	snprintf(why, why_len, "no \"Kernel bss\" or \"Kernel data\" in /proc/iomem");
	for (unsigned w = 0; w < 2; w++) {
		int i = iomem_find_next(mem, -1, where[w]);
		if (i < 0)
			continue;
		uint64_t start = mem->res[i].start, len = mem->res[i].end - start + 1;
		if (len > SEARCH_MAX || len < 16) {
			snprintf(why, why_len, "\"%s\" is %llu bytes", where[w], (unsigned long long)len);
			continue;
		}
		uint8_t *buf = malloc(len);
		if (!buf) {
			snprintf(why, why_len, "out of memory");
			return -1;
		}
		size_t off;
		why[0] = 0;
		if (sysinfo_kcore_read_phys(root, page_offset, start, buf, len, why, why_len) == 0 &&
		    canary_find(buf, len, id, &off, 1) == 1) {
			int rc = canary_make(c, CC_CANARY_BOOTID, start + off, buf + off, 16);
			free(buf);
			if (rc == 0)
				return 0;
			snprintf(why, why_len, "the boot id crosses a page");
			return -1;
		}
		if (!why[0])
			snprintf(why, why_len, "not in \"%s\"", where[w]);
		free(buf);
	}
	return -1;
}

unsigned canary_collect(const char *root, const struct iomem *mem, uint64_t page_offset, const uint8_t boot_id[16],
			uint64_t vmcoreinfo_paddr, uint64_t vmcoreinfo_size, struct cc_hang_canary *c, unsigned max,
			char *words, size_t words_len)
{
	char why_b[300] = "", why_v[300] = "";
	unsigned n = 0;

	if (n < max && find_boot_id(root, mem, page_offset, boot_id, &c[n], why_b, sizeof(why_b)) == 0)
		n++;
	uint64_t room = CC_HANG_PAGE - vmcoreinfo_paddr % CC_HANG_PAGE;
	uint32_t len = (uint32_t)(vmcoreinfo_size < room ? vmcoreinfo_size : room);
	if (!vmcoreinfo_paddr || len < CC_CANARY_MIN_LEN) {
		snprintf(why_v, sizeof(why_v), "no VMCOREINFO note");
	} else if (n < max) {
		static uint8_t page[CC_HANG_PAGE];
		if (sysinfo_kcore_read_phys(root, page_offset, vmcoreinfo_paddr, page, len, why_v, sizeof(why_v)) == 0 &&
		    canary_make(&c[n], CC_CANARY_VMCOREINFO, vmcoreinfo_paddr, page, len) == 0)
			n++;
	}
	char at_b[40] = "", at_v[40] = "";
	for (unsigned i = 0; i < n; i++)
		snprintf(c[i].kind == CC_CANARY_BOOTID ? at_b : at_v, sizeof(at_b), " at 0x%llx",
			 (unsigned long long)c[i].paddr);
	snprintf(words, words_len, "boot id %s%s%s%s, VMCOREINFO %s%s%s%s", why_b[0] ? "not found (" : "found", at_b,
		 why_b, why_b[0] ? ")" : "", why_v[0] ? "not read (" : "found", at_v, why_v, why_v[0] ? ")" : "");
	return n;
}
