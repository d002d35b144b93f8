/* capture/bzboot.c - see bzboot.h.  Layouts: include/crashcap/bootparam.h
 * and capture/elf.h; the header's shape: kexec-abi.md 4.1 (the kernel's
 * kexec_file header) and next-features.md 5.1. */
#include "capture/bzboot.h"
#include "boot/bytes.h"
#include "boot/format.h"
#include "boot/string.h"
#include "capture/elf.h"
#include "capture/ranges.h"
#include "crashcap/dumpfmt.h"

#define PAGE 4096ull

int bzboot_read(const uint8_t *bp, struct bz_boot *b, char *err, size_t errlen)
{
	const uint8_t *h = bp; /* setup header fields sit at their file offsets */
	memset(b, 0, sizeof(*b));
	if (get_le32(h + BZ_OFF_HEADER) != BZ_MAGIC || get_le16(h + BZ_OFF_BOOT_FLAG) != BZ_BOOT_FLAG ||
	    get_le16(h + BZ_OFF_VERSION) != BZ_VERSION) {
		cc_snprintf(err, errlen, "boot_params: setup header magic %x, boot flag %x, version %x: not capture.efi's "
			    "(HdrS, aa55, %x)", get_le32(h + BZ_OFF_HEADER), get_le16(h + BZ_OFF_BOOT_FLAG),
			    get_le16(h + BZ_OFF_VERSION), BZ_VERSION);
		return -1;
	}
	b->cmdline = get_le32(h + BZ_OFF_CMD_LINE_PTR) | (uint64_t)get_le32(bp + BP_OFF_EXT_CMD_LINE_PTR) << 32;
	b->initrd = get_le32(h + BZ_OFF_RAMDISK_IMAGE) | (uint64_t)get_le32(bp + BP_OFF_EXT_RAMDISK_IMAGE) << 32;
	b->initrd_size = get_le32(h + BZ_OFF_RAMDISK_SIZE) | (uint64_t)get_le32(bp + BP_OFF_EXT_RAMDISK_SIZE) << 32;
	b->rsdp = get_le64(bp + BP_OFF_ACPI_RSDP);
	b->nr_e820 = bp[BP_OFF_E820_ENTRIES];
	if (b->nr_e820 > BP_E820_MAX) {
		cc_snprintf(err, errlen, "boot_params: %u e820 entries, more than the zero page holds (%u)", b->nr_e820,
			    BP_E820_MAX);
		return -1;
	}
	memcpy(b->e820, bp + BP_OFF_E820_TABLE, b->nr_e820 * sizeof(b->e820[0]));
	return 0;
}

uint64_t bzboot_ram_room(const struct bz_boot *b, uint64_t addr)
{
	for (uint32_t i = 0; i < b->nr_e820; i++) {
		const struct bp_e820_entry *e = &b->e820[i];
		if (e->type != BP_E820_RAM || e->addr < BZ_LOW_LIMIT || e->addr + e->size < e->addr)
			continue;
		if (addr >= e->addr && addr - e->addr < e->size)
			return e->size - (addr - e->addr);
	}
	return 0;
}

