; boot/exceptions.asm - the 32 CPU exception stubs and their common path.
;
; Every stub is EXC_STUB_SIZE bytes long, so boot/cpu.c computes stub i's
; address as exception_stubs + i * EXC_STUB_SIZE at run time (a table of
; pointers would need relocations).  A stub pushes a zero error code where
; the CPU pushes none, then the vector number, and jumps to exc_common,
; which saves the general registers into a struct exc_frame (boot/cpu.h)
; and calls cc_exception(frame).  cc_exception returns only for an NMI; then
; the registers are restored and we IRET.

EXC_STUB_SIZE equ 16
extern cc_exception

section .text
bits 64

; Vectors for which the CPU pushes an error code: 8, 10-14, 17, 21, 29, 30.
%define ERRCODE_VECTORS 0x60227d00

align 16
global exception_stubs
exception_stubs:
%assign v 0
%rep 32
	%if (ERRCODE_VECTORS >> v) & 1
		push qword v              ; error code already on the stack
	%else
		push qword 0              ; fake error code
		push qword v
	%endif
	jmp exc_common
	align EXC_STUB_SIZE, db 0xcc
%assign v v + 1
%endrep

exc_common:
	push rax                          ; struct exc_frame, lowest field last
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	cld
	mov rdi, rsp                      ; struct exc_frame *
	mov rbx, rsp                      ; callee-saved copy
	and rsp, -16                      ; ABI stack alignment for the call
	call cc_exception
	mov rsp, rbx
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16                       ; vector and error code
	iretq

section .note.GNU-stack noalloc noexec nowrite progbits
