/* loader/hangcanary.c - see hangcanary.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/crc32.h"
#include "loader/hangcanary.h"
#include "loader/sysfile.h"
#include "loader/sysinfo.h"

#define KERNEL_DATA "Kernel data"
#define SEARCH_MAX  (64u << 20) /* bytes of kernel data or bss searched at most */
#define KEY_LEN     16          /* ptr_key: a siphash_key_t, two u64 */

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

unsigned canary_spread(uint64_t start, uint64_t end, unsigned n, uint64_t *at)
{
	uint64_t first = (start + CC_HANG_PAGE - 1) / CC_HANG_PAGE, last = end / CC_HANG_PAGE; /* pages [first, last) */
	if (end <= start || last <= first || n == 0)
		return 0;
	uint64_t pages = last - first;
	if (n > pages)
		n = (unsigned)pages;
	for (unsigned i = 0; i < n; i++)
		at[i] = (first + (n == 1 ? 0 : i * (pages - 1) / (n - 1))) * CC_HANG_PAGE;
	return n;
}

/* The boot id in the kernel's bss or data: 0 and *c, or -1 with why. */
static int find_boot_id(const struct canary_src *s, struct cc_hang_canary *c, char *why, size_t why_len)
{
	static const char *const where[] = { IOMEM_KERNEL_BSS, KERNEL_DATA };
	snprintf(why, why_len, "no \"Kernel bss\" or \"Kernel data\" in /proc/iomem");
	for (unsigned w = 0; w < 2; w++) {
		int i = iomem_find_next(s->mem, -1, where[w]);
		if (i < 0)
			continue;
		uint64_t start = s->mem->res[i].start, len = s->mem->res[i].end - start + 1;
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
		if (sysinfo_kcore_read_phys(s->root, s->page_offset, start, buf, len, why, why_len) == 0 &&
		    canary_find(buf, len, s->boot_id, &off, 1) == 1) {
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

/* The symbols the canaries need, from /proc/kallsyms. */
enum { SYM_PTR_KEY, SYM_RO_START, SYM_RO_END, NR_SYMS };
static const char *const sym_names[NR_SYMS] = { "ptr_key", "__start_ro_after_init", "__end_ro_after_init" };

/* addr[i] = the address of sym_names[i], 0 if absent.  0, or -1 with why
 * (unreadable, or addresses hidden: every one is 0). */
static int read_symbols(const char *root, uint64_t addr[NR_SYMS], char *why, size_t why_len)
{
	char path[SYSFILE_PATH_MAX], line[512];
	unsigned found = 0, nonzero = 0;
	FILE *f;

	memset(addr, 0, NR_SYMS * sizeof(addr[0]));
	if (sysfile_path(path, sizeof(path), root, "/proc/kallsyms") < 0 || !(f = fopen(path, "re"))) {
		snprintf(why, why_len, "%.200s: %s", path, strerror(errno));
		return -1;
	}
	while (found < NR_SYMS && fgets(line, sizeof(line), f)) {
		unsigned long long a;
		char type, name[256];
		if (sscanf(line, "%llx %c %255s", &a, &type, name) != 3)
			continue;
		for (unsigned i = 0; i < NR_SYMS; i++)
			if (!addr[i] && !strcmp(name, sym_names[i])) {
				addr[i] = a;
				found++;
				nonzero += a != 0;
			}
	}
	fclose(f);
	if (found && !nonzero) {
		snprintf(why, why_len, "%.200s: addresses hidden (kernel.kptr_restrict)", path);
		return -1;
	}
	return 0;
}

/* A kernel-image virtual address as physical: 0 and *pa, or -1. */
static int image_phys(const struct canary_src *s, uint64_t va, uint64_t len, uint64_t *pa)
{
	if (!s->text_size || va < s->text_vaddr || va - s->text_vaddr > s->text_size ||
	    len > s->text_size - (va - s->text_vaddr))
		return -1;
	*pa = s->text_paddr + (va - s->text_vaddr);
	return 0;
}

/* ptr_key: 0 and *c, or -1 with why. */
static int find_key(const struct canary_src *s, const uint64_t sym[NR_SYMS], struct cc_hang_canary *c, char *why,
		    size_t why_len)
{
	static const uint8_t zero[KEY_LEN];
	uint8_t key[KEY_LEN];
	uint64_t pa;
	if (!sym[SYM_PTR_KEY])
		return snprintf(why, why_len, "not in /proc/kallsyms"), -1;
	if (image_phys(s, sym[SYM_PTR_KEY], KEY_LEN, &pa) < 0)
		return snprintf(why, why_len, "0x%llx: not in the kernel image's mapping",
				(unsigned long long)sym[SYM_PTR_KEY]), -1;
	if (sysinfo_kcore_read_phys(s->root, s->page_offset, pa, key, KEY_LEN, why, why_len) < 0)
		return -1;
	if (!memcmp(key, zero, KEY_LEN)) /* filled once the kernel's RNG is ready: not yet */
		return snprintf(why, why_len, "all zero at 0x%llx: not made yet", (unsigned long long)pa), -1;
	if (canary_make(c, CC_CANARY_KEY, pa, key, KEY_LEN) < 0)
		return snprintf(why, why_len, "crosses a page at 0x%llx", (unsigned long long)pa), -1;
	return 0;
}

/* Up to max pages of ro_after_init data: how many; *first, *last their addresses. */
static unsigned find_roinit(const struct canary_src *s, const uint64_t sym[NR_SYMS], struct cc_hang_canary *c,
			    unsigned max, char *why, size_t why_len)
{
	static uint8_t page[CC_HANG_PAGE];
	uint64_t at[CC_HANG_MAX_CANARIES], start, end;
	if (!sym[SYM_RO_START] || !sym[SYM_RO_END])
		return snprintf(why, why_len, "no __start_ro_after_init or __end_ro_after_init in /proc/kallsyms"), 0;
	if (sym[SYM_RO_END] <= sym[SYM_RO_START] ||
	    image_phys(s, sym[SYM_RO_START], sym[SYM_RO_END] - sym[SYM_RO_START], &start) < 0)
		return snprintf(why, why_len, "0x%llx-0x%llx: not in the kernel image's mapping",
				(unsigned long long)sym[SYM_RO_START], (unsigned long long)sym[SYM_RO_END]), 0;
	end = start + (sym[SYM_RO_END] - sym[SYM_RO_START]);
	unsigned n = canary_spread(start, end, max < CC_HANG_MAX_CANARIES ? max : CC_HANG_MAX_CANARIES, at), got = 0;
	if (!n)
		return snprintf(why, why_len, "0x%llx-0x%llx: no whole page", (unsigned long long)start,
				(unsigned long long)end), 0;
	for (unsigned i = 0; i < n; i++)
		if (sysinfo_kcore_read_phys(s->root, s->page_offset, at[i], page, CC_HANG_PAGE, why, why_len) == 0 &&
		    canary_make(&c[got], CC_CANARY_ROINIT, at[i], page, CC_HANG_PAGE) == 0)
			got++;
	return got;
}

/* words += the printf of fmt, ", " before all but the first. */
static void add(char *words, size_t len, const char *fmt, ...)
{
	size_t used = strlen(words);
	if (used + 3 >= len)
		return;
	if (used)
		used += (size_t)snprintf(words + used, len - used, ", ");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(words + used, len - used, fmt, ap);
	va_end(ap);
}

unsigned canary_collect(const struct canary_src *s, struct cc_hang_canary *c, unsigned max, char *words,
			size_t words_len)
{
	char why[300], why_sym[300] = "";
	uint64_t sym[NR_SYMS];
	unsigned n = 0;

	words[0] = 0;
	if (n < max && find_boot_id(s, &c[n], why, sizeof(why)) == 0)
		add(words, words_len, "boot id found at 0x%llx", (unsigned long long)c[n++].paddr);
	else
		add(words, words_len, "boot id not found (%s)", why);

	int have_sym = s->text_size ? read_symbols(s->root, sym, why_sym, sizeof(why_sym)) : -1;
	if (!s->text_size)
		snprintf(why_sym, sizeof(why_sym), "the kernel image's mapping is unknown");
	if (n < max && have_sym == 0 && find_key(s, sym, &c[n], why, sizeof(why)) == 0)
		add(words, words_len, "ptr_key found at 0x%llx", (unsigned long long)c[n++].paddr);
	else
		add(words, words_len, "ptr_key not found (%s)", have_sym == 0 ? why : why_sym);

	why[0] = 0;
	if (n < max && s->region && canary_make(&c[n], CC_CANARY_REGION, s->region_paddr, s->region, CC_HANG_PAGE) == 0)
		add(words, words_len, "region page at 0x%llx", (unsigned long long)c[n++].paddr);
	else
		add(words, words_len, "no region page (%s)", s->region ? "not page aligned" : s->no_region);

	uint64_t room = CC_HANG_PAGE - s->vmcoreinfo_paddr % CC_HANG_PAGE;
	uint32_t len = (uint32_t)(s->vmcoreinfo_size < room ? s->vmcoreinfo_size : room);
	static uint8_t page[CC_HANG_PAGE];
	if (!s->vmcoreinfo_paddr || len < CC_CANARY_MIN_LEN)
		add(words, words_len, "VMCOREINFO not read (no VMCOREINFO note)");
	else if (n >= max)
		add(words, words_len, "VMCOREINFO not read (no slot left)");
	else if (sysinfo_kcore_read_phys(s->root, s->page_offset, s->vmcoreinfo_paddr, page, len, why,
						    sizeof(why)) == 0 &&
		 canary_make(&c[n], CC_CANARY_VMCOREINFO, s->vmcoreinfo_paddr, page, len) == 0)
		add(words, words_len, "VMCOREINFO found at 0x%llx", (unsigned long long)c[n++].paddr);
	else
		add(words, words_len, "VMCOREINFO not read (%s)", why[0] ? why : "the page crosses its end");

	unsigned r = n < max && have_sym == 0 ? find_roinit(s, sym, c + n, max - n, why, sizeof(why)) : 0;
	if (r)
		add(words, words_len, "%u ro_after_init pages at 0x%llx-0x%llx", r, (unsigned long long)c[n].paddr,
		    (unsigned long long)c[n + r - 1].paddr);
	else
		add(words, words_len, "no ro_after_init pages (%s)",
		    n >= max ? "no slot left" : have_sym == 0 ? why : why_sym);
	return n + r;
}
