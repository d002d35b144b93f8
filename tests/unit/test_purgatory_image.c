/* tests/unit/test_purgatory_image.c - build/purgatory.bin as the loader
 * sees it, read through include/crashcap/purgatory.h.
 *
 * Checks the image header (magic, version, sizes, offsets), that the
 * patch block sits at the pinned offset with magic/version/size set and
 * every other field zero (so an unpatched image fails its own checks),
 * that the entry point is inside the file, and that the whole footprint
 * fits the 16 KiB budget of linker/purgatory.ld.
 *
 * Usage: test_purgatory_image [path]   (default: the path built in)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crashcap/purgatory.h"
#include "tests/unit/check.h"

#ifndef PURGATORY_BIN
#define PURGATORY_BIN "build/purgatory.bin"
#endif

#define PURG_MAX_MEM_BYTES (16 * 1024) /* linker/purgatory.ld */

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : PURGATORY_BIN;
	static uint8_t img[1 << 20];
	struct cc_purgatory_header h;
	struct cc_purgatory_info info;
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		return 2;
	}
	n = fread(img, 1, sizeof(img), f);
	fclose(f);

	CHECKF(n >= sizeof(h) + sizeof(info), "%s is only %zu bytes", path, n);
	if (n < sizeof(h) + sizeof(info))
		return 1;
	memcpy(&h, img, sizeof(h));

	CHECKF(h.magic == CC_PURG_MAGIC, "magic 0x%llx", (unsigned long long)h.magic);
	CHECKF(h.version == CC_PURG_VERSION, "version %u", h.version);
	CHECKF(h.header_size == sizeof(h), "header_size %u", h.header_size);
	CHECKF(h.info_offset == CC_PURG_OFF_INFO, "info_offset 0x%x, pinned 0x%x", h.info_offset, CC_PURG_OFF_INFO);
	CHECKF(h.info_size == sizeof(info), "info_size 0x%x", h.info_size);
	CHECKF(h.file_size == n, "file_size %u but the file has %zu bytes", h.file_size, n);
	CHECKF(h.mem_size >= h.file_size, "mem_size %u < file_size %u", h.mem_size, h.file_size);
	CHECKF(h.mem_size <= PURG_MAX_MEM_BYTES, "mem_size %u over the budget", h.mem_size);
	CHECKF(h.load_align == CC_PURG_LOAD_ALIGN, "load_align %u", h.load_align);
	CHECKF(h.entry_offset >= h.info_offset + h.info_size && h.entry_offset < h.file_size,
	      "entry_offset 0x%x outside the code", h.entry_offset);
	for (size_t i = 0; i < sizeof(h.reserved); i++)
		CHECKF(h.reserved[i] == 0, "header reserved byte %zu is 0x%02x", i, h.reserved[i]);
	/* The entry starts with cli (0xfa): a cheap check that the offset
	 * points at purgatory_entry and not into data. */
	CHECKF(h.entry_offset < n && img[h.entry_offset] == 0xfa, "no cli at entry_offset 0x%x", h.entry_offset);

	memcpy(&info, img + CC_PURG_OFF_INFO, sizeof(info));
	CHECKF(info.magic == CC_PURG_INFO_MAGIC, "info magic 0x%llx", (unsigned long long)info.magic);
	CHECKF(info.version == CC_PURG_VERSION, "info version %u", info.version);
	CHECKF(info.size == sizeof(info), "info size %u", info.size);
	/* Everything after magic/version/size is zero until the loader writes it. */
	for (size_t i = CC_PURG_INFO_OFF_REGIONS; i < sizeof(info); i++)
		CHECKF(img[CC_PURG_OFF_INFO + i] == 0, "patch block byte 0x%zx is 0x%02x, want 0", i,
		      img[CC_PURG_OFF_INFO + i]);

	printf("test_purgatory_image: %s: %zu bytes, %u in memory, entry at 0x%x\n",
	       path, n, h.mem_size, h.entry_offset);
	CHECK_DONE();
}
