/* loader/config.c - /etc/crashcap.conf (docs/service.md).
 *
 * The file is a list of KEY=VALUE lines in the subset of shell syntax that
 * means the same to sh, to systemd's EnvironmentFile= and to this parser:
 * no spaces around '=', a value bare or in one pair of quotes ("..." or
 * '...') with only the characters [A-Za-z0-9_./:+,@%-] in it (so nothing
 * in it can expand, and `crashcap config` can print it back quoted), then
 * optional spaces and a # comment.  Blank lines and lines starting with #
 * are ignored.  Anything else is an error: an unknown key, a key set
 * twice, a bad value, a line this parser does not read as the shell
 * would.  Strict on purpose: a typo in a crash-dump config is found when
 * the file is written, not after the crash it was meant to catch. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crashcap/params.h"
#include "loader/config.h"
#include "loader/dumplevel.h"

#define CONFIG_FILE_MAX (64 * 1024) /* a config larger than this is not one */

static const char *const key_names[CFG_NKEYS] = {
	[CFG_TARGET] = "TARGET",
	[CFG_DUMP_LEVEL] = "DUMP_LEVEL",
	[CFG_COMPRESS] = "COMPRESS",
	[CFG_ACTION] = "ACTION",
	[CFG_SAVE_DIR] = "SAVE_DIR",
	[CFG_SAVE_FORMAT] = "SAVE_FORMAT",
	[CFG_KEEP] = "KEEP",
	[CFG_IMAGE] = "IMAGE",
	[CFG_HANG_RECORD] = "HANG_RECORD",
};

static const char *const action_names[] = {
	[CC_ACTION_REBOOT] = "reboot",
	[CC_ACTION_POWEROFF] = "poweroff",
	[CC_ACTION_HALT] = "halt",
};

static const char *const format_names[] = {
	[CONFIG_FORMAT_ELF] = "elf",
	[CONFIG_FORMAT_KDUMP] = "kdump",
};

static const char *const stable_dirs[] = {
	"/dev/disk/by-id/",
	"/dev/disk/by-partuuid/",
	"/dev/disk/by-path/",
};

const char *config_key_name(enum config_key k)
{
	return (unsigned)k < CFG_NKEYS ? key_names[k] : "?";
}

const char *config_action_name(uint32_t action)
{
	return action < sizeof(action_names) / sizeof(action_names[0]) ? action_names[action] : "?";
}

const char *config_format_name(int format)
{
	return format == CONFIG_FORMAT_ELF || format == CONFIG_FORMAT_KDUMP ? format_names[format] : "?";
}

int config_parse_action(const char *s, uint32_t *action)
{
	for (uint32_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
		if (!strcmp(s, action_names[i])) {
			*action = i;
			return 0;
		}
	return -1;
}

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->dump_level = CC_DL_DEFAULT;
	c->compress = CC_COMPRESS_LZ4;
	c->action = CC_ACTION_REBOOT;
	strcpy(c->save_dir, CONFIG_DEFAULT_SAVE_DIR);
	c->save_format = CONFIG_FORMAT_ELF;
	c->keep = 0;
}

int config_stable_target(const char *path)
{
	for (size_t i = 0; i < sizeof(stable_dirs) / sizeof(stable_dirs[0]); i++) {
		size_t n = strlen(stable_dirs[i]);
		if (strncmp(path, stable_dirs[i], n))
			continue;
		const char *name = path + n;
		/* one name, not a path: no '/', not "." or ".." */
		return name[0] && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
	}
	return 0;
}

static int value_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("_./:+,@%-", ch));
}

