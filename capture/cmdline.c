/* capture/cmdline.c - see cmdline.h. */
#include "capture/cmdline.h"
#include "boot/format.h"
#include "boot/string.h"

/* Parse a decimal or 0x-hex number from [s, s+n); *used gets the length. */
static int parse_num(const char *s, size_t n, uint64_t *v, size_t *used)
{
	size_t i = 0;
	unsigned base = 10;
	uint64_t x = 0;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	size_t start = i;
	for (; i < n; i++) {
		char c = s[i];
		unsigned d;
		if (c >= '0' && c <= '9') d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
		else break;
		if (x > (UINT64_MAX - d) / base)
			return -1;
		x = x * base + d;
	}
	if (i == start)
		return -1;
	*v = x;
	*used = i;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

int cmdline_uuid(const char *s, size_t n, uint8_t out[16])
{
	if (n != 36)
		return -1;
	int b = 0;
	for (size_t i = 0; i < n;) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i++] != '-')
				return -1;
			continue;
		}
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[b++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	return 0;
}

static int cmdline_action(const char *v, size_t n, uint32_t *out)
{
	if (n == 6 && !strncmp(v, "reboot", 6)) *out = CC_ACTION_REBOOT;
	else if (n == 8 && !strncmp(v, "poweroff", 8)) *out = CC_ACTION_POWEROFF;
	else if (n == 4 && !strncmp(v, "halt", 4)) *out = CC_ACTION_HALT;
	else return -1;
	return 0;
}

/* Hex number from [*s, end) into *v (at most max); advances *s. */
static int parse_hex(const char **s, const char *end, uint64_t max, uint64_t *v)
{
	const char *q = *s;
	uint64_t x = 0;
	while (q < end && hexval(*q) >= 0 && x <= max)
		x = x * 16 + hexval(*q++);
	if (q == *s || x > max)
		return -1;
	*s = q;
	*v = x;
	return 0;
}

/* "nguid:32 hex digits", "eui64:16 hex digits" or "serial:TEXT" (no
 * spaces, at most 20 bytes) into params.target_id. */
