/* tests/unit/test_fwranges.c - loader/fwranges.c: a hang capture's notes
 * as `crashcap save` prints them, from note bytes laid out by hand. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "crashcap/notes.h"
#include "loader/fwranges.h"
#include "tests/unit/check.h"

static unsigned char buf[4096];
static size_t len;

static void put32(uint32_t v)
{
	memcpy(buf + len, &v, 4);
	len += 4;
}

static void note(const char *name, uint32_t type, const void *desc, uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	put32(namesz);
	put32(descsz);
	put32(type);
	memcpy(buf + len, name, namesz);
	len += (namesz + 3) & ~3u;
	memcpy(buf + len, desc, descsz);
	len += (descsz + 3) & ~3u;
}

static int print(char **text)
{
	size_t n;
	FILE *f = open_memstream(text, &n);
	int rc = fwranges_print(f, buf, len);
	fclose(f);
	return rc;
}

int main(void)
{
	static const char vmci[] = "OSRELEASE=6.1.0\n";
	static const char why[] = "hang capture: no registers";
	struct cc_fw_range r[2] = {
		{ 0x0, 0xa0000, 10, 0 },          /* ACPINVS */
		{ 0x1e000000, 0x2000000, 4, 0 },  /* BootServicesData, 32 MiB */
	};
	char *text = NULL;

	note("VMCOREINFO", 0, vmci, sizeof(vmci) - 1);
	note(CC_NOTE_NAME, CC_NT_NO_REGS, why, sizeof(why) - 1);
	note(CC_NOTE_NAME, CC_NT_FW_RANGES, r, sizeof(r));
	note("CORE", CC_NT_FW_RANGES, r, sizeof(r)); /* not ours: same type, other name */
	CHECK_EQ(print(&text), 2);
	CHECK_STR(text, "note: hang capture: no registers\n"
			"firmware: 0x0000000000000000-0x000000000009ffff ACPINVS, 640 KiB\n"
			"firmware: 0x000000001e000000-0x000000001fffffff BootServicesData, 32768 KiB\n");
	free(text);

	/* a range list whose length is not whole entries */
	len = 0;
	note(CC_NOTE_NAME, CC_NT_FW_RANGES, r, sizeof(r) - 4);
	CHECK_EQ(print(&text), -1);
	free(text);

	/* a note longer than the bytes */
	len = 0;
	note(CC_NOTE_NAME, CC_NT_FW_RANGES, r, sizeof(r));
	len -= 8;
	CHECK_EQ(print(&text), -1);
	free(text);

	char b[24];
	CHECK_STR(fwranges_type_name(7, b, sizeof(b)), "Conventional");
	CHECK_STR(fwranges_type_name(99, b, sizeof(b)), "type 99");
	CHECK_DONE();
}
