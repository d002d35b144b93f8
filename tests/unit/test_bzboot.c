/* tests/unit/test_bzboot.c - capture/bzboot.c, the kexec_file path's
 * reading of boot_params, the command line and the kernel's ELF core
 * header.  The zero page starts from build/capture.efi's own setup header
 * (the bytes the kernel copies into it); the ELF header is laid out as the
 * 6.1 kernel's crash_prepare_elf64_headers lays it out (kexec-abi.md 4.1):
 * one PT_NOTE per possible CPU, the VMCOREINFO PT_NOTE, the kernel text
 * PT_LOAD, then the RAM PT_LOADs above 1 MiB without the crash region.
 * Then every malformed variant: one refusal each, with its words.
 * Run from the top of the tree (make unit, tests/run). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/bzboot.h"
#include "capture/elf.h"
#include "tests/unit/check.h"

#define EFI "build/capture.efi"
#define PAGE_OFFSET 0xffff9b4c80000000ull
#define TEXT_VADDR  0xffffffff9a000000ull
#define TEXT_PADDR  0x1a000000ull
#define TEXT_SIZE   0x2a1c000ull     /* _end - _text, not a whole page: rounded */
#define CRASH_START 0x2f000000ull
#define CRASH_END   0x30000000ull
#define HDR_ADDR    0x2f0fc000ull    /* elf_load_addr */
#define RAM_END     0xbffe0000ull
#define VMCI_PADDR  0x02e7e000ull
#define VMCI_SIZE   4132u            /* VMCOREINFO_NOTE_SIZE on 6.1 */
#define NOTE_SIZE   376u             /* sizeof(note_buf_t), say */

static uint8_t bp[BP_SIZE];
static uint8_t hdr[1 << 16];
static struct cc_params p;
static char err[256];

static void put32(uint8_t *b, size_t off, uint32_t v) { memcpy(b + off, &v, 4); }

static void e820(unsigned i, uint64_t addr, uint64_t size, uint32_t type)
{
	struct bp_e820_entry e = { addr, size, type };
	memcpy(bp + BP_OFF_E820_TABLE + i * sizeof(e), &e, sizeof(e));
}

/* The zero page the kernel builds for capture.efi (bzImage64_load). */
static int make_bp(void)
{
	FILE *f = fopen(EFI, "rb");
	if (!f || fread(bp, 1, BP_SIZE, f) != BP_SIZE) {
		fprintf(stderr, "%s: cannot read its first %d bytes (make first)\n", EFI, BP_SIZE);
		return -1;
	}
	fclose(f);
	/* only the setup header survives from the file: 0x1f1 .. 0x202 + byte[0x201] */
	size_t hdr_end = 0x202 + bp[0x201];
	memset(bp, 0, BP_OFF_HDR);
	memset(bp + hdr_end, 0, BP_SIZE - hdr_end);
	put32(bp, BZ_OFF_CMD_LINE_PTR, 0x2f0f1000 + BP_SIZE);
	put32(bp, BZ_OFF_RAMDISK_IMAGE, 0x2f0f9000);
	put32(bp, BZ_OFF_RAMDISK_SIZE, sizeof(struct cc_params));
	put32(bp, BP_OFF_EXT_RAMDISK_IMAGE, 0);
	memcpy(bp + BP_OFF_ACPI_RSDP, &(uint64_t){ 0xbfffe000 }, 8);
	e820(0, 0x1000, 0x9ec00, BP_E820_RAM);             /* System RAM below 1 MiB */
	e820(1, 0xbffe0000, 0x20000, 2);                   /* reserved */
	e820(2, CRASH_START, HDR_ADDR - CRASH_START, BP_E820_RAM); /* crashk_res before the ELF header */
	e820(3, HDR_ADDR + 0x4000, CRASH_END - HDR_ADDR - 0x4000, BP_E820_RAM);
	bp[BP_OFF_E820_ENTRIES] = 4;
	return 0;
}

static unsigned nph;
static void ph(uint32_t type, uint64_t off, uint64_t vaddr, uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
	Elf64_Phdr h = { type, PF_R | PF_W | PF_X, off, vaddr, paddr, filesz, memsz, 0 };
	memcpy(hdr + sizeof(Elf64_Ehdr) + nph++ * sizeof(h), &h, sizeof(h));
	Elf64_Ehdr *e = (Elf64_Ehdr *)hdr;
	e->e_phnum = (uint16_t)nph;
}

