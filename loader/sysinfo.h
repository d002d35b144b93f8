/* loader/sysinfo.h - what the running kernel tells about itself and that
 * the dump needs: where each CPU's crash notes and the VMCOREINFO note
 * live, the direct-map base (page_offset), where the kernel image is
 * mapped, and the ACPI RSDP.  Sources and formats: kexec-abi.md 1.4, 4.1
 * and 4.4.  Every path is below root (sysfile.h).  Functions fail
 * silently (errno set, or a reason in why) and the caller decides whether
 * that is fatal. */
#ifndef LOADER_SYSINFO_H
#define LOADER_SYSINFO_H

#include <stddef.h>
#include <stdint.h>
#include "crashcap/params.h"

/* x86_64 4-level direct map base without KASLR (>= 4.20); used when
 * /proc/kcore cannot be read (kexec-tools' X86_64_PAGE_OFFSET). */
#define SYSINFO_DEFAULT_PAGE_OFFSET 0xffff888000000000ull
/* Start of the kernel text mapping (__START_KERNEL_map). */
#define SYSINFO_START_KERNEL_MAP    0xffffffff80000000ull
/* crash_notes_size is missing on old kernels: kexec-tools' MAX_NOTE_BYTES. */
#define SYSINFO_NOTE_BYTES_DEFAULT  1024

struct crash_notes {
	struct cc_note_buf buf[CC_MAX_NOTE_BUFS];
	unsigned n;        /* buffers found */
	unsigned absent;   /* possible CPUs without a crash_notes file (not present) */
	unsigned dropped;  /* CPUs beyond CC_MAX_NOTE_BUFS */
};

/* Parse a sysfs CPU list ("0-3,6,8-9") and call fn for each CPU:
 * 0, or -1 if the text is not a CPU list.  Pure. */
int sysinfo_cpulist(const char *text, int (*fn)(unsigned cpu, void *arg), void *arg);

/* Every possible CPU's crash_notes (address, crash_notes_size).  0, or -1
 * with errno and *failed_path set when a file exists but cannot be read. */
int sysinfo_crash_notes(const char *root, struct crash_notes *cn, char *failed_path, size_t size);

/* /sys/kernel/vmcoreinfo: "ADDR SIZE" in hex.  0, or -1 with errno. */
int sysinfo_vmcoreinfo(const char *root, uint64_t *paddr, uint64_t *size);

/* page_offset as kexec-tools finds it: the lowest PT_LOAD vaddr in
 * /proc/kcore rounded down to 1 GiB.  0, or -1 with a reason in why. */
int sysinfo_page_offset(const char *root, uint64_t *page_offset, char *why, size_t size);

/* VMCOREINFO in /proc/kcore (Linux 4.19 on): a note named "VMCOREINFO",
 * type 0, in the PT_NOTE, whose descriptor is the text the kernel keeps
 * in vmcoreinfo_data (one page; kexec-abi.md 4.1).  Bounds: */
#define SYSINFO_VMCOREINFO_NOTE  "VMCOREINFO"
#define SYSINFO_KCORE_NOTES_MAX  (1u << 20) /* bytes of PT_NOTE read: the kernel's are a few KiB */
#define SYSINFO_VMCOREINFO_MAX   (64u << 10) /* bytes of text accepted */

/* The VMCOREINFO text from the first PT_NOTE of /proc/kcore: a malloc'd
 * copy with a NUL added (*len without it), or NULL with a reason in why
 * (unreadable, e.g. lockdown=confidentiality or no CONFIG_PROC_KCORE; not
 * an ELF64 core; no such note; a size out of bounds).  Every note is
 * checked against the PT_NOTE's size before it is read. */
char *sysinfo_kcore_vmcoreinfo(const char *root, size_t *len, char *why, size_t size);

/* len bytes of physical memory at paddr, read through /proc/kcore's
 * direct map (page_offset + paddr), from the one PT_LOAD that holds them
 * all.  0, or -1 with a reason in why (no such PT_LOAD, a short read). */
int sysinfo_kcore_read_phys(const char *root, uint64_t page_offset, uint64_t paddr, void *buf, size_t len,
			    char *why, size_t size);

/* From /proc/kallsyms: the kernel image's first virtual address (_text,
 * else _stext rounded down to 2 MiB) and its end (_end, 0 if absent).
 * 0, or -1 with a reason in why (missing, or addresses hidden). */
int sysinfo_kernel_text(const char *root, uint64_t *text, uint64_t *end, char *why, size_t size);

/* The ACPI RSDP from /sys/firmware/efi/systab (ACPI20=, else ACPI=), or
 * 0: on BIOS machines the payload finds it in the BIOS area itself. */
uint64_t sysinfo_rsdp(const char *root);

/* The online CPUs' local APIC IDs from /proc/cpuinfo ("apicid"), the
 * first CC_MAX_CPUS of them, and the boot CPU's (processor 0's).  0, or
 * -1 with cpus->nr 0 when the text has no apicid for processor 0 (not
 * x86, or not a cpuinfo).  The parser is pure; it changes text. */
int sysinfo_parse_cpuinfo(char *text, struct cc_cpus *cpus);
int sysinfo_cpus(const char *root, struct cc_cpus *cpus);

#endif
