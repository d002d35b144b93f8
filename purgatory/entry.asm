; purgatory/entry.asm - the first bytes of purgatory.bin and its way in/out.
;
; Layout of the .head section (linked first, at image offset 0):
;   0x00  purgatory image header  (struct cc_purgatory_header)
;   0x40  patch block             (struct cc_purgatory_info, filled by the loader)
;         purgatory_entry: kexec jumps here on panic
;         exception stubs, purg_enter_payload, the GDT
;
; The image is position independent: everything is reached RIP-relative,
; and the build links it at two bases (one above 4 GiB) and requires
; identical bytes (purgatory/purgatory.mk, check-pic-purgatory).
; No SSE, MMX or x87 anywhere: the crash path leaves CR4.OSFXSR clear.

%include "purgatory-layout.inc"
%include "x86.inc"

; Absolute values computed by linker/purgatory.ld (sizes and offsets only).
extern cc_purg_file_size, cc_purg_mem_size, cc_purg_entry_offset
extern __purg_bss_start, __purg_bss_end
extern purgatory_main, purg_exception

section .head progbits alloc exec write align=16

global purgatory_image_start
purgatory_image_start:
image_start:                              ; what x86.inc's AT macro measures from

; ---- image header ------------------------------------------------------------
AT CC_PURG_HDR_OFF_MAGIC
	dq CC_PURG_MAGIC
AT CC_PURG_HDR_OFF_VERSION
	dd CC_PURG_VERSION
AT CC_PURG_HDR_OFF_HDR_SIZE
	dd CC_PURG_HDR_SIZE
AT CC_PURG_HDR_OFF_ENTRY
	dd cc_purg_entry_offset
AT CC_PURG_HDR_OFF_INFO
	dd CC_PURG_OFF_INFO
AT CC_PURG_HDR_OFF_INFO_SIZE
	dd CC_PURG_INFO_SIZE
AT CC_PURG_HDR_OFF_FILE_SIZE
	dd cc_purg_file_size
AT CC_PURG_HDR_OFF_MEM_SIZE
	dd cc_purg_mem_size
AT CC_PURG_HDR_OFF_ALIGN
	dd CC_PURG_LOAD_ALIGN
	; reserved bytes up to the patch block are zero (AT pads)

; ---- patch block: magic, version and size here; the loader writes the rest --
AT CC_PURG_OFF_INFO
global purgatory_info
purgatory_info:
AT CC_PURG_OFF_INFO + CC_PURG_INFO_OFF_MAGIC
	dq CC_PURG_INFO_MAGIC
AT CC_PURG_OFF_INFO + CC_PURG_INFO_OFF_VERSION
	dd CC_PURG_VERSION
AT CC_PURG_OFF_INFO + CC_PURG_INFO_OFF_SIZE
	dd CC_PURG_INFO_SIZE
AT CC_PURG_OFF_INFO + CC_PURG_INFO_SIZE   ; all other fields zero

; ---- entry ---------------------------------------------------------------------
; In (kexec-abi.md 2.3): 64-bit mode, CPL 0, IF = 0, DF = 0, every GPR zero,
; RSP near the top of the kernel's control page, CR3 = the kexec identity
; map (4- or 5-level), GDTR/IDTR of limit 0 or pointing into the control
; page, CR4.OSFXSR = 0.  Nothing is passed in registers: all we need is in
; the patch block above.
bits 64
global purgatory_entry
purgatory_entry:
	cli                                   ; IF is already 0; be explicit
	cld
	; Zero .bss (stack, IDT, C statics) before using any of it.  The
	; kernel zero-fills a segment beyond bufsz, but this way nothing
	; depends on the loader's memsz.  No stack is used here.
	lea rdi, [rel __purg_bss_start]
	lea rcx, [rel __purg_bss_end]
	sub rcx, rdi
	xor eax, eax
	rep stosb
	lea rsp, [rel purg_stack_top]         ; leave the control page alone

	; Our own GDT, so the segment caches no longer depend on the
	; control page; its base is only known at run time.
	LOAD_GDT gdt
	call purgatory_main                   ; does not return
purg_hang:
	cli
	hlt
	jmp purg_hang

; ---- leaving: purg_enter_payload(entry = RDI, params = RSI) ----------------
; Out (what boot/head.asm entry64 expects): RDI = physical address of the
; parameter block, IF = 0, DF = 0, our GDT/IDT loaded, RAX = entry, every
; other GPR zero, RSP on our stack (the payload switches before using it).
global purg_enter_payload
purg_enter_payload:
	cli
	cld
	mov rax, rdi
	mov rdi, rsi
	xor ebx, ebx
	xor ecx, ecx
	xor edx, edx
	xor esi, esi
	xor ebp, ebp
	xor r8d, r8d
	xor r9d, r9d
	xor r10d, r10d
	xor r11d, r11d
	xor r12d, r12d
	xor r13d, r13d
	xor r14d, r14d
	xor r15d, r15d
	jmp rax

; ---- exception stubs ----------------------------------------------------------
; PURG_NR_VECTORS stubs, exactly PURG_ISR_STUB_SIZE bytes apart: fail.c
; computes each gate's address from that.  A stub pushes a zero error code
; where the CPU pushes none (SDM Vol. 3A table 6-1: vectors 8, 10-14, 17,
; 21, 29 and 30 have one), then its vector, and goes to isr_common, which
; calls purg_exception(struct purg_exc_frame *) (purgatory/internal.h).
; NMI only returns: the machine has already crashed, and an NMI (e.g. a
; watchdog or a button) must not stop the capture.
%define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

align PURG_ISR_STUB_SIZE
global purg_isr_stubs
purg_isr_stubs:
%assign vec 0
%rep PURG_NR_VECTORS
%if vec == PURG_VEC_NMI
	iretq
%else
%if !HAS_ERROR_CODE(vec)
	push 0                                ; error code
%endif
	push vec
	jmp isr_common
%endif
	; pad to the next slot; fails to assemble if the stub outgrew it
	times PURG_ISR_STUB_SIZE * (vec + 1) - ($ - purg_isr_stubs) db 0xcc ; int3
%assign vec vec + 1
%endrep

isr_common:
	cld
	mov rdi, rsp                          ; the frame: vector, error, rip, cs, ...
	and rsp, -16                          ; ABI alignment for the call
	call purg_exception                   ; does not return
	jmp purg_hang

; ---- GDT ------------------------------------------------------------------------
; The same selectors as the kernel's kexec GDT and the payload's
; (boot/x86.inc SEL_*).  CODE32 is unused; it keeps the numbers equal.
FLAT_GDT gdt

; ---- stack ------------------------------------------------------------------------
section .bss nobits alloc write align=16
	resb PURG_STACK_SIZE
purg_stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
