/* loader/load.c - `crashcap load` and `crashcap unload`.
 *
 * load: everything is read and checked first (privileges, lockdown, the
 * memory map, the target, the kernel's notes and addresses), then staged
 * in memory (segments placed in the crash region, parameter block,
 * digest, patched purgatory).  Only then is anything changed: the target
 * gets a fresh header (state empty, new UUID) and kexec_load() is called;
 * if the kernel refuses, the old header is put back.  Every refusal is one
 * line on stderr and exit status 1.  Layout and file format: docs/loader.md. */
#include <errno.h>
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture/dumphdr.h"
#include "capture/hangrec.h"
#include "crashcap/bootparam.h"
#include "crashcap/status.h"
#include "loader/blockdev.h"
#include "loader/commands.h"
#include "loader/config.h"
#include "loader/dryrun.h"
#include "loader/dumplevel.h"
#include "loader/efivar.h"
#include "loader/hangcanary.h"
#include "loader/hangrec_build.h"
#include "loader/images.h"
#include "loader/iomem.h"
#include "loader/kexec.h"
#include "loader/layout.h"
#include "loader/stage.h"
#include "loader/sysfile.h"
#include "loader/sysinfo.h"
#include "loader/target_io.h"
#include "loader/uuid.h"
#include "loader/vmcoreinfo.h"

#define MIB (1ull << 20)
#define KIB 1024ull

struct load_args {
	const char *target;      /* what is opened: --target or TARGET, symlinks resolved */
	const char *target_name; /* as given, for the summary: --target DEV or TARGET=NAME */
	const char *config;      /* --config FILE, or NULL: /etc/crashcap.conf if it exists */
	int action_given;        /* --action was on the command line */
	const char *dry_run;     /* FILE, or NULL for a real load */
	const char *root;        /* "" or the --root DIR (dry runs only) */
	const char *test_pci;    /* --test-target-pci (dry runs only) */
	uint32_t action;
	int force;
	int bad_digest;          /* --test-bad-digest */
	int test_exception;      /* --test-exception */
	int keep_zeros;          /* --keep-zeros */
	uint32_t dump_level;     /* --dump-level N, CC_DL_* bits */
	uint32_t compress;       /* --compress, CC_COMPRESS_* */
	int level_given;         /* --dump-level was on the command line */
	int compress_given;      /* --compress was on the command line */
	uint16_t qemu_exit;      /* --qemu-exit PORT, 0 = none */
	int syscall;             /* SYSCALL_*: --syscall, or chosen in cmd_load */
	const char *image;       /* --image FILE, or NULL: the built-in capture.efi */
	char why[160];           /* which syscall, and why (one line of the summary) */
	int hang_record;         /* --hang-record (off until hangcap.efi captures) */
};

enum { SYSCALL_AUTO, SYSCALL_LOAD, SYSCALL_FILE };
#define FILE_CMDLINE "" /* kexec_file_load: nothing beyond the kernel's elfcorehdr= */

enum { SEG_PURGATORY, SEG_PAYLOAD, SEG_PARAMS, SEG_BACKUP, NR_SEGS };
/* The hang record's crash-region canary (docs/hangcap.md): one more
 * segment after the last of those, only with --hang-record on kexec_load. */
#define MAX_SEGS (NR_SEGS + 2) /* + the hang record's canary page and VMCOREINFO copy */

/* Everything a load is made of; static storage: cc_params alone is 8 KiB. */
static struct {
	struct iomem mem;
	uint64_t region_start, region_end;   /* the crash region used, end exclusive */
	unsigned nr_crash_regions;
	struct blockdev bd;
	struct target t;
	struct crash_notes notes;
	struct ktext kt;
	uint64_t page_offset;
	struct cc_image_header img;
	struct cc_purgatory_header purg;
	void *purg_copy;                     /* the purgatory image, patched */
	struct cc_params params;
	struct cc_purgatory_info info;
	struct segment segs[MAX_SEGS];
	int canary_seg;                      /* index of the "canary" segment, -1: none */
	uint8_t canary_page[LAYOUT_PAGE];    /* its bytes: fresh random */
	int vmci_seg;                        /* index of the "vmcoreinfo" copy segment, -1: none */
	uint8_t vmci_copy[4 * LAYOUT_PAGE];  /* its bytes: the VMCOREINFO note as read at load */
	uint64_t entry;
	uint64_t slack;
	struct cc_dump_header hdr;
	/* kexec_file_load: the image's bytes (checked), and the parameter
	 * block as the initrd carries it (no ranges: the kernel's header has them) */
	struct image efi;
	void *efi_copy;
	struct cc_params file_params;
} L;

static const char *const action_names[] = {
	[CC_ACTION_REBOOT] = "reboot",
	[CC_ACTION_POWEROFF] = "poweroff",
	[CC_ACTION_HALT] = "halt",
};

