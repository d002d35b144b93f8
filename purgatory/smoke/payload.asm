; purgatory/smoke/payload.asm - stands in for capture.bin in the QEMU smoke
; test: reports RDI, IF and whether the 640 KiB backup copy matches its
; source, on the debug port, then exits QEMU through isa-debug-exit.
; -D definitions from run.py: PAYLOAD (org), BACKUP_SRC, BACKUP_DST,
; BACKUP_SIZE, DEBUGCON, DEBUG_EXIT, EXIT_CODE.
org PAYLOAD
bits 64
RFLAGS_IF equ 1 << 9

	mov r12, rdi
	lea rsi, [msg_rdi]
	call puts
	mov rax, r12
	call puthex
	pushfq
	pop rax
	lea rsi, [msg_if0]
	test eax, RFLAGS_IF
	jz .if_done
	lea rsi, [msg_if1]
.if_done:
	call puts
	mov rsi, BACKUP_SRC
	mov rdi, BACKUP_DST
	mov rcx, BACKUP_SIZE
	repe cmpsb
	lea rsi, [msg_same]
	je .cmp_done
	lea rsi, [msg_diff]
.cmp_done:
	call puts
	mov al, EXIT_CODE
	out DEBUG_EXIT, al
.hang:	cli
	hlt
	jmp .hang

puts:	lodsb
	test al, al
	jz .done
	out DEBUGCON, al
	jmp puts
.done:	ret

puthex:	mov ecx, 16
.digit:	rol rax, 4
	mov edx, eax
	and edx, 15
	push rax
	mov al, [hexdigits + rdx]
	out DEBUGCON, al
	pop rax
	loop .digit
	ret

hexdigits: db "0123456789abcdef"
msg_rdi:  db "payload: entered, rdi=0x", 0
msg_if0:  db ", IF=0", 10, 0
msg_if1:  db ", IF=1", 10, 0
msg_same: db "payload: backup copy matches", 10, 0
msg_diff: db "payload: backup copy differs", 10, 0
