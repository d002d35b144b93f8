/* loader/config.h - /etc/crashcap.conf: what `crashcap load` arms and what
 * the boot-time save (crashcap-save.service) does.  Format and keys:
 * docs/service.md.  The parser is pure (text in, struct out); config_read
 * adds the file.  Every error is one line, "FILE:LINE: what is wrong". */
#ifndef LOADER_CONFIG_H
#define LOADER_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define CONFIG_DEFAULT_PATH "/etc/crashcap.conf"
#define CONFIG_DEFAULT_SAVE_DIR "/var/crash"
#define CONFIG_VALUE_MAX 1024 /* longest value; longer ones are refused */
#define CONFIG_KEEP_MAX 10000

enum config_key { CFG_TARGET, CFG_DUMP_LEVEL, CFG_COMPRESS, CFG_ACTION, CFG_SAVE_DIR, CFG_SAVE_FORMAT, CFG_KEEP,
		  CFG_IMAGE, CFG_HANG_RECORD, CFG_NKEYS };

enum { CONFIG_FORMAT_ELF, CONFIG_FORMAT_KDUMP };

struct config {
	char target[CONFIG_VALUE_MAX + 1];   /* "" = no target configured */
	uint32_t dump_level;                 /* CC_DL_* bits, default CC_DL_DEFAULT */
	uint32_t compress;                   /* CC_COMPRESS_*, default lz4 */
	uint32_t action;                     /* CC_ACTION_*, default reboot */
	char save_dir[CONFIG_VALUE_MAX + 1]; /* default /var/crash */
	int save_format;                     /* CONFIG_FORMAT_*, default elf */
	unsigned keep;                       /* saved dumps to keep, 0 = all */
	char image[CONFIG_VALUE_MAX + 1];    /* a signed capture.efi (load --image); "" = the built-in one */
	int hang_record;                     /* HANG_RECORD=yes: load writes the hang record; default no */
	unsigned line[CFG_NKEYS];            /* where each key was set, 0 = default */
};

/* The defaults: no target, level 31, lz4, reboot, /var/crash, elf, keep 0, no image, no hang record. */
void config_defaults(struct config *c);

/* Parses text (len bytes, need not end in NUL or newline) over c (which
 * config_defaults filled).  On error: -1 and err = "NAME:LINE: ...", one
 * line; c is then partly filled and must not be used. */
int config_parse(const char *text, size_t len, const char *name, struct config *c, char *err, size_t errlen);

/* Reads and parses path.  A file that does not exist is an empty one when
 * !must_exist (the default path), an error otherwise.  0 or -1 with err. */
int config_read(const char *path, int must_exist, struct config *c, char *err, size_t errlen);

/* The name of a key ("TARGET"), and of a CC_ACTION_* and CONFIG_FORMAT_*. */
const char *config_key_name(enum config_key k);
const char *config_action_name(uint32_t action);
const char *config_format_name(int format);
/* "reboot", "poweroff", "halt" -> CC_ACTION_*: 0, or -1. */
int config_parse_action(const char *s, uint32_t *action);

/* Whether path is one of the stable names TARGET accepts:
 * /dev/disk/by-id/, by-partuuid/ or by-path/ and one name below it. */
int config_stable_target(const char *path);

#endif
