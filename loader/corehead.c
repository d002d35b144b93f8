/* loader/corehead.c - see corehead.h.  The head is what the payload would
 * have written as a raw ELF dump (docs/dump-format.md, "The ELF core
 * file"): Elf64_Ehdr, PT_NOTE first, one PT_LOAD per range, the notes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/corehead.h"

#define PAGE_MASK ((uint64_t)CC_PAGE_BYTES - 1)

/* [off, off + len) lies inside [0, size) */
static int file_holds(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

int corehead_parse(struct ps_head *h, char *err, size_t errlen)
{
	Elf64_Ehdr *e = &h->ehdr;
	Elf64_Phdr ph;

	h->ranges = NULL;
	h->nranges = 0;
	if (h->len < sizeof(*e)) {
		snprintf(err, errlen, "ELF head of %llu bytes, shorter than an ELF header",
			 (unsigned long long)h->len);
		return -1;
	}
	memcpy(e, h->bytes, sizeof(*e));
	if (memcmp(e->e_ident, ELFMAG, 4) || e->e_ident[4] != ELFCLASS64 ||
	    e->e_ident[5] != ELFDATA2LSB || e->e_type != ET_CORE || e->e_machine != EM_X86_64) {
		snprintf(err, errlen, "ELF head is not an x86-64 ELF64 core header");
		return -1;
	}
	if (e->e_phentsize != sizeof(Elf64_Phdr) || e->e_phnum < 1 ||
	    e->e_phnum - 1u > PS_RANGES_MAX ||
	    !file_holds(e->e_phoff, (uint64_t)e->e_phnum * sizeof(ph), h->len)) {
		snprintf(err, errlen, "ELF head: %u program headers of %u bytes at %llu do not fit its %llu bytes",
			 e->e_phnum, e->e_phentsize, (unsigned long long)e->e_phoff,
			 (unsigned long long)h->len);
		return -1;
	}
	memcpy(&ph, h->bytes + e->e_phoff, sizeof(ph));
	if (ph.p_type != PT_NOTE || !file_holds(ph.p_offset, ph.p_filesz, h->len)) {
		snprintf(err, errlen, "ELF head: the first program header is not a PT_NOTE inside the head");
		return -1;
	}
	h->notes = h->bytes + ph.p_offset;
	h->notes_len = ph.p_filesz;

	unsigned n = e->e_phnum - 1u;
	h->ranges = calloc(n ? n : 1, sizeof(*h->ranges));
	if (!h->ranges) {
		snprintf(err, errlen, "out of memory for %u ranges", n);
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		memcpy(&ph, h->bytes + e->e_phoff + (uint64_t)(i + 1) * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD) {
			snprintf(err, errlen, "ELF head: program header %u is type %u, not PT_LOAD", i + 1, ph.p_type);
			goto fail;
		}
		int alias = ph.p_vaddr >= CC_KERNEL_MAP && ph.p_filesz == 0 && ph.p_memsz;
		if ((ph.p_paddr & PAGE_MASK) || (ph.p_memsz & PAGE_MASK) || ph.p_paddr + ph.p_memsz < ph.p_paddr ||
		    (ph.p_vaddr & PAGE_MASK) || (ph.p_filesz != ph.p_memsz && !alias)) {
			snprintf(err, errlen, "ELF head: PT_LOAD %u (paddr 0x%llx, size 0x%llx, filesz 0x%llx) is not a page-aligned range",
				 i, (unsigned long long)ph.p_paddr, (unsigned long long)ph.p_memsz,
				 (unsigned long long)ph.p_filesz);
			goto fail;
		}
		h->ranges[i] = (struct ps_range){ ph.p_paddr, ph.p_vaddr, ph.p_memsz, alias, 0 };
	}
	/* An alias must be covered, byte for byte, by ranges that chunks tile
	 * (usually one); `within` is the last of them in stream order. */
	unsigned aliases = 0;
	for (unsigned i = 0; i < n; i++) {
		struct ps_range *a = &h->ranges[i];
		if (!a->alias)
			continue;
		if (++aliases > PS_ALIAS_MAX) {
			snprintf(err, errlen, "ELF head: more than %u kernel-image views without bytes of their own", PS_ALIAS_MAX);
			goto fail;
		}
		uint64_t covered = 0;
		for (unsigned j = 0; j < n; j++) {
			const struct ps_range *r = &h->ranges[j];
			uint64_t from = r->paddr > a->paddr ? r->paddr : a->paddr;
			uint64_t to = r->paddr + r->size < a->paddr + a->size ? r->paddr + r->size : a->paddr + a->size;
			if (r->alias || from >= to)
				continue;
			covered += to - from;
			a->within = j;
		}
		if (covered != a->size) {
			snprintf(err, errlen, "ELF head: PT_LOAD %u, the kernel image's view of paddr 0x%llx-0x%llx with no bytes of its own, is not covered once by the memory ranges (%llu of %llu bytes)",
				 i, (unsigned long long)a->paddr, (unsigned long long)(a->paddr + a->size),
				 (unsigned long long)covered, (unsigned long long)a->size);
			goto fail;
		}
	}
	h->nranges = n;
	return 0;
fail:
	free(h->ranges);
	h->ranges = NULL;
	return -1;
}
