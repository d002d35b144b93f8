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
};

static const char usage_text[] =
	"usage: crashcap COMMAND ARGS\n"
	"\n"
	"DEV is the crashcap target: a block device or a disk image file.\n"
	"\n"
	"  crashcap status DEV\n"
	"      Show the dump header of DEV: state, uuid, bytes written, RAM size,\n"
	"      why the capture ended, start time (UTC) and duration.\n"
	"\n"
	"  crashcap save DEV -o FILE [--force]\n"
	"      Copy the dump (an ELF64 core file) out of DEV into FILE, sparse\n"
	"      (all-zero 4 KiB blocks become holes), mode 0600. FILE appears only\n"
	"      once whole (written as FILE.tmp, synced, renamed). Then DEV is\n"
	"      marked 'saved'; its status and byte counts are kept, so an\n"
	"      incomplete dump still shows as incomplete. A saved dump can be\n"
	"      saved again.\n"
	"      --force  save an incomplete dump (the tail is missing), and\n"
	"               overwrite FILE if it exists; both are refused without it.\n"
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