static int parse_action(const char *s, uint32_t *action)
{
	for (uint32_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
		if (!strcmp(s, action_names[i])) {
			*action = i;
			return 0;
		}
	return -1;
}

/* An I/O port: decimal digits (a leading 0 is not octal: 010 is ten), or
 * 0x and hex digits; 1..0xffff.  0, or -1. */
static int parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;
	unsigned base = 10;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return -1;
	for (; *p; p++) {
		unsigned d;
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return -1;
		v = v * base + d;
		if (v > 0xffff)
			return -1;
	}
	if (v == 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* 0, 1 for --help (usage printed), or -1 after one line. */
static int parse_args(int argc, char **argv, struct load_args *a)
{
	enum { O_ACTION = 256, O_DRY_RUN, O_ROOT, O_TEST_PCI, O_BAD_DIGEST, O_QEMU_EXIT, O_TEST_EXC, O_KEEP_ZEROS,
	       O_DUMP_LEVEL, O_COMPRESS, O_CONFIG, O_SYSCALL, O_IMAGE, O_HANG };
	static const struct option longopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' },
		{ "action", required_argument, NULL, O_ACTION },
		{ "dry-run", required_argument, NULL, O_DRY_RUN },
		{ "root", required_argument, NULL, O_ROOT },
		{ "test-target-pci", required_argument, NULL, O_TEST_PCI },
		{ "test-bad-digest", no_argument, NULL, O_BAD_DIGEST },
		{ "qemu-exit", required_argument, NULL, O_QEMU_EXIT },
		{ "test-exception", no_argument, NULL, O_TEST_EXC },
		{ "keep-zeros", no_argument, NULL, O_KEEP_ZEROS },
		{ "dump-level", required_argument, NULL, O_DUMP_LEVEL },
		{ "compress", required_argument, NULL, O_COMPRESS },
		{ "help", no_argument, NULL, 'h' },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "syscall", required_argument, NULL, O_SYSCALL },
		{ "image", required_argument, NULL, O_IMAGE },
		{ "hang-record", no_argument, NULL, O_HANG },
		{ NULL, 0, NULL, 0 },
	};
	static char root[SYSFILE_PATH_MAX];
	unsigned seen = 0;
	int c;

	memset(a, 0, sizeof(*a));
	a->root = "";
	a->action = CC_ACTION_REBOOT;
	a->dump_level = CC_DL_DEFAULT;
	a->compress = CC_COMPRESS_LZ4;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":t:fh", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage_print("load");
			return 1;
		}
		for (unsigned i = 0; c != ':' && c != '?' && longopts[i].name; i++)
			if (longopts[i].val == c) {
				char name[40];
				snprintf(name, sizeof(name), "--%s", longopts[i].name);
				if (option_once(&seen, i, "load", name) < 0)
					return -1;
				break;
			}
		switch (c) {
		case 't':
			a->target = optarg;
			break;
		case 'f':
			a->force = 1;
			break;
		case O_ACTION:
			if (parse_action(optarg, &a->action) < 0) {
				warnx("load: --action %s: use reboot, poweroff or halt", optarg);
				return -1;
			}
			a->action_given = 1;
			break;
		case O_CONFIG:
			a->config = optarg;
			break;
		case O_HANG:
			a->hang_record = 1;
			break;
		case O_DRY_RUN:
			a->dry_run = optarg;
			break;
		case O_ROOT:
			/* "DIR/" + "/proc/iomem" would still work; keep paths tidy. */
			snprintf(root, sizeof(root), "%s", optarg);
			for (size_t n = strlen(root); n > 1 && root[n - 1] == '/'; n--)
				root[n - 1] = '\0';
			a->root = root;
			break;
		case O_TEST_PCI:
			a->test_pci = optarg;
			break;
		case O_BAD_DIGEST:
			a->bad_digest = 1;
			break;
		case O_QEMU_EXIT:
			if (parse_port(optarg, &a->qemu_exit) < 0) {
				warnx("load: --qemu-exit %s: give an I/O port 1..65535 in decimal, or in hex after 0x "
				      "(QEMU isa-debug-exit iobase)", optarg);
				return -1;
			}
			break;
		case O_TEST_EXC:
			a->test_exception = 1;
			break;
		case O_KEEP_ZEROS:
			a->keep_zeros = 1;
			break;
		case O_DUMP_LEVEL:
			if (dumplevel_parse(optarg, &a->dump_level) < 0) {
				warnx("load: --dump-level %s: give a decimal number 0..31, the sum of what to leave out: "
				      "1 zero pages, 2 page cache, 4 page cache with private data, 8 user data, 16 free pages",
				      optarg);
				return -1;
			}
			a->level_given = 1;
			break;
		case O_COMPRESS:
			if (compress_parse(optarg, &a->compress) < 0) {
				warnx("load: --compress %s: use lz4 or none", optarg);
				return -1;
			}
			a->compress_given = 1;
			break;
		case O_SYSCALL:
			if (!strcmp(optarg, "file"))
				a->syscall = SYSCALL_FILE;
			else if (!strcmp(optarg, "load"))
				a->syscall = SYSCALL_LOAD;
			else {
				warnx("load: --syscall %s: use file (kexec_file_load) or load (kexec_load)", optarg);
				return -1;
			}
			break;
		case O_IMAGE:
			if (!*optarg) {
				warnx("load: --image needs a file name");
				return -1;
			}
			a->image = optarg;
			break;
		case ':':
			warnx("load: %s needs an argument", argv[optind - 1]);
			return -1;
		default:
			warnx("load: unknown option '%s' (see crashcap --help)", argv[optind - 1]);
			return -1;
		}
	}
	if (optind != argc) {
		warnx("usage: crashcap load [--target DEV] [--dump-level 0..31] [--compress lz4|none] "
		      "[--action reboot|poweroff|halt] [--keep-zeros] [--force] [--dry-run FILE] [--config FILE] "
		      "[--syscall file|load] [--image FILE] [--hang-record]");
		return -1;
	}
	if (a->image && a->syscall == SYSCALL_LOAD) {
		warnx("load: --image loads a signed capture.efi through kexec_file_load: it cannot go with --syscall load");
		return -1;
	}
	/* --keep-zeros is about the raw ELF core only: it chooses that format
	 * (level 0, no compression) and refuses anything else asked with it. */
	if (a->keep_zeros) {
		if ((a->level_given && a->dump_level) || (a->compress_given && a->compress != CC_COMPRESS_NONE)) {
			warnx("load: --keep-zeros writes every byte of the raw ELF core (--dump-level 0 --compress none); "
			      "it cannot go with --dump-level %u --compress %s", a->level_given ? a->dump_level : 0,
			      compress_name(a->compress_given ? a->compress : CC_COMPRESS_NONE));
			return -1;
		}
		a->dump_level = 0;
		a->compress = CC_COMPRESS_NONE;
	}
	if (a->root[0] && !a->dry_run) {
		warnx("load: --root reads a fake /proc and /sys: it is for tests and needs --dry-run");
		return -1;
	}
	if (a->test_pci && !a->dry_run) {
		warnx("load: --test-target-pci stands a file in for a disk: it is for tests and needs --dry-run");
		return -1;
	}
	return 0;
}

/* The config file (--config FILE, else /etc/crashcap.conf when it exists):
 * what the command line does not say.  TARGET is a stable name, resolved
 * here to the device it names now.  0, -1 (one line said why), or -2: no
 * target at all (a usage error). */
