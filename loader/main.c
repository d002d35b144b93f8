/* loader/main.c - the crashcap command: dispatch to a subcommand. */
#include <err.h>
#include <stdio.h>
#include <string.h>

#include "crashcap/hangrec.h"
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
	{ "config", cmd_config },
	{ "hangrec", cmd_hangrec },
	{ "hangcap", cmd_hangcap },
};

static const char usage_head[] =
	"usage: crashcap COMMAND ARGS  (crashcap COMMAND --help shows one)\n"
	"\n"
	"DEV is the crashcap target: a block device or a disk image file.\n"
	"Numbers are decimal, or hexadecimal after 0x (--qemu-exit); a leading 0\n"
	"does not make a number octal.  An option given twice is an error.\n";

static const char usage_load[] =
	"  crashcap load [--target DEV] [--dump-level N] [--compress lz4|none]\n"
	"                [--action reboot|poweroff|halt] [--keep-zeros]\n"
	"                [--force] [--dry-run FILE] [--config FILE]\n"
	"                [--syscall file|load] [--image FILE]\n"
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
	"      --syscall file|load  kexec_file_load (the kernel loads capture.efi\n"
	"                 and checks its signature when it must) or kexec_load;\n"
	"                 default: kexec_file_load when the kernel is locked down\n"
	"                 (Secure Boot) or --image is given, else kexec_load.\n"
	"      --image FILE  load FILE, a signed copy of this crashcap's\n"
	"                 capture.efi, instead of the built-in unsigned one (see\n"
	"                 docs/secure-boot.md); implies --syscall file.\n"
	"      --config FILE  read FILE instead of /etc/crashcap.conf (read when it\n"
	"                 exists): TARGET, DUMP_LEVEL, COMPRESS, ACTION, IMAGE\n"
	"                 there are used for what the command line does not give.\n"
	"      --hang-record  on a system booted through UEFI, also write the hang\n"
	"                 record (below) to the UEFI variable hangcap.efi reads\n"
	"                 (docs/hangcap.md); off by default until hangcap.efi\n"
	"                 captures hangs.\n"
	"      Test only: --root DIR (read proc/ and sys/ below DIR; needs --dry-run),\n"
	"      --test-target-pci BB:DD.F (DEV is a plain file standing in for a\n"
	"      virtio-blk disk at that PCI address; needs --dry-run),\n"
	"      --test-bad-digest (stage a wrong digest: the purgatory must refuse),\n"
	"      --test-exception (the payload raises #UD), --qemu-exit PORT (the\n"
	"      payload ends QEMU through isa-debug-exit at PORT, 1..65535: decimal,\n"
	"      or hex after 0x; 010 is ten).\n";

static const char usage_unload[] =
	"  crashcap unload\n"
	"      Unload the crash image (crashcap's or any other kexec -p one),\n"
	"      through kexec_file_load when the kernel is locked down, and remove\n"
	"      the hang record: crashcap.service does it at every clean stop.\n";

static const char usage_hangrec[] =
	"  crashcap hangrec show|clear [--stale]\n"
	"      The hang record crashcap load leaves in a UEFI variable, efivarfs'\n"
	"      CrashcapHang-" CC_HANG_VAR_GUID " (docs/hangcap.md):\n"
	"      show checks and prints it (exit 1 if it is not valid), clear\n"
	"      removes it; clear --stale only a valid one of an earlier boot,\n"
	"      which hangcap.efi did not consume (crashcap-save does it).\n"
	"      Test only: --root DIR after the action (read sys/ and proc/ below DIR).\n";

static const char usage_hangcap[] =
	"  crashcap hangcap install [--esp DIR] [--image FILE] | remove [--esp DIR]\n"
	"      install: copy hangcap.efi (the one make install put in\n"
	"      PREFIX/lib/crashcap, or FILE: a signed copy under Secure Boot,\n"
	"      docs/secure-boot.md) to \\EFI\\crashcap\\hangcap.efi on the EFI\n"
	"      system partition (DIR, else the one mounted at /boot/efi or /efi)\n"
	"      and make it the SysPrep option \"crashcap hangcap\" first in\n"
	"      SysPrepOrder with efibootmgr: the firmware then starts it at every\n"
	"      boot, before the operating system (docs/hangcap.md).  An option of\n"
	"      that name made before is replaced.  Under Secure Boot an image\n"
	"      without a signature is refused (the firmware would skip it at every\n"
	"      boot without a word).  remove: delete the option, its SysPrepOrder\n"
	"      entry and the file.\n";

