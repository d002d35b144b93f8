; boot/aptramp.asm - where a helper CPU starts (docs/smp.md).
;
; boot/smp.c copies these APT_BYTES to a page below 1 MiB, fills the data
; fields (boot/aptramp.h) and sends INIT and STARTUP with that page as the
; vector.  The CPU enters at offset 0 in real mode, CS = page >> 4, IP = 0,
; interrupts off.  It loads the blob's flat GDT, goes to 32-bit protected
; mode, turns on PAE and long mode on the payload's own page tables (CR3
; below 4 GiB), enables paging, jumps to 64-bit code, takes a ticket (its
; helper number) and that ticket's stack, turns on SSE and calls
; entry(ticket), which never returns.  No stack is touched before its own.

%include "layout.inc"
%include "x86.inc"

; TAT offset: fail assembly unless we are exactly OFFSET bytes into the blob.
%macro TAT 1
	times (%1) - ($ - ap_tramp_start) db 0
	times ($ - ap_tramp_start) - (%1) db 0
%endmacro

section .rodata progbits alloc noexec nowrite align=16

global ap_tramp_start, ap_tramp_end
ap_tramp_start:
bits 16
	cli
	cld
	mov ax, cs
	mov ds, ax
	xor ebx, ebx
	mov bx, ax
	shl ebx, 4                            ; EBX = the page's physical address
	o32 lgdt [APT_OFF_GDTR]
	mov eax, cr0
	or eax, CR0_PE
	mov cr0, eax
	jmp dword far [APT_OFF_FAR32]         ; CS = SEL_CODE32: 32-bit protected mode

bits 32
ap32:	mov eax, SEL_DATA
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov eax, [ebx + APT_OFF_CR3]
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	wrmsr
	mov eax, cr0
	or eax, CR0_PG
	mov cr0, eax                          ; IA-32e mode, compatibility submode
	jmp far [ebx + APT_OFF_FAR64]         ; CS = SEL_CODE64: 64-bit mode

bits 64
ap64:	mov eax, 1
	lock xadd [rbx + APT_OFF_TICKET], eax ; EAX = this helper's ticket
	cmp eax, APT_MAX_HELPERS
	jae .extra
	mov rsp, [rbx + APT_OFF_STACKS + rax * 8]
	mov r12d, eax
	SSE_ON
	mov edi, r12d
	call [rbx + APT_OFF_ENTRY]            ; does not return
.extra:	cli                                   ; more CPUs than stacks: stay out
	hlt
	jmp .extra

TAT APT_OFF_FAR32
	dd ap32 - ap_tramp_start              ; + the page, by boot/smp.c
	dw SEL_CODE32
TAT APT_OFF_FAR64
	dd ap64 - ap_tramp_start              ; + the page, by boot/smp.c
	dw SEL_CODE64
TAT APT_OFF_GDTR
	dw ap_gdt_end - ap_gdt - 1            ; limit
	dd APT_OFF_GDT                        ; base: + the page, by boot/smp.c
TAT APT_OFF_CR3
	dd 0
TAT APT_OFF_TICKET
	dd 0
TAT APT_OFF_ENTRY
	dq 0
TAT APT_OFF_STACKS
	times APT_MAX_HELPERS dq 0
TAT APT_OFF_GDT
FLAT_GDT ap_gdt
TAT APT_BYTES
ap_tramp_end:

section .note.GNU-stack noalloc noexec nowrite progbits
