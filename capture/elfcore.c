/* capture/elfcore.c - see elfcore.h. */
#include "capture/elfcore.h"
#include "capture/elf.h"
#include "boot/string.h"

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

uint64_t elfcore_head_size(uint32_t nr_loads, size_t notes_len)
{
	uint64_t notes_off = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) * (1 + (uint64_t)nr_loads);
	return align_up(notes_off + notes_len, ELFCORE_ALIGN);
}

uint32_t elfcore_max_loads(size_t cap, size_t notes_len)
{
	uint64_t fixed = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) + notes_len;
	if (cap < fixed)
		return 0;
	uint64_t n = (cap - fixed) / sizeof(Elf64_Phdr);
	return n > UINT16_MAX - 1 ? UINT16_MAX - 1 : (uint32_t)n; /* e_phnum is 16 bits */
}

uint64_t elfcore_build(void *buf, size_t cap, const struct cc_params *p, const struct cm_seg *seg, uint32_t nseg,
		       const void *notes, size_t notes_len, uint64_t *total)
{
	uint32_t nloads = seg ? nseg : p->nr_ranges;
	uint64_t head = elfcore_head_size(nloads, notes_len);
	if (head > cap || nloads > UINT16_MAX - 1)
		return 0;
	memset(buf, 0, head);

	Elf64_Ehdr *eh = buf;
	memcpy(eh->e_ident, ELFMAG, 4);
	eh->e_ident[4] = ELFCLASS64;
	eh->e_ident[5] = ELFDATA2LSB;
	eh->e_ident[6] = EV_CURRENT;
	eh->e_ident[7] = ELFOSABI_NONE;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = (uint16_t)(1 + nloads);

	Elf64_Phdr *ph = (Elf64_Phdr *)((uint8_t *)buf + sizeof(Elf64_Ehdr));
	uint64_t notes_off = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) * (1 + (uint64_t)nloads);
	ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = notes_off, .p_filesz = notes_len, .p_memsz = notes_len };
	memcpy((uint8_t *)buf + notes_off, notes, notes_len);

	uint64_t off = head;
	for (uint32_t i = 0; i < nloads; i++) {
		struct cm_seg s = seg ? seg[i] : (struct cm_seg){ 0, p->ranges[i].size, p->ranges[i].size, i, 0 };
		const struct cc_mem_range *r = &p->ranges[s.range];
		ph[1 + i] = (Elf64_Phdr){
			.p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X, .p_offset = off,
			.p_vaddr = r->vaddr ? r->vaddr + s.off : 0, .p_paddr = r->paddr + s.off,
			.p_filesz = s.filesz, .p_memsz = s.memsz,
		};
		off += s.filesz;
	}
	*total = off;
	return head;
}
