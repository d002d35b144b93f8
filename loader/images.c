/* loader/images.c - see images.h.  CC_PURGATORY_BIN, CC_CAPTURE_BIN and
 * CC_CAPTURE_EFI are the absolute paths of the images (loader/loader.mk),
 * which the assembler includes byte for byte. */
#include "loader/images.h"

#if !defined(CC_PURGATORY_BIN) || !defined(CC_CAPTURE_BIN) || !defined(CC_CAPTURE_EFI)
#error "CC_PURGATORY_BIN, CC_CAPTURE_BIN and CC_CAPTURE_EFI must name the images (loader/loader.mk)"
#endif

__asm__(
	"	.section .rodata.cc_images, \"a\"\n"
	"	.balign 4096\n"
	"cc_purgatory_start:\n"
	"	.incbin \"" CC_PURGATORY_BIN "\"\n"
	"cc_purgatory_end:\n"
	"	.balign 4096\n"
	"cc_capture_start:\n"
	"	.incbin \"" CC_CAPTURE_BIN "\"\n"
	"cc_capture_end:\n"
	"	.balign 4096\n"
	"cc_efi_start:\n"
	"	.incbin \"" CC_CAPTURE_EFI "\"\n"
	"cc_efi_end:\n"
	"	.previous\n");

__attribute__((visibility("hidden"))) extern const unsigned char cc_purgatory_start[], cc_purgatory_end[];
__attribute__((visibility("hidden"))) extern const unsigned char cc_capture_start[], cc_capture_end[];
__attribute__((visibility("hidden"))) extern const unsigned char cc_efi_start[], cc_efi_end[];

struct image images_purgatory(void)
{
	return (struct image){ cc_purgatory_start, (size_t)(cc_purgatory_end - cc_purgatory_start) };
}

struct image images_payload(void)
{
	return (struct image){ cc_capture_start, (size_t)(cc_capture_end - cc_capture_start) };
}

struct image images_efi(void)
{
	return (struct image){ cc_efi_start, (size_t)(cc_efi_end - cc_efi_start) };
}