static int apply_config(struct load_args *a)
{
	static struct config c;
	static char real[PATH_MAX], shown[2 * PATH_MAX + 16];
	const char *path = a->config ? a->config : CONFIG_DEFAULT_PATH;
	char err[2 * CONFIG_VALUE_MAX];

	config_defaults(&c);
	if (config_read(path, a->config != NULL, &c, err, sizeof(err)) < 0) {
		warnx("%s", err);
		return -1;
	}
	if (!a->level_given && !a->keep_zeros)
		a->dump_level = c.dump_level;
	if (!a->compress_given && !a->keep_zeros)
		a->compress = c.compress;
	if (!a->action_given)
		a->action = c.action;
	if (c.hang_record)
		a->hang_record = 1;
	static char image[CONFIG_VALUE_MAX + 1];
	if (!a->image && c.image[0] && a->syscall != SYSCALL_LOAD) { /* --syscall load: the built-in image */
		strcpy(image, c.image);
		a->image = image;
	}
	if (a->target) {
		struct stat st;
		a->target_name = a->target;
		/* a symlink (/dev/disk/by-id/...): its device, both named */
		if (!lstat(a->target, &st) && S_ISLNK(st.st_mode) && realpath(a->target, real)) {
			snprintf(shown, sizeof(shown), "%s (%s)", a->target, real);
			a->target_name = shown;
			a->target = real;
		}
		return 0; /* a missing --target DEV: open_target says so */
	}
	if (!c.target[0]) {
		warnx("usage: crashcap load --target DEV ...: no --target, and no TARGET in %s (see man crashcap)", path);
		return -2;
	}
	if (!realpath(c.target, real)) {
		warnx("load: TARGET=%s (%s line %u): %s%s", c.target, path, c.line[CFG_TARGET], strerror(errno),
		      errno == ENOENT ? ": is the disk attached? (ls -l /dev/disk/by-id)" : "");
		return -1;
	}
	snprintf(shown, sizeof(shown), "%s (%s)", c.target, real);
	a->target = real;
	a->target_name = shown;
	return 0;
}

/* dump_level 0 without compression: today's raw ELF core (CC_ENC_ELF);
 * anything else is the framed CC_ENC_PAGES stream (params.h). */
static int raw_elf(const struct load_args *a)
{
	return a->dump_level == 0 && a->compress == CC_COMPRESS_NONE;
}

static unsigned long long kib(uint64_t bytes) { return (unsigned long long)((bytes + KIB - 1) / KIB); }
static unsigned long long mib(uint64_t bytes) { return (unsigned long long)(bytes / MIB); }
static unsigned long long mib_up(uint64_t bytes) { return (unsigned long long)((bytes + MIB - 1) / MIB); }

/* Step 1: the memory map and the crash region. */
static int read_memory_map(const char *root)
{
	char *text = sysfile_read_all(root, "/proc/iomem", NULL);
	if (!text) {
		warn("cannot read %s/proc/iomem", root);
		return -1;
	}
	int rc = iomem_parse(text, &L.mem);
	free(text);
	switch (rc) {
	case IOMEM_OK:
		break;
	case IOMEM_HIDDEN:
		warnx("%s/proc/iomem shows every address as 0, as it does to users without CAP_SYS_ADMIN: "
		      "run crashcap load as root", root);
		return -1;
	case IOMEM_EMPTY:
		warnx("%s/proc/iomem has no line of the form START-END : NAME", root);
		return -1;
	default:
		warnx("out of memory reading /proc/iomem");
		return -1;
	}
	int ci = iomem_crash_region(&L.mem, &L.nr_crash_regions);
	if (ci < 0) {
		warnx("no memory is reserved for a crash kernel (no \"Crash kernel\" in /proc/iomem): "
		      "add crashkernel=16M to the kernel command line and reboot");
		return -1;
	}
	L.region_start = L.mem.res[ci].start;
	L.region_end = L.mem.res[ci].end + 1;
	return 0;
}

/* Step 2: the target, and whether we may write it. */
static int open_target(const struct load_args *a)
{
	int rc = a->test_pci ? blockdev_from_file(a->target, a->test_pci, &L.bd)
			     : blockdev_resolve(a->root, a->target, &L.bd);
	if (rc < 0 || blockdev_check_unused(a->root, &L.bd) < 0)
		return -1;
	if (L.bd.count512 * 512 < CC_DATA_OFFSET + LAYOUT_PAGE) {
		warnx("target %s has %llu bytes: too small even for the crashcap header and the start of a dump (%llu)",
		      a->target, (unsigned long long)L.bd.count512 * 512, (unsigned long long)CC_DATA_OFFSET + LAYOUT_PAGE);
		return -1;
	}
	uint32_t ss = L.bd.sector_size;
	if (!ss || ss % 512 || (L.bd.start512 * 512) % ss || (L.bd.count512 * 512) % ss) {
		warnx("target %s: start %llu and size %llu (512-byte units) are not whole %u-byte sectors",
		      a->target, (unsigned long long)L.bd.start512, (unsigned long long)L.bd.count512, ss);
		return -1;
	}
	if (target_open(&L.t, a->target, !a->dry_run) < 0)
		return -1;
	if (!a->dry_run && target_lock(&L.t) < 0) /* not while a save reads it */
		return -1;

	/* What is there now: an unsaved dump, or someone's data? */
	static uint8_t head[BLOCKDEV_SIG_BYTES];
	size_t len = L.t.size < sizeof(head) ? (size_t)L.t.size : sizeof(head);
	if (target_pread(&L.t, head, len, 0) < 0) {
		warn("target %s: reading its first %zu bytes", a->target, len);
		return -1;
	}
	const struct cc_dump_header *old = (const void *)head;
	if (len >= sizeof(*old) && dumphdr_check(old) == DUMPHDR_OK) {
		int unsaved = old->state == CC_STATE_IN_PROGRESS || old->state == CC_STATE_COMPLETE ||
			      old->state == CC_STATE_INCOMPLETE;
		if (unsaved && !a->force) {
			warnx("target %s holds a dump not saved yet (state %s, %llu bytes): run crashcap save first, "
			      "or add --force to discard it", a->target, dumphdr_state_name(old->state),
			      (unsigned long long)old->data_written);
			return -1;
		}
		return 0;
	}
	const char *what = blockdev_signature(head, len);
	if (what && !a->force) {
		warnx("target %s holds %s (not mounted): a dump would destroy it; add --force to use it anyway",
		      a->target, what);
		return -1;
	}
	return 0;
}

/* The page filter's description of the kernel (params.mm) from the
 * VMCOREINFO text in /proc/kcore, for dump levels above 1.  Without it
 * (unreadable, or a kernel vmcoreinfo_parse does not know) mm stays
 * version 0 and the payload leaves out zero pages only. */
static void read_mm(const char *root, uint32_t level)
{
	char why[512];
	size_t len = 0;
	/* What the payload can still do without mm: CC_DL_ZERO, if asked. */
	const char *left = level & CC_DL_ZERO ? "only zero pages will be left out" : "no page will be left out";

	memset(&L.params.mm, 0, sizeof(L.params.mm));
	if (!(level & CC_DL_NEEDS_MM))
		return;
	char *text = sysinfo_kcore_vmcoreinfo(root, &len, why, sizeof(why));
	if (!text) {
		warnx("note: cannot read the VMCOREINFO text for --dump-level %u (%s): %s", level, why, left);
		return;
	}
	if (vmcoreinfo_parse(text, len, &L.params.mm, why, sizeof(why)) < 0) {
		memset(&L.params.mm, 0, sizeof(L.params.mm)); /* version 0, whatever the parser left */
		warnx("note: no page types for --dump-level %u, %s: %s", level, left, why);
	}
	free(text);
}

