/* tests/unit/test_config.c - loader/config.c: /etc/crashcap.conf as load,
 * `crashcap config` and the boot-time save read it (docs/service.md). */
#include <stdlib.h>
#include <unistd.h>

#include "crashcap/params.h"
#include "loader/config.h"
#include "tests/unit/check.h"

static char err[512];

static int parse(const char *text, struct config *c)
{
	config_defaults(c);
	err[0] = '\0';
	return config_parse(text, strlen(text), "crashcap.conf", c, err, sizeof(err));
}

/* text must be refused with an error that starts with want (file:line: ...)
 * and contains also, and is one line. */
static void refused(int line, const char *text, const char *want, const char *also)
{
	struct config c;
	int rc = parse(text, &c);

	CHECKF(rc == -1, "line %d: accepted: '%s'", line, text);
	CHECKF(!strncmp(err, want, strlen(want)), "line %d: error '%s', want it to start '%s'", line, err, want);
	CHECKF(!also || strstr(err, also), "line %d: error '%s' does not say '%s'", line, err, also);
	CHECKF(!strchr(err, '\n'), "line %d: error of more than one line: '%s'", line, err);
}

int main(void)
{
	struct config c;

	/* Defaults: nothing armed, level 31, lz4, reboot, /var/crash, elf, keep all. */
	CHECK_EQ(parse("", &c), 0);
	CHECK_STR(c.target, "");
	CHECK_EQ(c.dump_level, 31);
	CHECK_EQ(c.compress, CC_COMPRESS_LZ4);
	CHECK_EQ(c.action, CC_ACTION_REBOOT);
	CHECK_STR(c.save_dir, "/var/crash");
	CHECK_EQ(c.save_format, CONFIG_FORMAT_ELF);
	CHECK_EQ(c.keep, 0);
	for (int k = 0; k < CFG_NKEYS; k++)
		CHECK_EQ(c.line[k], 0);

	/* Every key, bare, quoted both ways, with comments, blanks, no final newline. */
	CHECK_EQ(parse("# crashcap\n"
		       "\n"
		       "TARGET=/dev/disk/by-id/virtio-crashcap-target\n"
		       "  DUMP_LEVEL=17   # zero and free pages\n"
		       "COMPRESS=\"none\"\n"
		       "ACTION='poweroff'\n"
		       "\t# indented comment\n"
		       "SAVE_DIR=/srv/crash-dumps\n"
		       "SAVE_FORMAT=kdump\n"
		       "KEEP=010", &c), 0);
	CHECKF(!err[0], "%s", err);
	CHECK_STR(c.target, "/dev/disk/by-id/virtio-crashcap-target");
	CHECK_EQ(c.dump_level, 17);
	CHECK_EQ(c.compress, CC_COMPRESS_NONE);
	CHECK_EQ(c.action, CC_ACTION_POWEROFF);
	CHECK_STR(c.save_dir, "/srv/crash-dumps");
	CHECK_EQ(c.save_format, CONFIG_FORMAT_KDUMP);
	CHECK_EQ(c.keep, 10); /* decimal, never octal */
	CHECK_EQ(c.line[CFG_TARGET], 3);
	CHECK_EQ(c.line[CFG_DUMP_LEVEL], 4);
	CHECK_EQ(c.line[CFG_KEEP], 10);

	/* The three stable forms; TARGET= (empty) means no target. */
	CHECK_EQ(parse("TARGET=/dev/disk/by-partuuid/0f3c2a1e-02\n", &c), 0);
	CHECK_STR(c.target, "/dev/disk/by-partuuid/0f3c2a1e-02");
	CHECK_EQ(parse("TARGET=/dev/disk/by-path/pci-0000:00:05.0\n", &c), 0);
	CHECK_STR(c.target, "/dev/disk/by-path/pci-0000:00:05.0");
	CHECK_EQ(parse("TARGET=\n", &c), 0);
	CHECK_STR(c.target, "");
	CHECK_EQ(parse("TARGET=\"\"  # none yet\n", &c), 0);
	CHECK_STR(c.target, "");
	CHECK_EQ(parse("ACTION=halt\nDUMP_LEVEL=0\nKEEP=0\n", &c), 0);
	CHECK_EQ(c.action, CC_ACTION_HALT);
	CHECK_EQ(c.dump_level, 0);
	CHECK_EQ(c.keep, 0);
	CHECK_STR(c.image, ""); /* the default: the built-in capture.efi */
	CHECK_EQ(parse("IMAGE=/etc/crashcap/capture.signed.efi\n", &c), 0);
	CHECK_STR(c.image, "/etc/crashcap/capture.signed.efi");
	CHECK_EQ(c.line[CFG_IMAGE], 1);
	CHECK_EQ(c.hang_record, 0); /* the default: no hang record */
	CHECK_EQ(parse("HANG_RECORD=yes\n", &c), 0);
	CHECK_EQ(c.hang_record, 1);
	CHECK_EQ(c.line[CFG_HANG_RECORD], 1);
	CHECK_EQ(parse("HANG_RECORD=no\n", &c), 0);
	CHECK_EQ(c.hang_record, 0);

	/* Refusals: one line, naming the file and the line. */
	refused(__LINE__, "FOO=1\n", "crashcap.conf:1: unknown key FOO", "known: TARGET");
	refused(__LINE__, "\n\ntarget=/dev/disk/by-id/x\n", "crashcap.conf:3: unknown key target", NULL);
	refused(__LINE__, "AN_EXTREMELY_LONG_KEY_NAME_THAT_IS_NOT_ONE=1\n", "crashcap.conf:1: unknown key", NULL);
	refused(__LINE__, "KEEP=1\nKEEP=2\n", "crashcap.conf:2: KEEP is set twice (first on line 1)", NULL);
	refused(__LINE__, "TARGET=/dev/vdb\n", "crashcap.conf:1: TARGET=/dev/vdb: give a stable name", "by-id");
	refused(__LINE__, "TARGET=/dev/disk/by-uuid/1234\n", "crashcap.conf:1: TARGET=", NULL);
	refused(__LINE__, "TARGET=/dev/disk/by-id/\n", "crashcap.conf:1: TARGET=", NULL);
	refused(__LINE__, "TARGET=/dev/disk/by-id/../../sda\n", "crashcap.conf:1: TARGET=", NULL);
	refused(__LINE__, "TARGET=/dev/disk/by-id/..\n", "crashcap.conf:1: TARGET=", NULL);
	refused(__LINE__, "TARGET=dev/disk/by-id/x\n", "crashcap.conf:1: TARGET=", NULL);
	refused(__LINE__, "DUMP_LEVEL=32\n", "crashcap.conf:1: DUMP_LEVEL=32: give a decimal number 0..31", NULL);
	refused(__LINE__, "DUMP_LEVEL=0x1f\n", "crashcap.conf:1: DUMP_LEVEL", NULL);
	refused(__LINE__, "DUMP_LEVEL=-1\n", "crashcap.conf:1: DUMP_LEVEL", NULL);
	refused(__LINE__, "DUMP_LEVEL=\n", "crashcap.conf:1: DUMP_LEVEL: empty value", NULL);
	refused(__LINE__, "COMPRESS=zstd\n", "crashcap.conf:1: COMPRESS=zstd: use lz4 or none", NULL);
	refused(__LINE__, "ACTION=shutdown\n", "crashcap.conf:1: ACTION=shutdown: use reboot, poweroff or halt", NULL);
	refused(__LINE__, "SAVE_DIR=var/crash\n", "crashcap.conf:1: SAVE_DIR=var/crash: give an absolute", NULL);
	refused(__LINE__, "SAVE_DIR=/\n", "crashcap.conf:1: SAVE_DIR=/", NULL);
	refused(__LINE__, "SAVE_DIR=/var/../etc\n", "crashcap.conf:1: SAVE_DIR", NULL);
	refused(__LINE__, "SAVE_DIR=/var/..\n", "crashcap.conf:1: SAVE_DIR", NULL);
	refused(__LINE__, "SAVE_FORMAT=ELF\n", "crashcap.conf:1: SAVE_FORMAT=ELF: use elf", NULL);
	refused(__LINE__, "KEEP=-1\n", "crashcap.conf:1: KEEP=-1: give how many", NULL);
	refused(__LINE__, "KEEP=10001\n", "crashcap.conf:1: KEEP=10001", NULL);
	refused(__LINE__, "KEEP=99999999999999999999\n", "crashcap.conf:1: KEEP=", NULL);
	refused(__LINE__, "KEEP=1x\n", "crashcap.conf:1: KEEP=1x: give how many", NULL);
	refused(__LINE__, "KEEP = 1\n", "crashcap.conf:1: write KEY=VALUE with no space before the '='", NULL);
	refused(__LINE__, "KEEP= 1\n", "crashcap.conf:1: KEEP: more after the value", NULL);
	refused(__LINE__, "IMAGE=capture.signed.efi\n", "crashcap.conf:1: IMAGE=capture.signed.efi: give the absolute path", NULL);
	refused(__LINE__, "IMAGE=/etc/crashcap/\n", "crashcap.conf:1: IMAGE=/etc/crashcap/: give the absolute path", NULL);
	refused(__LINE__, "IMAGE=\n", "crashcap.conf:1: IMAGE: empty value", NULL);
	refused(__LINE__, "HANG_RECORD=1\n", "crashcap.conf:1: HANG_RECORD=1: use yes (load writes the hang record", NULL);
	refused(__LINE__, "HANG_RECORD=YES\n", "crashcap.conf:1: HANG_RECORD=YES: use yes", NULL);
	refused(__LINE__, "HANG_RECORD=\n", "crashcap.conf:1: HANG_RECORD: empty value", NULL);
	refused(__LINE__, "just words\n", "crashcap.conf:1: not a KEY=VALUE line", NULL);
	refused(__LINE__, "=1\n", "crashcap.conf:1: not a KEY=VALUE line", NULL);
	refused(__LINE__, "export KEEP=1\n", "crashcap.conf:1: write KEY=VALUE without 'export'", NULL);
	refused(__LINE__, "SAVE_DIR=\"/var/crash\n", "crashcap.conf:1: SAVE_DIR: the quote \" is not closed", NULL);
	refused(__LINE__, "SAVE_DIR='/var/crash\"\n", "crashcap.conf:1: SAVE_DIR: '\"' is not allowed", NULL);
	refused(__LINE__, "SAVE_DIR=\"/var/my crash\"\n", "crashcap.conf:1: SAVE_DIR: ' ' is not allowed", NULL);
	refused(__LINE__, "SAVE_DIR=/var/$HOME\n", "crashcap.conf:1: SAVE_DIR: '$' is not allowed", NULL);
	refused(__LINE__, "SAVE_DIR=/var/`id`\n", "crashcap.conf:1: SAVE_DIR: '`' is not allowed", NULL);
	refused(__LINE__, "SAVE_DIR=/var/crash;reboot\n", "crashcap.conf:1: SAVE_DIR: ';' is not allowed", NULL);
	refused(__LINE__, "KEEP=1#two\n", "crashcap.conf:1: KEEP: put a space before a '#' comment", NULL);
	refused(__LINE__, "KEEP=1\r\n", "crashcap.conf:1: a carriage return", NULL);
	refused(__LINE__, "KEEP=1\tx\n", "crashcap.conf:1: KEEP: more after the value", NULL);
	refused(__LINE__, "KEEP=1\x01\n", "crashcap.conf:1: KEEP: a control character (0x01)", NULL);

	/* A NUL byte anywhere: refused, whole-file error. */
	{
		static const char text[] = "KEEP=1\n\0KEEP=2\n";
		config_defaults(&c);
		CHECK_EQ(config_parse(text, sizeof(text) - 1, "f", &c, err, sizeof(err)), -1);
		CHECK_STR(err, "f: a NUL byte: not a text file");
	}
	/* A value at the length limit is read; one character more is refused. */
	{
		char text[CONFIG_VALUE_MAX + 32];
		int n = snprintf(text, sizeof(text), "SAVE_DIR=/");
		while (n < (int)strlen("SAVE_DIR=") + CONFIG_VALUE_MAX)
			text[n++] = 'a';
		text[n] = '\0';
		CHECK_EQ(parse(text, &c), 0);
		CHECK_EQ(strlen(c.save_dir), CONFIG_VALUE_MAX);
		text[n++] = 'a';
		text[n] = '\0';
		refused(__LINE__, text, "crashcap.conf:1: SAVE_DIR: the value is longer than", NULL);
	}

	/* config_read: a missing default file is empty; a missing named one, a
	 * directory, an error in the file: one line each, the path first. */
	{
		char dir[] = "/tmp/test_config.XXXXXX", path[64];
		CHECK(mkdtemp(dir) != NULL);
		snprintf(path, sizeof(path), "%s/none.conf", dir);
		config_defaults(&c);
		CHECK_EQ(config_read(path, 0, &c, err, sizeof(err)), 0);
		CHECK_EQ(config_read(path, 1, &c, err, sizeof(err)), -1);
		CHECKF(strstr(err, "none.conf: No such file or directory") != NULL, "%s", err);
		CHECK_EQ(config_read(dir, 0, &c, err, sizeof(err)), -1);
		CHECKF(strstr(err, ": not a regular file") != NULL, "%s", err);
		snprintf(path, sizeof(path), "%s/c.conf", dir);
		FILE *f = fopen(path, "w");
		CHECK(f != NULL);
		if (f) {
			fputs("TARGET=/dev/disk/by-id/x\nACTION=explode\n", f);
			fclose(f);
		}
		config_defaults(&c);
		CHECK_EQ(config_read(path, 1, &c, err, sizeof(err)), -1);
		char want[128];
		snprintf(want, sizeof(want), "%s:2: ACTION=explode: use reboot, poweroff or halt", path);
		CHECK_STR(err, want);
		unlink(path);
		rmdir(dir);
	}

	CHECK_STR(config_action_name(CC_ACTION_POWEROFF), "poweroff");
	CHECK_STR(config_format_name(CONFIG_FORMAT_KDUMP), "kdump");
	CHECK_STR(config_key_name(CFG_SAVE_FORMAT), "SAVE_FORMAT");
	CHECK_DONE();
}
