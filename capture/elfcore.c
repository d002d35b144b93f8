/* capture/elfcore.c - see elfcore.h. */
#include "capture/elfcore.h"
#include "capture/elf.h"
#include "capture/string.h"

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

uint64_t elfcore_head_size(uint32_t nr_ranges, size_t notes_len)
{
	uint64_t notes_off = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) * (1 + (uint64_t)nr_ranges);
	return align_up(notes_off + notes_len, ELFCORE_ALIGN);
}

uint64_t elfcore_build(void *buf, size_t cap, const struct cc_params *p,
		       const void *notes, size_t notes_len, uint64_t *total)
{
	uint64_t head = elfcore_head_size(p->nr_ranges, notes_len);
	if (head > cap)
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
	eh->e_phnum = (uint16_t)(1 + p->nr_ranges);

	Elf64_Phdr *ph = (Elf64_Phdr *)((uint8_t *)buf + sizeof(Elf64_Ehdr));
	uint64_t notes_off = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) * (1 + (uint64_t)p->nr_ranges);
	ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = notes_off, .p_filesz = notes_len, .p_memsz = notes_len };
	memcpy((uint8_t *)buf + notes_off, notes, notes_len);

	uint64_t off = head;
	for (uint32_t i = 0; i < p->nr_ranges; i++) {
		const struct cc_mem_range *r = &p->ranges[i];
		ph[1 + i] = (Elf64_Phdr){
			.p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X, .p_offset = off,
			.p_vaddr = r->vaddr, .p_paddr = r->paddr, .p_filesz = r->size, .p_memsz = r->size,
		};
		off += r->size;
	}
	*total = off;
	return head;
}