/* Step 3: what the running kernel tells about itself.  Only unreadable
 * crash notes are fatal (they mean we are not root); the rest degrades
 * the dump and is said in one line each. */
static int read_kernel_info(const char *root, uint32_t level)
{
	char why[512];
	uint64_t text = 0, end = 0;

	if (sysinfo_crash_notes(root, &L.notes, why, sizeof(why)) < 0) {
		warn("cannot read %s", why);
		return -1;
	}
	if (!L.notes.n)
		warnx("note: no CPU has crash_notes (kernel without CONFIG_CRASH_DUMP?): the dump will hold no CPU registers");
	if (L.notes.dropped)
		warnx("note: %u CPUs beyond the payload's %u note buffers: their registers will be missing",
		      L.notes.dropped, CC_MAX_NOTE_BUFS);
	if (sysinfo_vmcoreinfo(root, &L.params.vmcoreinfo_paddr, &L.params.vmcoreinfo_size) < 0) {
		warnx("note: no VMCOREINFO (%s/sys/kernel/vmcoreinfo: %s): crash and makedumpfile will need a vmlinux",
		      root, strerror(errno));
		L.params.vmcoreinfo_paddr = L.params.vmcoreinfo_size = 0;
	}
	if (sysinfo_page_offset(root, &L.page_offset, why, sizeof(why)) < 0) {
		L.page_offset = SYSINFO_DEFAULT_PAGE_OFFSET;
		warnx("note: direct map base unknown (%s): assuming 0x%llx; if KASLR moved it, tools that read the "
		      "dump by virtual address (vmcore-dmesg) will fail", why, (unsigned long long)L.page_offset);
	}
	if (sysinfo_kernel_text(root, &text, &end, why, sizeof(why)) < 0)
		text = 0;
	stage_kernel_text(&L.mem, text, end, &L.kt);
	if (!L.kt.valid)
		warnx("note: the dump gets no kernel-image PT_LOAD (%s): vmcore-dmesg and gdb will not find kernel "
		      "symbols by address", text ? "no \"Kernel code\" in /proc/iomem" : why);
	L.params.rsdp_paddr = sysinfo_rsdp(root);
	if (sysinfo_cpus(root, &L.params.cpus) < 0)
		warnx("note: no local APIC IDs in %s/proc/cpuinfo: the payload packs LZ4 blocks on its own CPU only",
		      root);
	read_mm(root, level);
	return 0;
}

/* Step 4: stage segments, parameter block and purgatory in memory. */
/* The parameter block's fields both syscalls share; the region is the
 * payload's segment (kexec_load) or the whole crash region (kexec_file:
 * the kernel chooses where the image goes; the payload narrows it). */
static int fill_params(const struct load_args *a, uint64_t region_start, uint64_t region_size)
{
	struct cc_params *p = &L.params;
	p->region_start = region_start;
	p->region_size = region_size;
	p->action_ok = p->action_fail = a->action;
	p->debug_exit_port = a->qemu_exit;
	p->serial_port = CC_COM1_PORT;
	p->test_flags = a->test_exception ? CC_TEST_EXCEPTION : 0;
	p->options = a->keep_zeros ? CC_OPT_KEEP_ZEROS : 0; /* only ever with raw_elf(a): parse_args */
	p->dump_level = a->dump_level;
	p->compress = a->compress;
	p->nr_note_bufs = L.notes.n;
	memcpy(p->note_bufs, L.notes.buf, sizeof(L.notes.buf[0]) * L.notes.n);
	/* In the unit the payload addresses: 512 bytes for virtio-blk whatever
	 * the logical block size, the logical block for AHCI (ATA commands)
	 * and NVMe (the namespace's LBA size). */
	uint32_t ss = L.bd.sector_size;
	p->target = (struct cc_target){
		.kind = L.bd.kind, .bus = L.bd.bus, .dev = L.bd.dev, .fn = L.bd.fn, .unit = L.bd.unit,
		.lba_start = L.bd.start512 * 512 / ss, .lba_count = L.bd.count512 * 512 / ss, .sector_size = ss,
		.flags = CC_TF_UUID,
	};
	if (getrandom(p->target.uuid, sizeof(p->target.uuid), 0) != (ssize_t)sizeof(p->target.uuid)) {
		warn("getrandom (a fresh target UUID)");
		return -1;
	}
	p->target.uuid[6] = (p->target.uuid[6] & 0x0f) | 0x40; /* version 4: random */
	p->target.uuid[8] = (p->target.uuid[8] & 0x3f) | 0x80; /* RFC 4122 variant */
	p->target_id = L.bd.id; /* NVMe: the payload checks it before its first write */
	return 0;
}

/* The header the target gets: armed, no dump yet. */
static void make_header(const struct load_args *a)
{
	const struct cc_params *p = &L.params;
	memset(&L.hdr, 0, sizeof(L.hdr));
	memcpy(L.hdr.uuid, p->target.uuid, sizeof(L.hdr.uuid));
	L.hdr.state = CC_STATE_EMPTY;
	L.hdr.encoding = CC_ENC_ELF;
	L.hdr.data_offset = CC_DATA_OFFSET;
	L.hdr.target_bytes = L.bd.count512 * 512;
	L.hdr.sector_size = L.bd.sector_size;
	L.hdr.status = CC_OK;
	L.hdr.level_asked = p->dump_level;
	dumphdr_seal(&L.hdr);

	/* A filtered, compressed dump is usually a few percent of RAM: a
	 * target smaller than its worst case is allowed, with a warning. */
	uint64_t room = L.hdr.target_bytes - CC_DATA_OFFSET, worst = stage_pages_size_bound(p);
	if (!raw_elf(a) && worst > room)
		warnx("note: target %s has room for %llu MiB, less than the %llu MiB the dump needs if nothing is left "
		      "out or compressed: it usually needs far less, but the dump may not fit (it then stops "
		      "incomplete, readable up to its last whole chunk)", a->target, mib(room), mib_up(worst));
}

/* kexec_file_load: the image to pass, checked.  --image FILE must be this
 * crashcap's capture.efi (signed or not): its setup header, and after the
 * setup sectors the same payload bytes as the built-in capture.bin, so
 * the payload and this loader agree on the parameter block.  The bytes
 * checked are the bytes passed (a memfd), never the file again. */