/* The kernel's header with ncpu CPU notes; returns its size. */
static size_t make_hdr(unsigned ncpu)
{
	memset(hdr, 0, sizeof(hdr));
	nph = 0;
	Elf64_Ehdr e = { .e_type = ET_CORE, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
			 .e_phoff = sizeof(Elf64_Ehdr), .e_ehsize = sizeof(Elf64_Ehdr), .e_phentsize = sizeof(Elf64_Phdr) };
	memcpy(e.e_ident, ELFMAG, 4);
	e.e_ident[4] = ELFCLASS64;
	e.e_ident[5] = ELFDATA2LSB;
	e.e_ident[6] = EV_CURRENT;
	memcpy(hdr, &e, sizeof(e));
	for (unsigned i = 0; i < ncpu; i++)
		ph(PT_NOTE, 0x7dc1a658 + 0x1000ull * i, 0, 0x7dc1a658 + 0x1000ull * i, NOTE_SIZE, NOTE_SIZE);
	ph(PT_NOTE, VMCI_PADDR, 0, VMCI_PADDR, VMCI_SIZE, VMCI_SIZE);
	ph(PT_LOAD, TEXT_PADDR, TEXT_VADDR, TEXT_PADDR, TEXT_SIZE, TEXT_SIZE);
	ph(PT_LOAD, 0x100000, PAGE_OFFSET + 0x100000, 0x100000, CRASH_START - 0x100000, CRASH_START - 0x100000);
	ph(PT_LOAD, CRASH_END, PAGE_OFFSET + CRASH_END, CRASH_END, RAM_END - CRASH_END, RAM_END - CRASH_END);
	return sizeof(Elf64_Ehdr) + nph * sizeof(Elf64_Phdr);
}

static Elf64_Phdr *phdr(unsigned i) { return (Elf64_Phdr *)(hdr + sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr)); }

static struct bz_boot b;

/* A malformed header: refused, err contains want, and nothing else. */
static void refuse(const char *what, size_t avail, const char *want)
{
	uint32_t dropped;
	memset(&p, 0, sizeof(p));
	err[0] = 0;
	int rc = bzboot_elfcorehdr(hdr, avail, &b, &p, &dropped, err, sizeof(err));
	CHECKF(rc == -1 && strstr(err, want), "%s: rc %d, err '%s', want '%s'", what, rc, err, want);
}

