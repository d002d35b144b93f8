; boot/head.asm - the first bytes of capture.bin and both ways into it.
;
; Layout of the .head section (it is linked first, at image offset 0):
;   0x00  crashcap image header      (include/crashcap/image.h)
;   0x20  multiboot v1 header        (address fields: QEMU's -kernel loads a
;                                     flat binary at CC_MB_LOAD_ADDR)
;         entry32: multiboot entry, 32-bit protected mode -> long mode
;  0x200  entry_bzimage: the kexec_file entry of capture.efi, long mode
;         (the Linux 64-bit boot protocol: load address + 0x200)
;         entry64: purgatory entry, already in long mode
;         common64: own GDT, segments, stack, SSE; calls cc_main()
;         the GDT
;
; The image is position independent: 64-bit code reaches everything
; RIP-relative, and the 32-bit path runs only at the fixed multiboot load
; address.  The build links the image at two bases and requires identical
; bytes (Makefile, target check-pic).

%include "layout.inc"
%include "x86.inc"

MB_MAGIC        equ 0x1badb002  ; multiboot v1 header magic
MB_BOOT_MAGIC   equ 0x2badb002  ; in EAX when a multiboot loader enters us
MB_F_PAGE_ALIGN equ 1 << 0      ; modules page aligned
MB_F_MEMINFO    equ 1 << 1      ; want mem_* and the memory map
MB_F_ADDRESSES  equ 1 << 16     ; header carries load addresses (not ELF)
MB_FLAGS        equ MB_F_PAGE_ALIGN | MB_F_MEMINFO | MB_F_ADDRESSES

CPUID_EXT_FEATURES equ 0x80000001
CPUID_EXT_LM       equ 1 << 29  ; EDX: long mode

DEBUGCON        equ 0xe9

; Absolute values computed by linker/capture.ld (sizes and offsets only,
; never addresses, so they do not depend on where the image runs).
extern cc_file_size, cc_mem_size, cc_entry32_offset, cc_entry64_offset
extern cc_off_boot_pt
extern __bss_start, __bss_end
extern cc_main

section .head progbits alloc exec write align=16

global image_start
image_start:
; ---- crashcap image header -------------------------------------------------
AT CC_IMG_OFF_MAGIC
	dq CC_IMG_MAGIC
AT CC_IMG_OFF_VERSION
	dd CC_IMG_VERSION
AT CC_IMG_OFF_HDR_SIZE
	dd CC_IMG_HDR_SIZE
AT CC_IMG_OFF_ENTRY64
	dd cc_entry64_offset
AT CC_IMG_OFF_FILE_SIZE
	dd cc_file_size
AT CC_IMG_OFF_MEM_SIZE
	dd cc_mem_size
AT CC_IMG_OFF_ALIGN
	dd CC_IMG_LOAD_ALIGN

; ---- multiboot v1 header -----------------------------------------------------
AT CC_IMG_OFF_MULTIBOOT
mb_header:
	dd MB_MAGIC
	dd MB_FLAGS
	dd -(MB_MAGIC + MB_FLAGS)                 ; checksum
	dd CC_MB_LOAD_ADDR + CC_IMG_OFF_MULTIBOOT ; header_addr
	dd CC_MB_LOAD_ADDR                        ; load_addr
	dd CC_MB_LOAD_ADDR + cc_file_size         ; load_end_addr
	dd CC_MB_LOAD_ADDR + cc_mem_size          ; bss_end_addr (loader zeroes bss)
	dd CC_MB_LOAD_ADDR + cc_entry32_offset    ; entry_addr

; ---- multiboot entry -------------------------------------------------------------
; In: EAX = MB_BOOT_MAGIC, EBX = multiboot info (physical), 32-bit flat
; protected mode, paging off, IF = 0, ESP undefined (we use no stack here).
; We identity map the first 4 GiB with 2 MiB pages from .bootbss, enter
; long mode and continue at entry_mb64 with ESI = multiboot info.
bits 32
global entry32
entry32:
	cli
	cld
	mov ebp, CC_MB_LOAD_ADDR              ; where the multiboot header put us
	mov esi, ebx                          ; keep the info pointer
	cmp eax, MB_BOOT_MAGIC
	jne .no_multiboot

	mov eax, CPUID_EXT_FEATURES
	cpuid
	test edx, CPUID_EXT_LM
	jz .no_long_mode

	; Boot page tables: PML4 | PDPT | 4 x PD, 4 KiB each, zeroed by the loader.
	lea edi, [ebp + cc_off_boot_pt]
	lea eax, [edi + 0x1000 + PTE_P + PTE_W]
	mov [edi], eax                        ; PML4[0] -> PDPT
	lea ebx, [edi + 0x1000]
	xor ecx, ecx
.pdpt:	lea eax, [edi + 0x2000 + PTE_P + PTE_W]
	mov edx, ecx
	shl edx, 12
	add eax, edx
	mov [ebx + ecx * 8], eax              ; PDPT[i] -> PD i (covers i GiB)
	inc ecx
	cmp ecx, 4
	jb .pdpt
	lea ebx, [edi + 0x2000]
	xor ecx, ecx