static int read_image(const struct load_args *a)
{
	struct image pay = images_payload();
	const char *name = a->image ? a->image : "the built-in capture.efi";
	if (!a->image) {
		L.efi = images_efi();
	} else {
		int fd = open(a->image, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0) {
			warn("load: --image %s", a->image);
			if (fd >= 0)
				close(fd);
			return -1;
		}
		if (!S_ISREG(st.st_mode) || st.st_size > 16 << 20) {
			warnx("load: --image %s: %s", a->image, S_ISREG(st.st_mode) ? "over 16 MiB: not a capture.efi" :
			      "not a regular file");
			close(fd);
			return -1;
		}
		L.efi_copy = malloc((size_t)st.st_size + 1);
		ssize_t n = L.efi_copy ? read(fd, L.efi_copy, (size_t)st.st_size + 1) : -1;
		close(fd);
		if (n != st.st_size) {
			warnx("load: --image %s: could not read its %lld bytes", a->image, (long long)st.st_size);
			return -1;
		}
		L.efi = (struct image){ L.efi_copy, (size_t)n };
	}
	const uint8_t *b = L.efi.data;
	size_t setup = CC_BZ_SETUP_BYTES;
	if (L.efi.size < setup + pay.size || b[0] != 'M' || b[1] != 'Z' ||
	    memcmp(b + BZ_OFF_HEADER, "HdrS", 4) || b[BZ_OFF_SETUP_SECTS] != CC_BZ_SETUP_SECTS) {
		warnx("load: %s is not a crashcap capture.efi (no MZ and HdrS setup header with %d setup sectors)", name,
		      CC_BZ_SETUP_SECTS);
		return -1;
	}
	if (memcmp(b + setup, pay.data, pay.size)) {
		warnx("load: %s carries another payload than this crashcap's (another version or build): sign the "
		      "capture.efi installed with this crashcap (docs/secure-boot.md)", name);
		return -1;
	}
	return 0;
}

static int stage(const struct load_args *a)
{
	struct image purg = images_purgatory(), pay = images_payload();
	char why[256];
	int backup_index;
	uint64_t backup_size, need;
	int file = a->syscall == SYSCALL_FILE;

	L.canary_seg = L.vmci_seg = -1;
	if (stage_check_purgatory(purg.data, purg.size, &L.purg, why, sizeof(why)) < 0 ||
	    stage_check_payload(pay.data, pay.size, &L.img, why, sizeof(why)) < 0) {
		warnx("built-in %s (rebuild crashcap)", why);
		return -1;
	}
	if (file && read_image(a) < 0)
		return -1;
	L.purg_copy = malloc(purg.size);
	if (!L.purg_copy) {
		warnx("out of memory");
		return -1;
	}
	memcpy(L.purg_copy, purg.data, purg.size);

	stage_params_init(&L.params); /* keeps nothing: fill it from here on */
	if (read_kernel_info(a->root, a->dump_level) < 0)
		return -1;
	if (stage_ranges(&L.params, &L.mem, L.page_offset, &L.kt, &backup_index, &backup_size, why, sizeof(why)) < 0) {
		warnx("%s", why);
		return -1;
	}
	if (file) {
		/* The kernel places everything; what goes in is the image and
		 * the block, whose ranges and notes stay empty: the payload
		 * takes them from the ELF header the kernel builds (it knows
		 * its own CPUs and RAM better at crash time than we do now). */
		if (L.img.mem_size > L.region_end - L.region_start) {
			warnx("the crash region 0x%llx-0x%llx is %llu KiB, the payload alone needs %llu KiB: raise crashkernel=",
			      (unsigned long long)L.region_start, (unsigned long long)L.region_end - 1,
			      kib(L.region_end - L.region_start), kib(L.img.mem_size));
			return -1;
		}
		if (fill_params(a, L.region_start, L.region_end - L.region_start) < 0)
			return -1;
		L.file_params = L.params;
		L.file_params.nr_ranges = L.file_params.nr_note_bufs = 0;
		memset(L.file_params.ranges, 0, sizeof(L.file_params.ranges));
		memset(L.file_params.note_bufs, 0, sizeof(L.file_params.note_bufs));
		L.file_params.vmcoreinfo_paddr = L.file_params.vmcoreinfo_size = 0;
		L.segs[0] = (struct segment){ "image", L.efi.data, L.efi.size, L.img.mem_size, CC_BZ_ALIGN, 0, 1 };
		L.segs[1] = (struct segment){ "initrd", &L.file_params, sizeof(L.file_params), sizeof(L.file_params),
					      LAYOUT_PAGE, 0, 1 };
		L.entry = 0;
		make_header(a);
		return 2;
	}

	L.segs[SEG_PURGATORY] = (struct segment){ "purgatory", L.purg_copy, purg.size, L.purg.mem_size,
						  L.purg.load_align, 0, 0 };
	L.segs[SEG_PAYLOAD] = (struct segment){ "payload", pay.data, pay.size, L.img.mem_size, L.img.load_align, 0, 1 };
	L.segs[SEG_PARAMS] = (struct segment){ "params", &L.params, sizeof(L.params), sizeof(L.params), LAYOUT_PAGE, 0, 1 };
	L.segs[SEG_BACKUP] = (struct segment){ "backup", NULL, 0, backup_size, LAYOUT_PAGE, 0, 0 }; /* loads no bytes */
	unsigned nsegs = backup_size ? NR_SEGS : NR_SEGS - 1;
	/* The crash-region canary: random bytes the kernel never writes after
	 * kexec_load.  Not hashed: a stray write to it must not cost the
	 * panic dump, and the payload never reads it. */
	L.canary_seg = -1;
	if (a->hang_record) {
		if (getrandom(L.canary_page, sizeof(L.canary_page), 0) != (ssize_t)sizeof(L.canary_page)) {
			warn("getrandom (the hang record's crash-region canary)");
			return -1;
		}
		L.canary_seg = (int)nsegs;
		L.segs[nsegs++] = (struct segment){ "canary", L.canary_page, LAYOUT_PAGE, LAYOUT_PAGE, LAYOUT_PAGE, 0, 0 };
	}
	/* A copy of the VMCOREINFO note for hangcap.efi: the kernel's own page
	 * often lies where the firmware works at start-up (docs/hangcap.md),
	 * the crash region does not.  Not hashed either: the payload reads the
	 * kernel's note.  Without /proc/kcore, no copy: the record then names
	 * the kernel's note. */
	L.vmci_seg = -1;
	if (a->hang_record && L.params.vmcoreinfo_paddr && L.params.vmcoreinfo_size &&
	    L.params.vmcoreinfo_size <= sizeof(L.vmci_copy)) {
		if (sysinfo_kcore_read_phys(a->root, L.page_offset, L.params.vmcoreinfo_paddr, L.vmci_copy,
					    L.params.vmcoreinfo_size, why, sizeof(why)) == 0) {
			L.vmci_seg = (int)nsegs;
			L.segs[nsegs++] = (struct segment){ "vmcoreinfo", L.vmci_copy, L.params.vmcoreinfo_size,
							    L.params.vmcoreinfo_size, LAYOUT_PAGE, 0, 0 };
		}
	}

	L.slack = layout_slack(iomem_ram_bytes(&L.mem));
	int rc = layout_place(L.region_start, L.region_end, L.segs, nsegs, L.slack, &need);
	if (rc == LAYOUT_TOO_SMALL) {
		/* whole MiB, the smallest that fits: drill/ck2m-2cpu shows 2M is enough on a 1 GiB guest */
		unsigned long long suggest = mib_up(need);
		warnx("the crash region 0x%llx-0x%llx is %llu KiB, crashcap needs %llu KiB (%llu KiB of segments and "
		      "%llu KiB for the kernel's page tables): use crashkernel=%lluM",
		      (unsigned long long)L.region_start, (unsigned long long)L.region_end - 1,
		      kib(L.region_end - L.region_start), kib(need), kib(need - L.slack), kib(L.slack), suggest);
		return -1;
	}
	if (rc != LAYOUT_OK) {
		warnx("cannot lay out the segments (bad image sizes or alignment): a crashcap bug");
		return -1;
	}
	if (backup_size)
		L.params.ranges[backup_index].src = L.segs[SEG_BACKUP].mem;

	/* The parameter block (include/crashcap/params.h). */
	struct cc_params *p = &L.params;
	if (fill_params(a, L.segs[SEG_PAYLOAD].mem, L.segs[SEG_PAYLOAD].memsz) < 0)
		return -1;

	/* The purgatory's patch block, digest last: it covers the params. */
	struct cc_purgatory_info *pi = &L.info;
	memset(pi, 0, sizeof(*pi));
	pi->entry = L.segs[SEG_PAYLOAD].mem + L.img.entry64_offset;
	pi->params = L.segs[SEG_PARAMS].mem;
	if (backup_size) {
		pi->backup_src = p->ranges[backup_index].paddr;
		pi->backup_dst = L.segs[SEG_BACKUP].mem;
		pi->backup_size = backup_size;
	}
	pi->action_fail = a->action;
	pi->serial_port = CC_COM1_PORT;
	if (stage_digest(L.segs, nsegs, pi) < 0) {
		warnx("more hashed segments than the purgatory has regions: a crashcap bug");
		return -1;
	}
	if (a->bad_digest)
		pi->digest[0] ^= 0xff; /* test: the purgatory must refuse the payload */
	stage_patch_purgatory(L.purg_copy, &L.purg, pi);
	L.entry = L.segs[SEG_PURGATORY].mem + L.purg.entry_offset;
	make_header(a);
	return (int)nsegs;
}

