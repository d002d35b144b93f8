/* crashcap/image.h - the header at offset 0 of build/capture.bin.
 *
 * The loader reads it to learn how big the payload is in memory and where
 * its 64-bit entry is; QEMU's multiboot loader finds the multiboot header
 * that follows it.  boot/head.asm emits it using the CC_IMG_* constants
 * below (through build/gen/layout.inc) and checks each field's offset with
 * the assembler; the C struct is checked against the same constants here.
 */
#ifndef CRASHCAP_IMAGE_H
#define CRASHCAP_IMAGE_H

#define CC_IMG_MAGIC      0x31474d4950414343ull /* "CCAPIMG1" */
#define CC_IMG_VERSION    1

#define CC_IMG_OFF_MAGIC        0x00
#define CC_IMG_OFF_VERSION      0x08
#define CC_IMG_OFF_HDR_SIZE     0x0c
#define CC_IMG_OFF_ENTRY64      0x10 /* offset of the 64-bit entry in the image */
#define CC_IMG_OFF_FILE_SIZE    0x14 /* bytes of capture.bin */
#define CC_IMG_OFF_MEM_SIZE     0x18 /* bytes the payload occupies in memory (with bss) */
#define CC_IMG_OFF_ALIGN        0x1c /* required alignment of the load address */
#define CC_IMG_HDR_SIZE         0x20
#define CC_IMG_OFF_MULTIBOOT    0x20 /* multiboot v1 header follows */

#define CC_IMG_LOAD_ALIGN       4096
/* Where the direct-boot (multiboot) path asks to be loaded. */
#define CC_MB_LOAD_ADDR         0x200000

#ifndef __ASSEMBLER__
#include <stdint.h>
struct cc_image_header {
	uint64_t magic;
	uint32_t version;
	uint32_t header_size;
	uint32_t entry64_offset;
	uint32_t file_size;
	uint32_t mem_size;
	uint32_t load_align;
};
_Static_assert(sizeof(struct cc_image_header) == CC_IMG_HDR_SIZE, "image header size");
_Static_assert(__builtin_offsetof(struct cc_image_header, entry64_offset) == CC_IMG_OFF_ENTRY64, "entry64");
_Static_assert(__builtin_offsetof(struct cc_image_header, file_size) == CC_IMG_OFF_FILE_SIZE, "file_size");
_Static_assert(__builtin_offsetof(struct cc_image_header, mem_size) == CC_IMG_OFF_MEM_SIZE, "mem_size");
_Static_assert(__builtin_offsetof(struct cc_image_header, load_align) == CC_IMG_OFF_ALIGN, "load_align");
#endif

#endif
