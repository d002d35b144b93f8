/* loader/images.h - build/purgatory.bin, build/capture.bin and
 * build/capture.efi (the same payload as a bzImage for kexec_file_load),
 * built into the crashcap binary (loader/loader.mk), so the one static
 * file is all a busybox initramfs needs and they can never come from
 * different builds. */
#ifndef LOADER_IMAGES_H
#define LOADER_IMAGES_H

#include <stddef.h>

struct image {
	const void *data;
	size_t size;
};

struct image images_purgatory(void);
struct image images_payload(void);
struct image images_efi(void);

#endif