/* The hang record (docs/hangcap.md): after the crash image is loaded, a
 * record of this load in the UEFI variable hangcap.efi reads.  It is an
 * addition: failing to write it leaves the panic capture armed, says so
 * in one line, and the load still succeeds.  hang_line gets the summary's
 * line either way. */
#define HANG_FILE CC_HANG_VAR_NAME "-" CC_HANG_VAR_GUID
static char hang_line[2000];

static void hang_record(const struct load_args *a)
{
	static struct cc_hang_record rec;
	static struct cc_hang_canary can[CC_HANG_MAX_CANARIES];
	char why[400], text[64], words[1400];
	uint8_t boot_id[16];

	/* Opt-in until hangcap.efi captures: a record nothing uses would
	 * only wear flash and, after an unplanned reset, leave this boot's
	 * kernel addresses in a variable efivarfs shows 0644. */
	if (!a->hang_record) {
		snprintf(hang_line, sizeof(hang_line), "record not written: hang capture is not built yet "
			 "(--hang-record or HANG_RECORD=yes writes it, to test hangcap.efi)");
		return;
	}
	if (!efivar_available(a->root, why, sizeof(why))) {
		snprintf(hang_line, sizeof(hang_line), "record not written: %s", why);
		return;
	}
	if (sysfile_read_line(a->root, "/proc/sys/kernel/random/boot_id", text, sizeof(text)) < 0 ||
	    uuid_parse(text, boot_id) < 0) {
		snprintf(hang_line, sizeof(hang_line), "record not written: no boot id in /proc/sys/kernel/random/boot_id");
		return;
	}
	struct canary_src src = {
		.root = a->root, .mem = &L.mem, .page_offset = L.page_offset, .boot_id = boot_id,
		.text_vaddr = L.kt.valid ? L.kt.vaddr : 0, .text_paddr = L.kt.valid ? L.kt.paddr : 0,
		.text_size = L.kt.valid ? L.kt.size : 0,
		.vmcoreinfo_paddr = L.params.vmcoreinfo_paddr, .vmcoreinfo_size = L.params.vmcoreinfo_size,
		.region = L.canary_seg >= 0 ? L.canary_page : NULL,
		.region_paddr = L.canary_seg >= 0 ? L.segs[L.canary_seg].mem : 0,
		.no_region = a->syscall == SYSCALL_FILE ? "kexec_file_load places the segments itself" : "not staged",
	};
	unsigned nc = canary_collect(&src, can, CC_HANG_MAX_CANARIES, words, sizeof(words));
	if (hangrec_build(&rec, &L.params, boot_id, (uint64_t)time(NULL), can, nc, why, sizeof(why)) < 0) {
		snprintf(hang_line, sizeof(hang_line), "record not written: %s", why);
		return;
	}
	if (L.vmci_seg >= 0) { /* hangcap.efi reads the note from the crash region's copy */
		rec.vmcoreinfo_paddr = L.segs[L.vmci_seg].mem;
		hangrec_seal(&rec);
	}
	if (a->dry_run) {
		snprintf(hang_line, sizeof(hang_line), "record not written (dry run): %zu bytes for efivarfs %s, "
			 "%u RAM ranges, %u canaries: %s", sizeof(rec), HANG_FILE, rec.nr_ranges, nc, words);
		return;
	}
	if (efivar_write(a->root, HANG_FILE, CC_HANG_VAR_ATTRS, &rec, sizeof(rec), why, sizeof(why)) < 0) {
		warnx("note: hang record not written: %s (a panic is still captured)", why);
		snprintf(hang_line, sizeof(hang_line), "record not written (the note above says why)");
		return;
	}
	snprintf(hang_line, sizeof(hang_line), "record written to efivarfs %s (%zu bytes, %u RAM ranges, %u canaries: "
		 "%s); hangcap.efi captures after an unplanned reset", HANG_FILE, sizeof(rec), rec.nr_ranges, nc, words);
}

