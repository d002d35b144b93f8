; purgatory/smoke/shim.asm - stands in for the crashed kernel's
; relocate_kernel in the QEMU smoke test (purgatory/smoke/run.py).
;
; A multiboot v1 flat image (QEMU -kernel) that builds the CPU state a
; crash kexec leaves (kexec-abi.md 2.3) and jumps to the purgatory:
; long mode with an identity map (8 GiB, 2 MiB pages), CR4 = PAE only (so
; any SSE instruction would #UD), CR0.WP = 0, IF = 0, every GPR zero,
; GDT and IDT of limit 0 (old kernels), RSP at the top of a "control
; page".  The memory map comes from run.py as -D definitions:
;   SHIM_BASE   where QEMU loads this file
;   PURG_LOAD   where the purgatory bytes sit in this file's image
;   PURG_RUN    where it runs (copied there first if different: > 4 GiB)
;   PAYLOAD, PARAMS, CTRL_PAGE, PT, BSS_END
; The patched purgatory, payload and parameter block are incbin'd.
;
; Optional definitions (tests/qemu/handover_test.py; run.py sets none, and
; without them the image is what it always was):
;   LA57        5-level paging, as a kernel running with LA57 leaves it:
;               CR4 = PAE | LA57, a PML5 above the PML4 (the CPU needs
;               LA57, e.g. QEMU -cpu qemu64,la57=on)
;   HANDOVER    the real segments are already in RAM (QEMU -device loader
;               at the addresses `crashcap load` chose): nothing is incbin'd
;               or copied, and
;     PURG_ENTRY  the kexec entry address the loader computed
;     KEXEC_PT    the identity tables are copied here before the jump, as
;                 the kernel puts them in the crash region (may be > 4 GiB)
;     MAP_LOW_END, MAP_HIGH_END  and they then map only [0, MAP_LOW_END)
;                 and [4 GiB, MAP_HIGH_END) (RAM, 2 MiB granular, like the
;                 kernel's identity map: no PCI hole, no LAPIC, no BARs);
;                 MAP_HIGH_END 0 = no RAM above 4 GiB
;     CTRL_PAGE   the fake control page, also in the crash region
;     LOWPAT_SRC, LOWPAT_DST, LOWPAT_SIZE  optional: copy LOWPAT_SIZE bytes
;                 before the jump (the firmware clears low RAM at boot, so
;                 a pattern for the first 640 KiB is planted here, at
;                 "crash time", from a copy QEMU loaded elsewhere)

%include "purgatory-layout.inc"

MB_MAGIC      equ 0x1badb002
MB_FLAGS      equ (1 << 0) | (1 << 1) | (1 << 16) ; page align, meminfo, address fields
PTE_PRESENT_RW equ 0x3
PDE_2M        equ 0x83                            ; present, writable, 2 MiB page
PT_PDS        equ 8                               ; 8 GiB identity map
CR4_PAE       equ 1 << 5
CR0_PE        equ 1 << 0
CR0_WP        equ 1 << 16
CR0_PG        equ 1 << 31
MSR_EFER      equ 0xc0000080
EFER_LME      equ 1 << 8
CR4_LA57      equ 1 << 12
%ifdef LA57
%define PT4   (PT + 0x1000)                       ; PML5 at PT, PML4 in the next page
PT_TOP_PAGES  equ 3                               ; PML5, PML4, PDPT
CR4_VALUE     equ CR4_PAE | CR4_LA57
%else
%define PT4   PT
PT_TOP_PAGES  equ 2                               ; PML4, PDPT
CR4_VALUE     equ CR4_PAE
%endif
PT_PAGES      equ PT_TOP_PAGES + PT_PDS

org SHIM_BASE
bits 32
mb:	dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
	dd mb, SHIM_BASE, file_end, BSS_END, entry32

entry32:
	cli
	mov edi, PT                           ; [PML5,] PML4, PDPT, PT_PDS PDs
	xor eax, eax
	mov ecx, PT_PAGES * 4096 / 4
	rep stosd
%ifdef LA57
	mov dword [PT], PT4 + PTE_PRESENT_RW
%endif
	mov dword [PT4], PT4 + 0x1000 + PTE_PRESENT_RW
	xor ecx, ecx
.pdpt:	mov eax, ecx
	shl eax, 12
	add eax, PT4 + 0x2000 + PTE_PRESENT_RW
	mov [PT4 + 0x1000 + ecx * 8], eax
	inc ecx
	cmp ecx, PT_PDS
	jb .pdpt
	xor ecx, ecx
.pd:	mov eax, ecx
	shl eax, 21
	or eax, PDE_2M
	mov [PT4 + 0x2000 + ecx * 8], eax
	mov eax, ecx
	shr eax, 11
	mov [PT4 + 0x2000 + ecx * 8 + 4], eax
	inc ecx
	cmp ecx, PT_PDS * 512
	jb .pd
	mov eax, PT
	mov cr3, eax
	mov eax, CR4_VALUE                    ; exactly what relocate_kernel leaves
	mov cr4, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	wrmsr
	lgdt [gdt_ptr]
	mov eax, cr0
	or eax, CR0_PG | CR0_PE
	and eax, ~CR0_WP
	mov cr0, eax
	jmp 0x10:entry64

bits 64
entry64:
	mov eax, 0x18
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov fs, eax
	mov gs, eax
%ifdef HANDOVER
	; The kernel's identity map lives in the crash region and covers RAM
	; only: copy ours there, point its upper levels at the copy, and drop
	; every 2 MiB page outside [0, MAP_LOW_END) and [4 GiB, MAP_HIGH_END).
	mov rsi, PT
	mov rdi, KEXEC_PT
	mov ecx, PT_PAGES * 4096 / 8
	rep movsq
	mov rdi, KEXEC_PT
	mov rdx, KEXEC_PT - PT
	mov ecx, PT_TOP_PAGES * 512
.reloc:	mov rax, [rdi]
	test rax, rax
	jz .reloc_next
	add rax, rdx
	mov [rdi], rax
.reloc_next:
	add rdi, 8
	dec ecx
	jnz .reloc
	mov rdi, KEXEC_PT + PT_TOP_PAGES * 4096
	xor eax, eax                          ; physical address the PD entry maps
	mov r8, MAP_LOW_END
	mov r9, 1 << 32
	mov r10, MAP_HIGH_END
	mov r11, PT_PDS << 30
.prune:	cmp rax, r8
	jb .keep
	cmp rax, r9
	jb .drop
	cmp rax, r10
	jb .keep
.drop:	mov qword [rdi], 0
.keep:	add rdi, 8
	add rax, 1 << 21
	cmp rax, r11
	jb .prune
	mov rax, KEXEC_PT
	mov cr3, rax
%ifdef LOWPAT_SIZE
	mov rsi, LOWPAT_SRC
	mov rdi, LOWPAT_DST
	mov rcx, LOWPAT_SIZE
	rep movsb
%endif
	mov rdx, PURG_ENTRY
	lgdt [zero_dt]                        ; limit 0, as old kernels leave it
	lidt [zero_dt]
	push 0
	popfq                                 ; RFLAGS = 0x2: IF = 0
%else
	; Put the purgatory where it is to run.
	mov rsi, PURG_LOAD
	mov rdi, PURG_RUN
	mov ecx, [rsi + CC_PURG_HDR_OFF_FILE_SIZE]
	cmp rsi, rdi
	je .placed
	rep movsb
.placed:
	lgdt [zero_dt]                        ; limit 0, as old kernels leave it
	lidt [zero_dt]
	push 0
	popfq                                 ; RFLAGS = 0x2: IF = 0
	mov rdx, PURG_RUN
	mov eax, [rdx + CC_PURG_HDR_OFF_ENTRY]
	add rdx, rax
%endif
	mov rsp, CTRL_PAGE + 4096
	push rdx
	xor eax, eax
	xor ebx, ebx
	xor ecx, ecx
	xor edx, edx
	xor esi, esi
	xor edi, edi
	xor ebp, ebp
	xor r8d, r8d
	xor r9d, r9d
	xor r10d, r10d
	xor r11d, r11d
	xor r12d, r12d
	xor r13d, r13d
	xor r14d, r14d
	xor r15d, r15d
	ret                                   ; like relocate_kernel: ret to entry

align 16
gdt:	dq 0
	dq 0x00cf9a000000ffff                 ; 0x08 32-bit code (the kernel's kexec GDT)
	dq 0x00af9a000000ffff                 ; 0x10 64-bit code
	dq 0x00cf92000000ffff                 ; 0x18 data
gdt_ptr: dw 4 * 8 - 1
	dd gdt
zero_dt: dw 0
	dq 0

%ifndef HANDOVER
	times PURG_LOAD - SHIM_BASE - ($ - $$) db 0
	incbin "purgatory-patched.bin"
	times PAYLOAD - SHIM_BASE - ($ - $$) db 0
	incbin "payload.bin"
	times PARAMS - SHIM_BASE - ($ - $$) db 0
	incbin "params.bin"
%endif
file_end:
