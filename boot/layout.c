/* boot/layout.c - turns the C definitions of shared layouts into NASM
 * %defines (build/gen/layout.inc), so the assembly never types an offset
 * or magic number by hand.  Compiled with -S only; the Makefile greps the
 * "->" markers out of the assembler text (the Linux asm-offsets trick). */
#include <stddef.h>
#include "boot/aptramp.h"
#include "crashcap/bootparam.h"
#include "crashcap/image.h"
#include "crashcap/params.h"
#include "crashcap/status.h"

#define DEFINE(sym, val) asm volatile("\n.ascii \"->" #sym " %0\"" : : "i"((unsigned long long)(val)))

void layout(void);
void layout(void)
{
	DEFINE(CC_IMG_MAGIC, CC_IMG_MAGIC);
	DEFINE(CC_IMG_VERSION, CC_IMG_VERSION);
	DEFINE(CC_IMG_HDR_SIZE, CC_IMG_HDR_SIZE);
	DEFINE(CC_IMG_OFF_MAGIC, CC_IMG_OFF_MAGIC);
	DEFINE(CC_IMG_OFF_VERSION, CC_IMG_OFF_VERSION);
	DEFINE(CC_IMG_OFF_HDR_SIZE, CC_IMG_OFF_HDR_SIZE);
	DEFINE(CC_IMG_OFF_ENTRY64, CC_IMG_OFF_ENTRY64);
	DEFINE(CC_IMG_OFF_FILE_SIZE, CC_IMG_OFF_FILE_SIZE);
	DEFINE(CC_IMG_OFF_MEM_SIZE, CC_IMG_OFF_MEM_SIZE);
	DEFINE(CC_IMG_OFF_ALIGN, CC_IMG_OFF_ALIGN);
	DEFINE(CC_IMG_OFF_MULTIBOOT, CC_IMG_OFF_MULTIBOOT);
	DEFINE(CC_IMG_LOAD_ALIGN, CC_IMG_LOAD_ALIGN);
	DEFINE(CC_MB_LOAD_ADDR, CC_MB_LOAD_ADDR);
	DEFINE(CC_BZ_ENTRY_OFFSET, CC_BZ_ENTRY_OFFSET);
	DEFINE(CC_PARAMS_SIZE, sizeof(struct cc_params));
	DEFINE(CC_COM1_PORT, CC_COM1_PORT);
	DEFINE(CC_DEBUG_EXIT_BASE, CC_DEBUG_EXIT_BASE);
	DEFINE(CC_ERR_EXCEPTION, CC_ERR_EXCEPTION);
	DEFINE(APT_OFF_FAR32, APT_OFF_FAR32);
	DEFINE(APT_OFF_FAR64, APT_OFF_FAR64);
	DEFINE(APT_OFF_GDTR, APT_OFF_GDTR);
	DEFINE(APT_OFF_CR3, APT_OFF_CR3);
	DEFINE(APT_OFF_TICKET, APT_OFF_TICKET);
	DEFINE(APT_OFF_ENTRY, APT_OFF_ENTRY);
	DEFINE(APT_OFF_STACKS, APT_OFF_STACKS);
	DEFINE(APT_OFF_GDT, APT_OFF_GDT);
	DEFINE(APT_MAX_HELPERS, APT_MAX_HELPERS);
	DEFINE(APT_BYTES, APT_BYTES);
}