int bzboot_elfcorehdr_arg(const char *cl, size_t n, uint64_t *addr, char *err, size_t errlen)
{
	static const char key[] = "elfcorehdr=0x";
	size_t len = strnlen(cl, n);
	if (len == n) {
		cc_snprintf(err, errlen, "the command line has no NUL in its %u bytes", (unsigned)n);
		return -1;
	}
	if (len < sizeof(key) - 1 || memcmp(cl, key, sizeof(key) - 1)) {
		cc_snprintf(err, errlen, "the command line does not start with elfcorehdr=0x (was this image loaded "
			    "as a crash kernel with kexec_file_load?)");
		return -1;
	}
	uint64_t v = 0;
	size_t i = sizeof(key) - 1, digits = 0;
	for (; i < len && cl[i] != ' '; i++, digits++) {
		char c = cl[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			     c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;
		if (d == 16 || digits == 16) {
			cc_snprintf(err, errlen, "elfcorehdr= on the command line is not a hex number of at most 16 digits");
			return -1;
		}
		v = v << 4 | d;
	}
	if (!digits || !v) {
		cc_snprintf(err, errlen, "elfcorehdr= on the command line gives no address");
		return -1;
	}
	*addr = v;
	return 0;
}

/* Page-rounded [paddr, paddr + size): 0, or -1 when it wraps. */
static int whole_pages(uint64_t paddr, uint64_t size, uint64_t *start, uint64_t *end)
{
	*start = paddr & ~(PAGE - 1);
	if (paddr + size < paddr || paddr + size > UINT64_MAX - PAGE)
		return -1;
	*end = (paddr + size + PAGE - 1) & ~(PAGE - 1);
	return 0;
}

int bzboot_elfcorehdr(const uint8_t *hdr, uint64_t avail, const struct bz_boot *b, struct cc_params *p,
		      uint32_t *dropped, char *err, size_t errlen)
{
	Elf64_Ehdr eh;
	*dropped = 0;
	if (avail < sizeof(eh)) {
		cc_snprintf(err, errlen, "ELF core header: only %lu bytes readable", (unsigned long)avail);
		return -1;
	}
	memcpy(&eh, hdr, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, 4) || eh.e_ident[4] != ELFCLASS64 || eh.e_ident[5] != ELFDATA2LSB ||
	    eh.e_type != ET_CORE || eh.e_machine != EM_X86_64 || eh.e_phentsize != sizeof(Elf64_Phdr)) {
		cc_snprintf(err, errlen, "ELF core header: not an x86-64 ELF64 core (type %u, machine %u, phentsize %u)",
			    eh.e_type, eh.e_machine, eh.e_phentsize);
		return -1;
	}
	if (eh.e_phnum == 0 || eh.e_phoff < sizeof(eh) || eh.e_phoff > avail ||
	    (avail - eh.e_phoff) / sizeof(Elf64_Phdr) < eh.e_phnum) {
		cc_snprintf(err, errlen, "ELF core header: %u program headers at offset %lu do not fit in %lu readable "
			    "bytes", eh.e_phnum, (unsigned long)eh.e_phoff, (unsigned long)avail);
		return -1;
	}
	unsigned nnotes = 0, nloads = 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		uint32_t type = get_le32(hdr + eh.e_phoff + i * sizeof(Elf64_Phdr));
		nnotes += type == PT_NOTE;
		nloads += type == PT_LOAD;
	}
	if (!nloads) {
		cc_snprintf(err, errlen, "ELF core header: no PT_LOAD among its %u program headers", eh.e_phnum);
		return -1;
	}

	p->nr_ranges = p->nr_note_bufs = 0;
	p->vmcoreinfo_paddr = p->vmcoreinfo_size = 0;
	struct cc_mem_range text = { 0, 0, 0, 0 };
	uint64_t page_offset = 0;
	int have_offset = 0;
	unsigned note = 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, hdr + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		uint64_t start, end;
		if (ph.p_type == PT_NOTE) {
			if (ph.p_offset != ph.p_paddr || !ph.p_memsz || ph.p_memsz > BZ_NOTE_MAX ||
			    ph.p_paddr + ph.p_memsz < ph.p_paddr) {
				cc_snprintf(err, errlen, "ELF core header: PT_NOTE %u at %lx size %lu (offset %lx): not a "
					    "note buffer of 1..%u bytes", i, (unsigned long)ph.p_paddr,
					    (unsigned long)ph.p_memsz, (unsigned long)ph.p_offset, BZ_NOTE_MAX);
				return -1;
			}
			if (++note == nnotes) { /* the kernel puts VMCOREINFO last */
				p->vmcoreinfo_paddr = ph.p_paddr;
				p->vmcoreinfo_size = ph.p_memsz;
			} else if (p->nr_note_bufs < CC_MAX_NOTE_BUFS) {
				p->note_bufs[p->nr_note_bufs++] = (struct cc_note_buf){ ph.p_paddr, ph.p_memsz };
			} else {
				(*dropped)++;
			}
			continue;
		}
		if (ph.p_type != PT_LOAD) {
			cc_snprintf(err, errlen, "ELF core header: program header %u has type %u (only PT_NOTE and PT_LOAD)",
				    i, ph.p_type);
			return -1;
		}
		if (ph.p_offset != ph.p_paddr || ph.p_filesz != ph.p_memsz || !ph.p_memsz ||
		    whole_pages(ph.p_paddr, ph.p_memsz, &start, &end) < 0) {
			cc_snprintf(err, errlen, "ELF core header: PT_LOAD %u at %lx+%lx (offset %lx, filesz %lx) is not a "
				    "physical range", i, (unsigned long)ph.p_paddr, (unsigned long)ph.p_memsz,
				    (unsigned long)ph.p_offset, (unsigned long)ph.p_filesz);
			return -1;
		}
		if (ph.p_vaddr >= CC_KERNEL_MAP) { /* the kernel image, mapped at _text */
			if (text.size || (ph.p_vaddr & (PAGE - 1)) != (ph.p_paddr & (PAGE - 1))) {
				cc_snprintf(err, errlen, "ELF core header: PT_LOAD %u: a second kernel image, or one whose "
					    "vaddr %lx and paddr %lx differ within a page", i, (unsigned long)ph.p_vaddr,
					    (unsigned long)ph.p_paddr);
				return -1;
			}
			text = (struct cc_mem_range){ start, end - start, ph.p_vaddr & ~(PAGE - 1), start };
			continue;
		}
		if (have_offset && ph.p_vaddr - ph.p_paddr != page_offset) {
			cc_snprintf(err, errlen, "ELF core header: PT_LOAD %u maps %lx at %lx, not at the direct map base %lx "
				    "the others use", i, (unsigned long)ph.p_paddr, (unsigned long)ph.p_vaddr,
				    (unsigned long)page_offset);
			return -1;
		}
		page_offset = ph.p_vaddr - ph.p_paddr;
		have_offset = 1;
		if (ranges_add(p, start, end) < 0)
			goto too_many;
	}
	if (!have_offset) {
		cc_snprintf(err, errlen, "ELF core header: no RAM PT_LOAD (only the kernel image)");
		return -1;
	}
	/* Low RAM: the kernel's header leaves [0, 1 MiB) out, the zero page
	 * lists it as RAM (the old kernel's System RAM there).  Read in place. */
	for (uint32_t i = 0; i < b->nr_e820; i++) {
		const struct bp_e820_entry *e = &b->e820[i];
		if (e->type != BP_E820_RAM || e->addr >= BZ_LOW_LIMIT || !e->size)
			continue;
		uint64_t end = e->size > BZ_LOW_LIMIT - e->addr ? BZ_LOW_LIMIT : e->addr + e->size;
		if (ranges_add(p, e->addr, end) < 0)
			goto too_many;
	}
	for (uint32_t i = 0; i < p->nr_ranges; i++)
		p->ranges[i].vaddr = page_offset + p->ranges[i].paddr;
	if (text.size) { /* first, as the kexec_load path orders it (loader/stage.c) */
		if (p->nr_ranges >= CC_MAX_RANGES)
			goto too_many;
		for (uint32_t k = p->nr_ranges; k > 0; k--)
			p->ranges[k] = p->ranges[k - 1];
		p->ranges[0] = text;
		p->nr_ranges++;
	}
	return 0;
too_many:
	cc_snprintf(err, errlen, "ELF core header: more separate RAM ranges than the payload can dump (%u)", CC_MAX_RANGES);
	return -1;
}
