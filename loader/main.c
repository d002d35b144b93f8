/* loader/main.c - the crashcap command: dispatch to a subcommand. */
#include <err.h>
#include <stdio.h>
#include <string.h>

#include "loader/commands.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "status", cmd_status },
	{ "save", cmd_save },
	{ "load", cmd_load },
	{ "unload", cmd_unload },
};

static const char usage_text[] =
	"usage: crashcap COMMAND ARGS\n"
	"\n"
	"DEV is the crashcap target: a block device or a disk image file.\n"
	"\n"
	"  crashcap load --target DEV [--dump-level N] [--compress lz4|none]\n"
	"                [--action reboot|poweroff|halt] [--keep-zeros]\n"
	"                [--force] [--dry-run FILE]\n"
	"      Arm DEV and load the capture payload as the crash kernel (as root;\n"
	"      needs a crashkernel= reservation, e.g. crashkernel=16M). DEV is a\n"
	"      virtio-blk disk, a SATA disk on an AHCI port, an NVMe namespace\n"
	"      (PCIe), or a partition of one, that nothing uses; it gets a fresh\n"
	"      header (state empty, new uuid).\n"
	"      After a panic the payload writes the dump to DEV, then takes\n"
	"      --action (default reboot).\n"
	"      --dump-level N  pages to leave out, 0..31 (decimal), the sum of\n"
	"                 1 zero pages, 2 page cache, 4 page cache with private\n"
	"                 data, 8 user data, 16 free pages, as makedumpfile -d;\n"
	"                 default 31. Bits above 1 need the kernel's VMCOREINFO\n"
	"                 (read from /proc/kcore); without it only zero pages go.\n"
	"      --compress lz4|none  how kept pages are stored (default lz4).\n"
	"                 Both write filtered pages in LZ4 frames; crashcap save\n"
	"                 turns them into a vmcore. --dump-level 0 --compress none\n"
	"                 writes a raw ELF core file instead, with runs of zero\n"
	"                 memory (1 MiB or more) left out (p_filesz < p_memsz).\n"
	"      --keep-zeros  the raw ELF core with every byte of RAM; implies\n"
	"                 --dump-level 0 --compress none, refuses other values.\n"
	"      --force    discard an unsaved dump or a filesystem signature on DEV\n"
	"                 (never overrides a mounted, swap or otherwise busy DEV).\n"
	"      --dry-run FILE  write what would be loaded to FILE instead (format in\n"
	"                 docs/loader.md); loads nothing and does not write DEV.\n"
	"      Test only: --root DIR (read proc/ and sys/ below DIR; needs --dry-run),\n"
	"      --test-target-pci BB:DD.F (DEV is a plain file standing in for a\n"
	"      virtio-blk disk at that PCI address; needs --dry-run),\n"
	"      --test-bad-digest (stage a wrong digest: the purgatory must refuse),\n"
	"      --test-exception (the payload raises #UD), --qemu-exit PORT (the\n"
	"      payload ends QEMU through isa-debug-exit at PORT).\n"
	"\n"
	"  crashcap unload\n"
	"      Unload the crash image (crashcap's or any other kexec -p one).\n"
	"\n"
	"  crashcap status [DEV]\n"
	"      Show whether a crash image is loaded and, with DEV, the dump header\n"
	"      of DEV: state, uuid, bytes written, RAM size, why the capture ended,\n"
	"      start time (UTC) and duration; once a dump was written, also its\n"
	"      encoding, the dump level applied and asked, and the compression.\n"
	"\n"
	"  crashcap save DEV -o FILE [--format elf|kdump] [--force]\n"
	"      Copy the dump (an ELF64 core file) out of DEV into FILE, sparse\n"
	"      (all-zero 4 KiB blocks become holes), mode 0600. A filtered dump\n"
	"      (LZ4 frames) is decoded and checked first; its excluded pages read\n"
	"      as zero (runs of 256 pages or more are PT_LOAD zero tails). FILE appears only\n"
	"      once whole (written as FILE.tmp, synced, renamed). Then DEV is\n"
	"      marked 'saved'; its status and byte counts are kept, so an\n"
	"      incomplete dump still shows as incomplete. A saved dump can be\n"
	"      saved again.\n"
	"      --force  save an incomplete dump (the tail is missing), or a filtered\n"
	"               one up to its last chunk that decodes (save names what is\n"
	"               missing), and overwrite FILE if it exists; all refused without it.\n"
	"      --format kdump  a filtered dump as makedumpfile's kdump-compressed\n"
	"               file (pages compressed with zlib; left-out pages are\n"
	"               excluded in its bitmap, except the kernel image's, which\n"
	"               read as zero), for crash and makedumpfile.\n"
	"               A raw ELF dump is refused: save it as ELF.\n"
	"\n"
	"Exit status: 0 done, 1 failed (one line on stderr says why), 2 bad usage.\n";

int main(int argc, char **argv)
{
	if (argc < 2) {
		warnx("usage: crashcap COMMAND ARGS (crashcap --help lists the commands)");
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	warnx("unknown command '%s' (crashcap --help lists them)", argv[1]);
	return EXIT_USAGE;
}
