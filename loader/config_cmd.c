/* loader/config_cmd.c - `crashcap config`: the effective configuration
 * (/etc/crashcap.conf over the defaults) as shell assignments, for the
 * boot-time save, the systemd generator and the operator; and what
 * `crashcap status` without DEV shows of it.  docs/service.md. */
#include <dirent.h>
#include <errno.h>
#include <err.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "loader/commands.h"
#include "loader/config.h"
#include "loader/dumplevel.h"

/* Exit codes of --has-target, chosen for systemd's ExecCondition=: 1..254
 * skip the unit quietly, 255 fails it (a config that does not parse). */
#define HAS_TARGET_NO 1
#define HAS_TARGET_ERROR 255

static int read_config(const char *path, int must_exist, struct config *c)
{
	char err[2 * CONFIG_VALUE_MAX];

	config_defaults(c);
	if (config_read(path, must_exist, c, err, sizeof(err)) < 0) {
		warnx("%s", err);
		return -1;
	}
	return 0;
}

int cmd_config(int argc, char **argv)
{
	const char *path = CONFIG_DEFAULT_PATH;
	int explicit = 0, has_target = 0;
	struct config c;
	char real[PATH_MAX];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc) {
			path = argv[++i];
			explicit = 1;
		} else if (!strcmp(argv[i], "--has-target")) {
			has_target = 1;
		} else {
			warnx("usage: crashcap config [--config FILE] [--has-target]");
			return EXIT_USAGE;
		}
	}
	if (read_config(path, explicit, &c) < 0)
		return has_target ? HAS_TARGET_ERROR : 1;
	if (has_target) {
		if (c.target[0])
			return 0;
		printf("crashcap: no TARGET in %s: nothing to arm or save\n", path);
		return HAS_TARGET_NO;
	}
	/* Every value is [A-Za-z0-9_./:+,@%-] only (config.c), and so is a
	 * path realpath gives for it... except that a symlink's target can be
	 * anything: TARGET_DEV is quoted with '\'' escapes. */
	printf("# crashcap config: %s%s\n", path, c.line[CFG_TARGET] || explicit ? "" : " (defaults where unset)");
	printf("TARGET='%s'\n", c.target);
	printf("TARGET_DEV='");
	if (c.target[0] && realpath(c.target, real))
		for (const char *p = real; *p; p++)
			fputs(*p == '\'' ? "'\\''" : (char[]){ *p, 0 }, stdout);
	printf("'\n");
	printf("DUMP_LEVEL=%u\n", c.dump_level);
	printf("COMPRESS=%s\n", compress_name(c.compress));
	printf("ACTION=%s\n", config_action_name(c.action));
	printf("SAVE_DIR='%s'\n", c.save_dir);
	printf("SAVE_FORMAT=%s\n", config_format_name(c.save_format));
	printf("KEEP=%u\n", c.keep);
	printf("IMAGE='%s'\n", c.image);
	printf("HANG_RECORD=%s\n", c.hang_record ? "yes" : "no");
	return 0;
}

/* A directory name the boot-time save makes: YYYYMMDD-HHMMSS, maybe .N. */
static int dump_dir_name(const char *s)
{
	for (int i = 0; i < 15; i++)
		if (i == 8 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	return s[15] == '\0' || s[15] == '.';
}

int status_config(const char **dev)
{
	static char real[PATH_MAX];
	struct config c;
	char newest[NAME_MAX + 1] = "";
	unsigned n = 0;

	*dev = NULL;
	if (read_config(CONFIG_DEFAULT_PATH, 0, &c) < 0)
		return -1;
	if (!c.target[0]) {
		printf("%-10s none configured (TARGET in %s)\n", "target", CONFIG_DEFAULT_PATH);
		return 0;
	}
	if (realpath(c.target, real)) {
		printf("%-10s %s (%s)\n", "target", c.target, real);
		*dev = real;
	} else {
		printf("%-10s %s: %s\n", "target", c.target, strerror(errno));
	}
	DIR *d = opendir(c.save_dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)))
			if (dump_dir_name(e->d_name)) {
				n++;
				if (strcmp(e->d_name, newest) > 0)
					snprintf(newest, sizeof(newest), "%s", e->d_name);
			}
		closedir(d);
	}
	if (n)
		printf("%-10s %s/%s (%u saved in %s)\n", "last dump", c.save_dir, newest, n, c.save_dir);
	else
		printf("%-10s none saved in %s\n", "last dump", c.save_dir);
	return 0;
}