.pd:	mov eax, ecx
	shl eax, 21                           ; 2 MiB * index
	or eax, PTE_P | PTE_W | PTE_PS
	mov [ebx + ecx * 8], eax
	mov eax, ecx
	shr eax, 11                           ; bits 32+ of (index << 21)
	mov [ebx + ecx * 8 + 4], eax
	inc ecx
	cmp ecx, 4 * 512
	jb .pd

	mov cr3, edi
	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	wrmsr
	lea eax, [ebp + (gdt_ptr - image_start)]
	lea edx, [ebp + (gdt - image_start)]
	mov [eax + 2], edx                    ; GDT base, low half
	mov dword [eax + 6], 0                ; GDT base, high half
	lgdt [eax]
	mov eax, cr0
	or eax, CR0_PG | CR0_PE
	mov cr0, eax                          ; now in compatibility mode
	lea eax, [ebp + (entry_mb64 - image_start)]
	lea edx, [ebp + (far_target - image_start)]
	mov [edx], eax                        ; offset of the far pointer
	jmp far [edx]                         ; CS = 64-bit code: long mode (no stack needed)

.no_multiboot:
	lea edi, [ebp + (msg_no_mb - image_start)]
	jmp .die
.no_long_mode:
	lea edi, [ebp + (msg_no_lm - image_start)]
.die:	; Print the NUL-terminated string at EDI to COM1 and the debug port.
	; No deadline needed: a missing UART reads THRE as 1 (0xff).
	mov dl, [edi]
	test dl, dl
	jz .halt
	mov al, dl
	mov dx, DEBUGCON
	out dx, al
	mov dx, CC_COM1_PORT
	out dx, al
	inc edi
	jmp .die
.halt:	hlt
	jmp .halt

align 4
far_target:                               ; m16:32 operand of the far jump above
	dd 0                                  ; offset, filled at run time
	dw SEL_CODE64                         ; selector

msg_no_mb: db "capture: entered at entry32 without multiboot magic; halted", 13, 10, 0
msg_no_lm: db "capture: this CPU has no long mode (CPUID 80000001h EDX.LM=0); halted", 13, 10, 0

; ---- 64-bit entries ------------------------------------------------------------------
bits 64
; entry_bzimage: the kernel's own purgatory (kexec_file_load, capture.efi)
; jumps to load address + 0x200 (include/crashcap/bootparam.h).  In: long
; mode, IF = 0, RSI = struct boot_params (physical), the kernel's identity
; map in CR3, CS 0x10 and data 0x18 on the purgatory's GDT, RSP on the
; purgatory's stack.  The parameter block is not known yet: cc_main finds
; it in the initrd that boot_params names (capture/bzboot.c).
AT CC_BZ_ENTRY_OFFSET
global entry_bzimage
entry_bzimage:
	cli
	cld
	xor r12d, r12d                        ; no parameter block yet
	xor r13d, r13d                        ; no multiboot info
	mov r14, rsi                          ; struct boot_params
	jmp common64

; entry64: the purgatory jumps here.  In: long mode, IF = 0, RDI = physical
; address of the parameter block (struct cc_params), the previous stage's
; identity map in CR3 (4- or 5-level), GDT/IDT possibly of limit 0, RSP in
; somebody else's page: we touch no stack before our own.
global entry64
entry64:
	cli
	cld
	mov r12, rdi                          ; parameter block
	xor r13d, r13d                        ; no multiboot info
	xor r14d, r14d                        ; no boot_params
	jmp common64

entry_mb64:
	xor r12d, r12d                        ; no parameter block yet
	mov r13d, esi                         ; multiboot info (below 4 GiB)
	xor r14d, r14d                        ; no boot_params

common64:
	; Zero .bss (not .bootbss: it holds the page tables we run on).
	lea rdi, [rel __bss_start]
	lea rcx, [rel __bss_end]
	sub rcx, rdi
	xor eax, eax
	rep stosb
	lea rsp, [rel stack_top]              ; our own stack, in .bss

	LOAD_GDT gdt                          ; our own GDT, CS and data segments
	SSE_ON                                ; before any compiler-generated code

	mov rdi, r12                          ; struct cc_params * or 0
	mov rsi, r13                          ; multiboot info or 0
	mov rdx, r14                          ; struct boot_params * or 0
	call cc_main                          ; does not return
.hang:	cli
	hlt
	jmp .hang

; ---- GDT ---------------------------------------------------------------------------
FLAT_GDT gdt

STACK_BYTES equ 32 * 1024

section .bss nobits alloc write align=16
stack:
	resb STACK_BYTES                      ; the payload's only stack
stack_top:

section .bootbss nobits alloc write align=4096
global boot_pt
boot_pt:
	resb 6 * 4096                         ; PML4, PDPT, 4 PDs for the direct boot

section .note.GNU-stack noalloc noexec nowrite progbits