static int parse_disk_id(const char *v, size_t n, struct cc_disk_id *id)
{
	static const char nguid[] = "nguid:", eui64[] = "eui64:", serial[] = "serial:";
	*id = (struct cc_disk_id){ 0 };
	if (n > sizeof(serial) - 1 && !strncmp(v, serial, sizeof(serial) - 1)) {
		n -= sizeof(serial) - 1;
		if (n > 20)
			return -1;
		id->kind = CC_ID_SERIAL;
		id->len = (uint32_t)n;
		memcpy(id->bytes, v + sizeof(serial) - 1, n);
		return 0;
	}
	if (n == sizeof(nguid) - 1 + 32 && !strncmp(v, nguid, sizeof(nguid) - 1)) {
		id->kind = CC_ID_NGUID;
		id->len = 16;
	} else if (n == sizeof(eui64) - 1 + 16 && !strncmp(v, eui64, sizeof(eui64) - 1)) {
		id->kind = CC_ID_EUI64;
		id->len = 8;
	} else {
		return -1;
	}
	v += 6;
	for (unsigned i = 0; i < id->len; i++) {
		int hi = hexval(v[2 * i]), lo = hexval(v[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		id->bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* "virtio:BB:DD.F" or "virtio:DD.F" (hex, as lspci prints them), or
 * "ahci:BB:DD.F/pN" (port N decimal, 0..31), or "nvme:BB:DD.F/nN"
 * (namespace ID N decimal, 1..), then an optional "@FIRST[+COUNT]" in
 * sectors. */
static int parse_target(const char *v, size_t n, struct cc_target *t)
{
	static const char virtio[] = "virtio:", ahci[] = "ahci:", nvme[] = "nvme:";
	size_t used;
	uint64_t bus = 0, dev, fn, port = 0;
	uint32_t kind;
	const char *s = v, *end = v + n;
	if (n >= sizeof(virtio) - 1 && !strncmp(v, virtio, sizeof(virtio) - 1)) {
		kind = CC_TARGET_VIRTIO_BLK;
		s += sizeof(virtio) - 1;
	} else if (n >= sizeof(ahci) - 1 && !strncmp(v, ahci, sizeof(ahci) - 1)) {
		kind = CC_TARGET_AHCI;
		s += sizeof(ahci) - 1;
	} else if (n >= sizeof(nvme) - 1 && !strncmp(v, nvme, sizeof(nvme) - 1)) {
		kind = CC_TARGET_NVME;
		s += sizeof(nvme) - 1;
	} else {
		return -1;
	}
	if (parse_hex(&s, end, 0xff, &dev))
		return -1;
	if (s < end && *s == ':') {
		s++;
		bus = dev;
		if (parse_hex(&s, end, 0x1f, &dev))
			return -1;
	}
	if (dev > 0x1f || s >= end || *s++ != '.' || parse_hex(&s, end, 7, &fn))
		return -1;
	if (kind == CC_TARGET_AHCI) {
		if (end - s < 3 || s[0] != '/' || s[1] != 'p' || s[2] < '0' || s[2] > '9')
			return -1;
		s += 2;
		if (parse_num(s, end - s, &port, &used) || port > 31)
			return -1;
		s += used;
	} else if (kind == CC_TARGET_NVME) {
		if (end - s < 3 || s[0] != '/' || s[1] != 'n' || s[2] < '0' || s[2] > '9')
			return -1;
		s += 2;
		if (parse_num(s, end - s, &port, &used) || port == 0 || port >= 0xffffffffu)
			return -1;
		s += used;
	}
	t->kind = kind;
	t->bus = (uint8_t)bus;
	t->dev = (uint8_t)dev;
	t->fn = (uint8_t)fn;
	t->unit = (uint32_t)port;
	t->lba_start = 0;
	t->lba_count = 0;
	if (s < end && *s == '@') {
		s++;
		if (parse_num(s, end - s, &t->lba_start, &used))
			return -1;
		s += used;
		if (s < end && *s == '+') {
			s++;
			if (parse_num(s, end - s, &t->lba_count, &used) || !t->lba_count)
				return -1;
			s += used;
		}
	}
	return s == end ? 0 : -1;
}

int cmdline_parse(const char *s, struct cc_params *p, char *err, size_t errlen)
{
	int fail_given = 0;
	while (*s) {
		while (*s == ' ' || *s == '\t') s++;
		const char *w = s;
		while (*s && *s != ' ' && *s != '\t') s++;
		size_t n = s - w;
		if (!n)
			break;
		const char *eq = 0;
		for (size_t i = 0; i < n; i++)
			if (w[i] == '=') { eq = w + i; break; }
		if (!eq)
			continue; /* the image name, or a bare word */
		size_t kl = eq - w, vl = n - kl - 1;
		const char *v = eq + 1;
		uint64_t x;
		size_t used;
#define KEY(name) (kl == sizeof(name) - 1 && !strncmp(w, name, kl))
		if (KEY("target")) {
			if (parse_target(v, vl, &p->target)) goto bad;
		} else if (KEY("uuid")) {
			if (cmdline_uuid(v, vl, p->target.uuid)) goto bad;
			p->target.flags |= CC_TF_UUID;
		} else if (KEY("disk_id")) {
			if (parse_disk_id(v, vl, &p->target_id)) goto bad;
		} else if (KEY("action")) {
			if (cmdline_action(v, vl, &p->action_ok)) goto bad;
			if (!fail_given) p->action_fail = p->action_ok;
		} else if (KEY("fail")) {
			if (cmdline_action(v, vl, &p->action_fail)) goto bad;
			fail_given = 1;
		} else if (KEY("debug_exit")) {
			if (parse_num(v, vl, &x, &used) || used != vl || !x || x > 0xffff) goto bad;
			p->debug_exit_port = (uint16_t)x;
		} else if (KEY("serial")) {
			if (parse_num(v, vl, &x, &used) || used != vl || !x || x > 0xffff) goto bad;
			p->serial_port = (uint16_t)x;
		} else if (KEY("zeros")) {
			if (vl == 4 && !strncmp(v, "keep", 4)) p->options |= CC_OPT_KEEP_ZEROS;
			else if (vl == 4 && !strncmp(v, "skip", 4)) p->options &= ~CC_OPT_KEEP_ZEROS;
			else goto bad;
		} else if (KEY("level")) {
			if (parse_num(v, vl, &x, &used) || used != vl || x > CC_DL_MAX) goto bad;
			p->dump_level = (uint32_t)x;
		} else if (KEY("compress")) {
			if (vl == 3 && !strncmp(v, "lz4", 3)) p->compress = CC_COMPRESS_LZ4;
			else if (vl == 4 && !strncmp(v, "none", 4)) p->compress = CC_COMPRESS_NONE;
			else goto bad;
		} else if (KEY("test")) {
			if (vl == 9 && !strncmp(v, "exception", 9)) p->test_flags |= CC_TEST_EXCEPTION;
			else if (vl == 8 && !strncmp(v, "iommu-on", 8)) p->test_flags |= CC_TEST_IOMMU_ON;
			else if (vl == 5 && !strncmp(v, "dma32", 5)) p->test_flags |= CC_TEST_DMA32;
			else goto bad;
		} else {
			cc_snprintf(err, errlen, "unknown option '%.*s'", (int)kl, w);
			return -1;
		}
#undef KEY
		continue;
bad:
		cc_snprintf(err, errlen, "bad value in '%.*s'", (int)n, w);
		return -1;
	}
	if (p->target.kind == CC_TARGET_NONE) {
		cc_snprintf(err, errlen, "no target= given (e.g. target=virtio:00:04.0, target=ahci:00:1f.2/p0 or target=nvme:00:05.0/n1)");
		return -1;
	}
	return 0;
}