static int fail(char *err, size_t errlen, const char *name, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int fail(char *err, size_t errlen, const char *name, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n = line ? snprintf(err, errlen, "%s:%u: ", name, line) : snprintf(err, errlen, "%s: ", name);

	if (n < 0 || (size_t)n >= errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* KEEP: decimal digits only, 0..CONFIG_KEEP_MAX. */
static int parse_keep(const char *s, unsigned *keep)
{
	unsigned long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > CONFIG_KEEP_MAX)
			return -1;
	}
	*keep = (unsigned)v;
	return 0;
}

/* One value, already unquoted and checked for its characters. */
static int set_value(struct config *c, enum config_key k, const char *v, const char *name, unsigned line,
		     char *err, size_t errlen)
{
	switch (k) {
	case CFG_TARGET:
		if (!*v)
			return 0; /* TARGET= : no target, nothing is armed */
		if (!config_stable_target(v))
			return fail(err, errlen, name, line,
				    "TARGET=%s: give a stable name, one that stays the same across boots: "
				    "/dev/disk/by-id/NAME, /dev/disk/by-partuuid/NAME or /dev/disk/by-path/NAME "
				    "(ls -l /dev/disk/by-id shows which is which)", v);
		strcpy(c->target, v);
		return 0;
	case CFG_DUMP_LEVEL:
		if (dumplevel_parse(v, &c->dump_level) < 0)
			return fail(err, errlen, name, line,
				    "DUMP_LEVEL=%s: give a decimal number 0..31, the sum of what to leave out: "
				    "1 zero pages, 2 page cache, 4 page cache with private data, 8 user data, "
				    "16 free pages", v);
		return 0;
	case CFG_COMPRESS:
		if (compress_parse(v, &c->compress) < 0)
			return fail(err, errlen, name, line, "COMPRESS=%s: use lz4 or none", v);
		return 0;
	case CFG_ACTION:
		if (config_parse_action(v, &c->action) < 0)
			return fail(err, errlen, name, line, "ACTION=%s: use reboot, poweroff or halt", v);
		return 0;
	case CFG_SAVE_DIR:
		if (v[0] != '/' || !strcmp(v, "/") || strstr(v, "/../") ||
		    (strlen(v) >= 3 && !strcmp(v + strlen(v) - 3, "/..")))
			return fail(err, errlen, name, line,
				    "SAVE_DIR=%s: give an absolute directory other than / (default %s)", v,
				    CONFIG_DEFAULT_SAVE_DIR);
		strcpy(c->save_dir, v);
		return 0;
	case CFG_SAVE_FORMAT:
		if (!strcmp(v, "elf"))
			c->save_format = CONFIG_FORMAT_ELF;
		else if (!strcmp(v, "kdump"))
			c->save_format = CONFIG_FORMAT_KDUMP;
		else
			return fail(err, errlen, name, line,
				    "SAVE_FORMAT=%s: use elf (an ELF vmcore) or kdump (makedumpfile's compressed format)", v);
		return 0;
	case CFG_KEEP:
		if (parse_keep(v, &c->keep) < 0)
			return fail(err, errlen, name, line,
				    "KEEP=%s: give how many saved dumps to keep, a decimal number 0..%u (0 keeps all)", v,
				    CONFIG_KEEP_MAX);
		return 0;
	case CFG_IMAGE:
		if (v[0] != '/' || v[strlen(v) - 1] == '/')
			return fail(err, errlen, name, line,
				    "IMAGE=%s: give the absolute path of a signed capture.efi (docs/secure-boot.md)", v);
		strcpy(c->image, v);
		return 0;
	case CFG_HANG_RECORD:
		if (!strcmp(v, "yes"))
			c->hang_record = 1;
		else if (!strcmp(v, "no"))
			c->hang_record = 0;
		else
			return fail(err, errlen, name, line,
				    "HANG_RECORD=%s: use yes (load writes the hang record hangcap.efi reads, "
				    "docs/hangcap.md) or no", v);
		return 0;
	case CFG_NKEYS:
		break;
	}
	return fail(err, errlen, name, line, "internal error: key %d", (int)k);
}

/* One line, without its newline: blank, a comment, or KEY=VALUE. */
static int parse_line(struct config *c, const char *s, size_t len, const char *name, unsigned line, char *err,
		      size_t errlen)
{
	char key[32], value[CONFIG_VALUE_MAX + 1];
	size_t i = 0, k = 0, v = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == len || s[i] == '#')
		return 0;
	while (i < len && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
			   (s[i] >= '0' && s[i] <= '9') || s[i] == '_')) {
		if (k + 1 < sizeof(key))
			key[k] = s[i];
		k++, i++;
	}
	if (k == 0 || i == len || s[i] != '=') {
		size_t j = i;
		while (j < len && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (k && j > i && j < len && s[j] == '=')
			return fail(err, errlen, name, line, "write KEY=VALUE with no space before the '='");
		if (k == 6 && j > i && !strncmp(s + i - k, "export", 6))
			return fail(err, errlen, name, line, "write KEY=VALUE without 'export'");
		return fail(err, errlen, name, line, "not a KEY=VALUE line, a comment (#) or a blank line");
	}
	if (k >= sizeof(key))
		return fail(err, errlen, name, line, "unknown key (known: TARGET, DUMP_LEVEL, COMPRESS, ACTION, "
			    "SAVE_DIR, SAVE_FORMAT, KEEP, IMAGE, HANG_RECORD)");
	key[k] = '\0';
	i++; /* '=' */

	enum config_key ck = CFG_NKEYS;
	for (int n = 0; n < CFG_NKEYS; n++)
		if (!strcmp(key, key_names[n]))
			ck = (enum config_key)n;
	if (ck == CFG_NKEYS)
		return fail(err, errlen, name, line, "unknown key %s (known: TARGET, DUMP_LEVEL, COMPRESS, ACTION, "
			    "SAVE_DIR, SAVE_FORMAT, KEEP, IMAGE, HANG_RECORD)", key);
	if (c->line[ck])
		return fail(err, errlen, name, line, "%s is set twice (first on line %u)", key, c->line[ck]);

	char quote = 0;
	if (i < len && (s[i] == '"' || s[i] == '\''))
		quote = s[i++];
	while (i < len && value_char(s[i])) {
		if (v >= CONFIG_VALUE_MAX)
			return fail(err, errlen, name, line, "%s: the value is longer than %u characters", key,
				    CONFIG_VALUE_MAX);
		value[v++] = s[i++];
	}
	value[v] = '\0';
	if (quote) {
		if (i == len)
			return fail(err, errlen, name, line, "%s: the quote %c is not closed", key, quote);
		if (s[i] != quote)
			return fail(err, errlen, name, line, "%s: '%c' is not allowed in a value (letters, digits and "
				    "_./:+,@%%- only)", key, s[i]);
		i++;
	}
	if (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '#') {
		if (s[i] == '\r')
			return fail(err, errlen, name, line, "a carriage return (a file written on Windows?)");
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return fail(err, errlen, name, line, "%s: a control character (0x%02x) in the value", key,
				    (unsigned char)s[i]);
		return fail(err, errlen, name, line, "%s: '%c' is not allowed in a value (letters, digits and "
			    "_./:+,@%%- only)", key, s[i]);
	}
	if (i < len && s[i] == '#')
		/* sh reads KEY=a#b (and KEY=#b) as one word: refuse what we would read otherwise */
		return fail(err, errlen, name, line, "%s: put a space before a '#' comment", key);
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < len && s[i] != '#')
		return fail(err, errlen, name, line, "%s: more after the value (quote nothing with spaces: values "
			    "cannot hold them)", key);
	if (!v && ck != CFG_TARGET)
		return fail(err, errlen, name, line, "%s: empty value (remove the line for the default)", key);
	if (set_value(c, ck, value, name, line, err, errlen) < 0)
		return -1;
	c->line[ck] = line;
	return 0;
}