static void print_summary(const struct load_args *a, unsigned nsegs, int replaced)
{
	char uuid[UUID_TEXT_LEN + 1];
	int file = a->syscall == SYSCALL_FILE;
	uint64_t used = file ? 0 : L.segs[nsegs - 1].mem + L.segs[nsegs - 1].memsz - L.region_start;
	uint64_t core = stage_core_size(&L.params), room = L.hdr.target_bytes - CC_DATA_OFFSET;
	uint64_t worst = stage_pages_size_bound(&L.params);
	char words[160];

	if (a->dry_run)
		printf("crashcap: dry run written to %s; nothing loaded, %s not written\n", a->dry_run, a->target);
	else
		printf("crashcap: loaded%s\n", replaced ? " (replacing the crash image loaded before)" : "");
	printf("%-10s %s\n", "syscall", a->why);
	if (file) {
		printf("%-10s 0x%llx-0x%llx (%llu MiB%s): the kernel places the image, its purgatory, boot parameters, "
		       "ELF header and the initrd\n", "region", (unsigned long long)L.region_start,
		       (unsigned long long)L.region_end - 1, mib(L.region_end - L.region_start),
		       L.nr_crash_regions > 1 ? ", the highest of the \"Crash kernel\" regions" : "");
		printf("%-10s %s, %llu KiB (%llu KiB in memory); initrd: the parameter block, %zu bytes; command line "
		       "\"%s\"\n", "image", a->image ? a->image : "built-in capture.efi", kib(L.efi.size),
		       kib(L.img.mem_size), sizeof(L.file_params), FILE_CMDLINE);
	} else {
		printf("%-10s 0x%llx-0x%llx (%llu MiB%s): %llu KiB used, %llu KiB left for the kernel (needs ~%llu)\n",
		       "region", (unsigned long long)L.region_start, (unsigned long long)L.region_end - 1,
		       mib(L.region_end - L.region_start),
		       L.nr_crash_regions > 1 ? ", the highest of the \"Crash kernel\" regions" : "",
		       kib(used), kib(L.region_end - L.region_start - used), kib(L.slack));
		printf("%-10s", "segments");
		for (unsigned i = 0; i < nsegs; i++)
			printf("%s %s 0x%llx+%llu KiB", i ? "," : "", L.segs[i].name, (unsigned long long)L.segs[i].mem,
			       kib(L.segs[i].memsz));
		printf("; entry 0x%llx\n", (unsigned long long)L.entry);
	}
	uuid_format(L.hdr.uuid, uuid);
	printf("%-10s %s: %s, sectors %llu+%llu (%llu MiB), uuid %s\n", "target", a->target_name, L.bd.controller,
	       (unsigned long long)L.bd.start512, (unsigned long long)L.bd.count512, mib(L.hdr.target_bytes), uuid);
	printf("%-10s %llu MiB of RAM in %u ranges%s, %u CPU notes; ", "dump", mib(stage_ram_bytes(&L.params, &L.kt)),
	       L.params.nr_ranges - (L.kt.valid ? 1 : 0), L.kt.valid ? " + the kernel image" : "",
	       L.params.nr_note_bufs);
	if (raw_elf(a)) {
		printf("core file %s %llu MiB, room for %llu MiB: %s\n", a->keep_zeros ? "about" : "at most",
		       mib_up(core), mib(room),
		       core <= room ? "target large enough" :
		       a->keep_zeros ? "TARGET TOO SMALL, the dump will be cut short" :
		       "TARGET TOO SMALL unless enough of the RAM is zero to be left out");
		printf("%-10s raw ELF core file (--dump-level 0 --compress none)\n", "format");
		printf("%-10s %s\n", "zeros", a->keep_zeros ? "kept: every byte of RAM is written (--keep-zeros)" :
		       "runs of zero memory of 1 MiB or more are left out of the file (p_filesz < p_memsz)");
	} else {
		printf("at most %llu MiB if nothing is left out or compressed, room for %llu MiB: %s\n",
		       mib_up(worst), mib(room),
		       worst <= room ? "target large enough" : "may not fit (it usually needs far less)");
		printf("%-10s filtered pages in LZ4 frames, %s\n", "format",
		       a->compress == CC_COMPRESS_LZ4 ? "compressed (--compress lz4)" :
		       "stored uncompressed (--compress none)");
		uint32_t can = L.params.mm.version ? a->dump_level : a->dump_level & CC_DL_ZERO;
		dumplevel_words(can, words, sizeof(words));
		uint32_t kv = L.params.mm.kernel_version;
		if (can == a->dump_level && (a->dump_level & CC_DL_NEEDS_MM))
			printf("%-10s %u: leave out %s (page types of Linux %u.%u from VMCOREINFO)\n", "level",
			       a->dump_level, words, kv >> 16, (kv >> 8) & 0xff);
		else if (can == a->dump_level)
			printf("%-10s %u: leave out %s\n", "level", a->dump_level, words);
		else
			printf("%-10s %u asked, only %u possible: leave out %s (the other bits need the page types "
			       "from VMCOREINFO, see the note above)\n", "level", a->dump_level, can, words);
	}
	printf("%-10s %s, also after a failure%s%s\n", "then", action_names[a->action],
	       a->bad_digest ? "; TEST: wrong digest staged" : "",
	       a->test_exception ? "; TEST: payload raises #UD" : "");
	printf("%-10s %s\n", "hang", hang_line);
}

/* A memfd holding len bytes at buf, readable through the fd only (no
 * name in any directory, so never by others).  The fd, or -1 with errno. */
static int memfd_with(const char *name, const void *buf, size_t len)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			errno = e;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return fd;
}

/* kexec_file_load the checked image with the block as its initrd.
 * 0, or -1 with errno (a memfd failure is said here and reported as EIO). */
static int load_file(const struct load_args *a)
{
	(void)a;
	int kfd = memfd_with("crashcap-capture.efi", L.efi.data, L.efi.size);
	int ifd = kfd < 0 ? -1 : memfd_with("crashcap-params", &L.file_params, sizeof(L.file_params));
	if (kfd < 0 || ifd < 0) {
		warn("memfd_create (the image and the parameter block for kexec_file_load)");
		if (kfd >= 0)
			close(kfd);
		errno = EIO;
		return -1;
	}
	int rc = kexec_file_load_crash(kfd, ifd, FILE_CMDLINE);
	int e = errno;
	close(kfd);
	close(ifd);
	errno = e;
	return rc;
}

