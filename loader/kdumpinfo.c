/* loader/kdumpinfo.c - see kdumpinfo.h.  Notes are ELF notes as the kernel
 * writes them (name and descriptor padded to 4 bytes); the walk ends at
 * n_namesz 0 or at a note that does not fit. */
#include <stdlib.h>
#include <string.h>

#include "loader/kdumpinfo.h"
#include "loader/kdumpmap.h"

#define KTEXT_MAP 0xffffffff80000000ull /* __START_KERNEL_map */

static uint64_t pad4(uint64_t n)
{
	return (n + 3) & ~3ull;
}

/* The value after KEY in the text [s, e), bounded: the first line that
 * starts with KEY.  NULL if none; *len = the value's length. */
static const char *line_value(const char *s, const char *e, const char *key, size_t *len)
{
	size_t kl = strlen(key);
	while (s < e) {
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		const char *end = nl ? nl : e;
		if ((size_t)(end - s) >= kl && !memcmp(s, key, kl)) {
			*len = (size_t)(end - s - (ptrdiff_t)kl);
			return s + kl;
		}
		s = end + 1;
	}
	return NULL;
}

/* A number of VMCOREINFO: base 16 for SYMBOL, 10 (signed) otherwise.  0 if
 * it does not parse. */
static int line_number(const char *s, const char *e, const char *key, int base, uint64_t *out)
{
	size_t len;
	const char *v = line_value(s, e, key, &len);
	char buf[32], *end;
	if (!v || len == 0 || len >= sizeof(buf))
		return 0;
	memcpy(buf, v, len);
	buf[len] = 0;
	*out = base == 16 ? strtoull(buf, &end, 16) : (uint64_t)strtoll(buf, &end, 10);
	return *end == 0;
}

static void read_vmcoreinfo(struct kdump_info *k, const char *s, const char *e)
{
	size_t len;
	const char *rel = line_value(s, e, "OSRELEASE=", &len);
	if (rel && len < sizeof(k->release)) {
		memcpy(k->release, rel, len);
		k->release[len] = 0;
	}
	uint64_t v, off;
	if (line_number(s, e, "NUMBER(phys_base)=", 10, &v)) {
		k->phys_base = v;
		k->phys_base_from = "VMCOREINFO";
	}
	if (k->phys_base_from && line_number(s, e, "SYMBOL(init_uts_ns)=", 16, &v) &&
	    line_number(s, e, "OFFSET(uts_namespace.name)=", 10, &off) && v >= KTEXT_MAP && off < 4096)
		k->uts_paddr = v - KTEXT_MAP + k->phys_base + off;
	if (k->uts_paddr != UINT64_MAX && k->uts_paddr >= KM_MAX_PADDR - 4096)
		k->uts_paddr = UINT64_MAX; /* not RAM; and paddr + its size must not wrap */
}

void kdump_info_read(struct kdump_info *k, const struct ps_head *h)
{
	const unsigned char *n = h->notes;
	uint64_t at = 0, len = h->notes_len;

	memset(k, 0, sizeof(*k));
	k->uts_paddr = UINT64_MAX;
	/* the kernel-image PT_LOAD: paddr = vaddr - __START_KERNEL_map + phys_base */
	for (unsigned i = 0; i < h->nranges; i++)
		if (h->ranges[i].vaddr >= KTEXT_MAP) {
			k->phys_base = h->ranges[i].paddr - (h->ranges[i].vaddr - KTEXT_MAP);
			k->phys_base_from = "the kernel-image PT_LOAD";
			break;
		}
	const unsigned char *vi = NULL;
	uint64_t vi_len = 0;
	while (len - at >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr nh;
		memcpy(&nh, n + at, sizeof(nh));
		if (nh.n_namesz == 0)
			break;
		uint64_t name = at + sizeof(nh), desc = name + pad4(nh.n_namesz);
		if (pad4(nh.n_namesz) > len - name || pad4(nh.n_descsz) > len - desc)
			break; /* torn */
		if (nh.n_namesz == 5 && !memcmp(n + name, "CORE", 5) && nh.n_type == KI_NT_PRSTATUS)
			k->nr_cpus++;
		if (nh.n_namesz == 11 && !memcmp(n + name, "VMCOREINFO", 11) && !vi) {
			vi = n + desc;
			vi_len = nh.n_descsz;
			k->vmcoreinfo_off = desc;
			k->vmcoreinfo_len = nh.n_descsz;
		}
		at = desc + pad4(nh.n_descsz);
	}
	if (vi) {
		const char *s = (const char *)vi, *nul = memchr(s, 0, vi_len);
		read_vmcoreinfo(k, s, nul ? nul : s + vi_len);
	}
	if (!k->phys_base_from)
		k->phys_base_from = "nothing: 0";
}