int config_parse(const char *text, size_t len, const char *name, struct config *c, char *err, size_t errlen)
{
	unsigned line = 1;
	size_t start = 0;

	if (memchr(text, '\0', len))
		return fail(err, errlen, name, 0, "a NUL byte: not a text file");
	while (start < len) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - text) : len;
		if (parse_line(c, text + start, end - start, name, line, err, errlen) < 0)
			return -1;
		start = end + 1;
		line++;
	}
	return 0;
}

int config_read(const char *path, int must_exist, struct config *c, char *err, size_t errlen)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT && !must_exist)
			return 0;
		return fail(err, errlen, path, 0, "%s", strerror(errno));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, errlen, path, 0, "not a regular file");
	}
	if (st.st_size > CONFIG_FILE_MAX) {
		close(fd);
		return fail(err, errlen, path, 0, "%lld bytes: larger than a config file can be (%d)",
			    (long long)st.st_size, CONFIG_FILE_MAX);
	}
	buf = malloc(CONFIG_FILE_MAX + 1);
	if (!buf) {
		close(fd);
		return fail(err, errlen, path, 0, "out of memory");
	}
	while ((n = read(fd, buf + got, CONFIG_FILE_MAX + 1 - got)) > 0)
		got += (size_t)n;
	int e = errno;
	close(fd);
	if (n < 0)
		rc = fail(err, errlen, path, 0, "%s", strerror(e));
	else if (got > CONFIG_FILE_MAX)
		rc = fail(err, errlen, path, 0, "larger than a config file can be (%d bytes)", CONFIG_FILE_MAX);
	else
		rc = config_parse(buf, got, path, c, err, errlen);
	free(buf);
	return rc;
}