/* Step 5: arm the target and load.  On failure the old header returns. */
static int commit(const struct load_args *a, unsigned nsegs, int *replaced)
{
	struct cc_dump_header old;
	int was_loaded = kexec_crash_loaded(a->root);

	*replaced = was_loaded == 1;
	if (target_pread(&L.t, &old, sizeof(old), 0) < 0) {
		warn("target %s: reading the old header", a->target);
		return -1;
	}
	struct cc_dump_header h = L.hdr;
	if (target_write_header(&L.t, &h) < 0)
		return -1; /* nothing loaded, nothing changed */
	int file = a->syscall == SYSCALL_FILE;
	if (file ? load_file(a) < 0 : kexec_load_crash(L.entry, L.segs, nsegs) < 0) {
		int e = errno;
		if (pwrite(L.t.fd, &old, sizeof(old), 0) != (ssize_t)sizeof(old) || fsync(L.t.fd) < 0)
			warn("target %s: putting the old header back", a->target);
		warnx("%s%s", file ? kexec_file_error_sentence(e, a->image ? a->image : "the built-in capture.efi") :
		      kexec_error_sentence(e), was_loaded == 1 ? " (the crash image loaded before is unloaded too)" : "");
		return -1;
	}
	int now = kexec_crash_loaded(a->root);
	if (now == 0) {
		warnx("%s succeeded but /sys/kernel/kexec_crash_loaded says 0: nothing is armed",
		      file ? "kexec_file_load" : "kexec_load");
		return -1;
	}
	if (now < 0) /* loaded, as far as the kernel said; only the check is missing */
		warnx("note: cannot confirm the load: /sys/kernel/kexec_crash_loaded: %s", strerror(errno));
	return 0;
}

int cmd_load(int argc, char **argv)
{
	struct load_args a;
	int replaced = 0, rc = 1, nsegs;

	int p = parse_args(argc, argv, &a);
	if (p)
		return p > 0 ? 0 : EXIT_USAGE;
	int crc = apply_config(&a);
	if (crc < 0)
		return crc == -2 ? EXIT_USAGE : 1;
	L.t.fd = -1;
	if (!a.dry_run && kexec_check_privileges("load") < 0)
		return 1;
	const char *lock = kexec_lockdown_mode(a.root);
	if (lock && a.syscall == SYSCALL_LOAD) {
		kexec_lockdown_refusal(lock);
		return 1;
	}
	char locked[64] = ""; /* said even when asked for: why the choice matters */
	if (lock)
		snprintf(locked, sizeof(locked), "; the kernel is locked down (%s)", lock);
	if (a.syscall == SYSCALL_FILE || a.image)
		snprintf(a.why, sizeof(a.why), "kexec_file_load (%s%s)", a.image ? "--image" : "--syscall file", locked);
	else if (a.syscall == SYSCALL_LOAD)
		snprintf(a.why, sizeof(a.why), "kexec_load (--syscall load)");
	else if (lock)
		snprintf(a.why, sizeof(a.why), "kexec_file_load: the kernel is locked down (%s), and a locked-down "
			 "kernel refuses kexec_load", lock);
	else
		snprintf(a.why, sizeof(a.why), "kexec_load: the kernel is not locked down");
	if (a.syscall == SYSCALL_AUTO)
		a.syscall = lock || a.image ? SYSCALL_FILE : SYSCALL_LOAD;
	if (a.syscall == SYSCALL_FILE && a.bad_digest) {
		warnx("load: --test-bad-digest stages a wrong digest for crashcap's purgatory, which only kexec_load uses");
		return 1;
	}
	if (read_memory_map(a.root) < 0)
		return 1;
	if (open_target(&a) < 0 || (a.dry_run && dryrun_check(a.dry_run, &L.t) < 0))
		goto out;
	nsegs = stage(&a);
	if (nsegs < 0)
		goto out;
	if (a.dry_run) {
		int file = a.syscall == SYSCALL_FILE;
		if (dryrun_write(a.dry_run, &L.t, L.entry, file ? KEXEC_FILE_ON_CRASH : KEXEC_CRASH_FLAGS, L.region_start,
				 L.region_end, file ? "syscall kexec_file_load\ncmdline \"" FILE_CMDLINE "\"\n" : "", L.segs,
				 (unsigned)nsegs, &L.hdr) < 0)
			goto out;
	} else if (commit(&a, (unsigned)nsegs, &replaced) < 0) {
		goto out;
	}
	hang_record(&a);
	print_summary(&a, (unsigned)nsegs, replaced);
	rc = 0;
out:
	target_close(&L.t);
	free(L.purg_copy);
	free(L.efi_copy);
	iomem_free(&L.mem);
	return rc;
}

/* Remove the hang record, as every clean stop must (crashcap.service's
 * ExecStop): one line saying what was done.  0, or -1 after one line. */
int hang_record_clear(const char *root)
{
	char why[400];
	if (!efivar_available(root, why, sizeof(why))) {
		printf("crashcap: no hang record to remove (%s)\n", why);
		return 0;
	}
	int r = efivar_delete(root, HANG_FILE, why, sizeof(why));
	if (r < 0) {
		warnx("hang record not removed: %s", why);
		return -1;
	}
	printf("crashcap: %s\n", r ? "hang record removed" : "no hang record");
	return 0;
}

int cmd_unload(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage_print("unload");
		return 0;
	}
	if (argc != 1) {
		warnx("usage: crashcap unload");
		return EXIT_USAGE;
	}
	if (kexec_check_privileges("unload") < 0)
		return 1;
	/* the record first: a clean stop must not leave one behind, whatever kexec says */
	int hang_rc = hang_record_clear("");
	int was = kexec_crash_loaded("");
	const char *lock = kexec_lockdown_mode(""); /* kexec_load is refused there, unloading too */
	if (lock ? kexec_file_unload_crash() < 0 : kexec_unload_crash() < 0) {
		warnx("%s", lock ? kexec_file_error_sentence(errno, "the unload") : kexec_error_sentence(errno));
		return 1;
	}
	int now = kexec_crash_loaded("");
	if (now == 1) {
		warnx("unload returned success but /sys/kernel/kexec_crash_loaded still says 1");
		return 1;
	}
	printf("crashcap: %s\n", was == 0 ? "nothing was loaded" : "crash image unloaded");
	return hang_rc < 0 ? 1 : 0;
}