int main(void)
{
	if (make_bp() < 0)
		return 1;

	/* ---- boot_params ---- */
	CHECK_EQ(bzboot_read(bp, &b, err, sizeof(err)), 0);
	CHECK_EQ(b.cmdline, 0x2f0f1000 + BP_SIZE);
	CHECK_EQ(b.initrd, 0x2f0f9000);
	CHECK_EQ(b.initrd_size, sizeof(struct cc_params));
	CHECK_EQ(b.rsdp, 0xbfffe000);
	CHECK_EQ(b.nr_e820, 4);
	CHECK_EQ(b.e820[3].addr, HDR_ADDR + 0x4000);
	put32(bp, BP_OFF_EXT_RAMDISK_IMAGE, 1); /* above 4 GiB: the ext_ field is the high half */
	put32(bp, BP_OFF_EXT_RAMDISK_SIZE, 2);
	put32(bp, BP_OFF_EXT_CMD_LINE_PTR, 3);
	CHECK_EQ(bzboot_read(bp, &b, err, sizeof(err)), 0);
	CHECK_EQ(b.initrd, 0x12f0f9000ull);
	CHECK_EQ(b.initrd_size, 0x200000000ull + sizeof(struct cc_params));
	CHECK_EQ(b.cmdline, 0x32f0f2000ull);
	make_bp();
	bp[BP_OFF_E820_ENTRIES] = 129;
	CHECK_EQ(bzboot_read(bp, &b, err, sizeof(err)), -1);
	CHECKF(strstr(err, "129 e820 entries"), "err '%s'", err);
	make_bp();
	bp[BZ_OFF_HEADER] = 'X'; /* not our setup header: not boot_params of capture.efi */
	CHECK_EQ(bzboot_read(bp, &b, err, sizeof(err)), -1);
	CHECKF(strstr(err, "not capture.efi's"), "err '%s'", err);
	make_bp();
	put32(bp, BZ_OFF_VERSION, 0x020f); /* another protocol version than ours */
	CHECK_EQ(bzboot_read(bp, &b, err, sizeof(err)), -1);
	make_bp();
	CHECK_EQ(bzboot_read(bp, &b, err, sizeof(err)), 0);

	/* ---- the crash kernel's RAM: e820 RAM at or above 1 MiB ---- */
	CHECK_EQ(bzboot_ram_room(&b, CRASH_START), HDR_ADDR - CRASH_START);
	CHECK_EQ(bzboot_ram_room(&b, HDR_ADDR - 1), 1);
	CHECK_EQ(bzboot_ram_room(&b, HDR_ADDR), 0);          /* the ELF header is not RAM for the crash kernel */
	CHECK_EQ(bzboot_ram_room(&b, HDR_ADDR + 0x4000), CRASH_END - HDR_ADDR - 0x4000);
	CHECK_EQ(bzboot_ram_room(&b, CRASH_END), 0);
	CHECK_EQ(bzboot_ram_room(&b, 0x2000), 0);            /* low RAM: not where the kernel puts segments */
	CHECK_EQ(bzboot_ram_room(&b, 0xbffe0000), 0);        /* reserved */

	/* ---- elfcorehdr= ---- */
	uint64_t a = 0;
	static const char cl[] = "elfcorehdr=0x2f0fc000 ";
	CHECK_EQ(bzboot_elfcorehdr_arg(cl, sizeof(cl), &a, err, sizeof(err)), 0);
	CHECK_EQ(a, HDR_ADDR);
	CHECK_EQ(bzboot_elfcorehdr_arg("elfcorehdr=0x2F0FC000", 22, &a, err, sizeof(err)), 0);
	CHECK_EQ(a, HDR_ADDR);
	CHECK_EQ(bzboot_elfcorehdr_arg("elfcorehdr=0x2f0fc000", 21, &a, err, sizeof(err)), -1); /* no NUL */
	CHECKF(strstr(err, "no NUL"), "err '%s'", err);
	CHECK_EQ(bzboot_elfcorehdr_arg("console=ttyS0 elfcorehdr=0x1000", 40, &a, err, sizeof(err)), -1);
	CHECKF(strstr(err, "does not start with elfcorehdr=0x"), "err '%s'", err);
	CHECK_EQ(bzboot_elfcorehdr_arg("elfcorehdr=0x12g4 ", 30, &a, err, sizeof(err)), -1);
	CHECK_EQ(bzboot_elfcorehdr_arg("elfcorehdr=0x12345678123456789", 40, &a, err, sizeof(err)), -1);
	CHECKF(strstr(err, "at most 16 digits"), "err '%s'", err);
	CHECK_EQ(bzboot_elfcorehdr_arg("elfcorehdr=0x ", 20, &a, err, sizeof(err)), -1);
	CHECK_EQ(bzboot_elfcorehdr_arg("elfcorehdr=0x0", 20, &a, err, sizeof(err)), -1);
	CHECKF(strstr(err, "gives no address"), "err '%s'", err);

	/* ---- the kernel's ELF header, 2 CPUs ---- */
	uint32_t dropped = 99;
	size_t len = make_hdr(2);
	memset(&p, 0xa5, sizeof(p)); /* whatever was there */
	CHECKF(bzboot_elfcorehdr(hdr, len, &b, &p, &dropped, err, sizeof(err)) == 0, "err '%s'", err);
	CHECK_EQ(dropped, 0);
	CHECK_EQ(p.nr_note_bufs, 2);
	CHECK_EQ(p.note_bufs[0].paddr, 0x7dc1a658);
	CHECK_EQ(p.note_bufs[1].paddr, 0x7dc1b658);
	CHECK_EQ(p.note_bufs[1].size, NOTE_SIZE);
	CHECK_EQ(p.vmcoreinfo_paddr, VMCI_PADDR);
	CHECK_EQ(p.vmcoreinfo_size, VMCI_SIZE);
	CHECK_EQ(p.nr_ranges, 4); /* text, low RAM, the two RAM ranges around the crash region */
	CHECK_EQ(p.ranges[0].paddr, TEXT_PADDR);
	CHECK_EQ(p.ranges[0].size, 0x2a1c000);
	CHECK_EQ(p.ranges[0].vaddr, TEXT_VADDR);
	CHECK_EQ(p.ranges[0].src, TEXT_PADDR);
	CHECK_EQ(p.ranges[1].paddr, 0x1000);       /* 0x1000-0x9fbff rounded out, as the loader does */
	CHECK_EQ(p.ranges[1].size, 0x9f000);
	CHECK_EQ(p.ranges[1].src, 0x1000);         /* read where it is: no backup on this path */
	CHECK_EQ(p.ranges[1].vaddr, PAGE_OFFSET + 0x1000);
	CHECK_EQ(p.ranges[2].paddr, 0x100000);
	CHECK_EQ(p.ranges[2].size, CRASH_START - 0x100000);
	CHECK_EQ(p.ranges[2].vaddr, PAGE_OFFSET + 0x100000);
	CHECK_EQ(p.ranges[3].paddr, CRASH_END);
	CHECK_EQ(p.ranges[3].size, RAM_END - CRASH_END);
	CHECK_EQ(p.ranges[3].src, CRASH_END);

	/* more CPUs than note buffers: the first CC_MAX_NOTE_BUFS kept, VMCOREINFO still the last */
	len = make_hdr(CC_MAX_NOTE_BUFS + 3);
	CHECKF(bzboot_elfcorehdr(hdr, len, &b, &p, &dropped, err, sizeof(err)) == 0, "err '%s'", err);
	CHECK_EQ(dropped, 3);
	CHECK_EQ(p.nr_note_bufs, CC_MAX_NOTE_BUFS);
	CHECK_EQ(p.vmcoreinfo_paddr, VMCI_PADDR);
	CHECK_EQ(p.nr_ranges, 4);

	/* ---- malformed headers ---- */
	len = make_hdr(2);
	refuse("only 63 bytes readable", 63, "only 63 bytes readable");
	refuse("the program headers cut short", len - 1, "do not fit in");
	hdr[0] = 0x7e;
	refuse("no ELF magic", len, "not an x86-64 ELF64 core");
	make_hdr(2);
	((Elf64_Ehdr *)hdr)->e_type = 2;
	refuse("ET_EXEC", len, "not an x86-64 ELF64 core (type 2");
	make_hdr(2);
	((Elf64_Ehdr *)hdr)->e_phentsize = 32;
	refuse("phentsize 32", len, "phentsize 32");
	make_hdr(2);
	((Elf64_Ehdr *)hdr)->e_phoff = 1u << 20;
	refuse("e_phoff beyond what is readable", len, "do not fit in");
	make_hdr(2);
	((Elf64_Ehdr *)hdr)->e_phnum = 0;
	refuse("no program headers", len, "0 program headers");
	make_hdr(2);
	((Elf64_Ehdr *)hdr)->e_phnum = 0xffff;
	refuse("65535 program headers in a small buffer", len, "65535 program headers");
	make_hdr(2);
	phdr(0)->p_memsz = 0;
	refuse("a note of 0 bytes", len, "PT_NOTE 0 at 7dc1a658 size 0");
	make_hdr(2);
	phdr(1)->p_memsz = BZ_NOTE_MAX + 1;
	refuse("a note of 64 KiB + 1", len, "PT_NOTE 1 at 7dc1b658 size 65537");
	make_hdr(2);
	phdr(2)->p_offset = 0;
	refuse("a note whose p_offset is not its address", len, "PT_NOTE 2");
	make_hdr(2);
	phdr(2)->p_paddr = UINT64_MAX - 10;
	phdr(2)->p_offset = phdr(2)->p_paddr;
	refuse("a note that wraps", len, "PT_NOTE 2");
	make_hdr(2);
	phdr(4)->p_filesz = 0x1000;
	refuse("a PT_LOAD with filesz != memsz", len, "PT_LOAD 4 at 100000");
	make_hdr(2);
	phdr(5)->p_memsz = phdr(5)->p_filesz = UINT64_MAX - CRASH_END;
	refuse("a PT_LOAD that wraps", len, "PT_LOAD 5 at 30000000");
	make_hdr(2);
	phdr(4)->p_vaddr = TEXT_VADDR + 0x4000000;
	refuse("a second kernel image", len, "PT_LOAD 4: a second kernel image");
	make_hdr(2);
	phdr(5)->p_vaddr += 0x1000;
	refuse("a RAM PT_LOAD off the direct map base", len, "PT_LOAD 5 maps 30000000 at");
	make_hdr(2);
	phdr(4)->p_type = 2; /* PT_DYNAMIC */
	refuse("a PT_DYNAMIC", len, "program header 4 has type 2");
	make_hdr(2);
	((Elf64_Ehdr *)hdr)->e_phnum = 3; /* the notes only */
	refuse("no PT_LOAD", len, "no PT_LOAD among its 3 program headers");
	make_hdr(2);
	((Elf64_Ehdr *)hdr)->e_phnum = 4; /* notes and the kernel text */
	refuse("no RAM PT_LOAD", len, "no RAM PT_LOAD");
	/* more separate RAM ranges than the block has */
	make_hdr(0);
	nph = 2;
	for (unsigned i = 0; i < CC_MAX_RANGES; i++)
		ph(PT_LOAD, 0x100000000ull + 0x2000ull * i, PAGE_OFFSET + 0x100000000ull + 0x2000ull * i,
		   0x100000000ull + 0x2000ull * i, 0x1000, 0x1000);
	refuse("129 RAM ranges with the low one", sizeof(Elf64_Ehdr) + nph * sizeof(Elf64_Phdr),
	       "more separate RAM ranges than the payload can dump (128)");

	CHECK_DONE();
}
