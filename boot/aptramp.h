/* boot/aptramp.h - the layout of the page a helper CPU starts in
 * (boot/aptramp.asm), shared by the assembly (as build/gen/layout.inc,
 * through boot/layout.c) and boot/smp.c, which copies the blob to a page
 * below 1 MiB and fills its data fields.  Offsets are from the page start;
 * the STARTUP IPI enters at offset 0 in real mode with CS = page >> 4. */
#ifndef BOOT_APTRAMP_H
#define BOOT_APTRAMP_H

#define APT_OFF_FAR32   0x100 /* ptr16:32: protected-mode entry (offset filled + page), SEL_CODE32 */
#define APT_OFF_FAR64   0x108 /* ptr16:32: long-mode entry (offset filled + page), SEL_CODE64 */
#define APT_OFF_GDTR    0x110 /* lgdt operand: limit, 32-bit base (filled: page + APT_OFF_GDT) */
#define APT_OFF_CR3     0x118 /* the payload's PML4, below 4 GiB (32 bits) */
#define APT_OFF_TICKET  0x11c /* helpers take 0, 1, 2... in arrival order (lock xadd) */
#define APT_OFF_ENTRY   0x120 /* 64-bit address of void entry(unsigned ticket) */
#define APT_OFF_STACKS  0x128 /* APT_MAX_HELPERS stack tops, 64-bit each */
#define APT_MAX_HELPERS 4
#define APT_OFF_GDT     0x180 /* the flat GDT (boot/x86.inc FLAT_GDT) */
#define APT_BYTES       0x200 /* the blob; the rest of the page is unused */

#ifndef __ASSEMBLER__
_Static_assert(APT_OFF_STACKS + 8 * APT_MAX_HELPERS <= APT_OFF_GDT, "stack table overlaps the GDT");
_Static_assert(APT_OFF_GDT + 0x30 <= APT_BYTES, "GDT and its pointer past the blob");
#endif

#endif