static const char usage_config[] =
	"  crashcap config [--config FILE] [--has-target]\n"
	"      Print the configuration in force (/etc/crashcap.conf over the\n"
	"      defaults) as shell assignments, TARGET_DEV being the device TARGET\n"
	"      names now. --has-target: exit 0 if TARGET is set, 1 if not, 255\n"
	"      if the file has an error (for systemd's ExecCondition=).\n";

static const char usage_status[] =
	"  crashcap status [DEV]\n"
	"      Without DEV: also the TARGET of /etc/crashcap.conf and the last dump\n"
	"      saved in SAVE_DIR, then the header of that target.\n"
	"      Show whether a crash image is loaded and, with DEV, the dump header\n"
	"      of DEV: state, uuid, bytes written, RAM size, why the capture ended,\n"
	"      start time (UTC) and duration; once a dump was written, also its\n"
	"      encoding, the dump level applied and asked, and the compression.\n"
	"      A header that contradicts itself or a data area that is not what it\n"
	"      says is shown, then named in one line on stderr (exit 1); complete\n"
	"      means what it means to save.\n";

static const char usage_save[] =
	"  crashcap save DEV -o FILE [--format elf|kdump] [--force]\n"
	"      Copy the dump (an ELF64 core file) out of DEV into FILE, sparse\n"
	"      (all-zero 4 KiB blocks become holes), mode 0600. A filtered dump\n"
	"      (LZ4 frames) is decoded and checked first; its excluded pages read\n"
	"      as zero (runs of 256 pages or more are PT_LOAD zero tails). FILE\n"
	"      appears only once whole: it is written as a new file of its own in\n"
	"      FILE's directory (O_TMPFILE), synced, then linked as FILE. Then DEV\n"
	"      is marked 'saved'; its status and byte counts are kept, so an\n"
	"      incomplete dump still shows as incomplete. A saved dump can be\n"
	"      saved again. One save at a time per DEV and per FILE: another one\n"
	"      is refused at once, naming the process that holds the lock. FILE\n"
	"      must not be DEV, and a save stopped before DEV was marked (even by\n"
	"      SIGKILL) can be run again as it was.\n"
	"      --force  save an incomplete dump (the tail is missing), or a filtered\n"
	"               one up to its last chunk that decodes (save names what is\n"
	"               missing), and replace FILE if it is a regular file; all\n"
	"               refused without it.\n"
	"      --format kdump  a filtered dump as makedumpfile's kdump-compressed\n"
	"               file (pages compressed with zlib; left-out pages are\n"
	"               excluded in its bitmap, except the kernel image's, which\n"
	"               read as zero), for crash and makedumpfile.\n"
	"               A raw ELF dump is refused: save it as ELF.\n";

static const char usage_tail[] =
	"Exit status: 0 done, 1 failed (one line on stderr says why), 2 bad usage.\n";

static const struct {
	const char *name;
	const char *text;
} usages[] = {
	{ "load", usage_load }, { "unload", usage_unload }, { "config", usage_config }, { "status", usage_status },
	{ "save", usage_save }, { "hangrec", usage_hangrec }, { "hangcap", usage_hangcap },
};

void usage_print(const char *command)
{
	for (size_t i = 0; i < sizeof(usages) / sizeof(usages[0]); i++)
		if (!command || !strcmp(command, usages[i].name)) {
			if (command)
				printf("usage:\n");
			fputs(usages[i].text, stdout);
			if (!command && i + 1 < sizeof(usages) / sizeof(usages[0]))
				putchar('\n');
		}
	putchar('\n');
	fputs(usage_tail, stdout);
}

int option_once(unsigned *seen, unsigned bit, const char *command, const char *name)
{
	if (*seen & (1u << bit)) {
		warnx("%s: %s given twice", command, name);
		return -1;
	}
	*seen |= 1u << bit;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		warnx("usage: crashcap COMMAND ARGS (crashcap --help lists the commands)");
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		fputs(usage_head, stdout);
		putchar('\n');
		usage_print(NULL);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	warnx("unknown command '%s' (crashcap --help lists them)", argv[1]);
	return EXIT_USAGE;
}
