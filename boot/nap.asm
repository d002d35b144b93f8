; boot/nap.asm - where an idle helper CPU waits (docs/smp.md).
;
; smp_nap(doorbell): halt until an NMI, unless *doorbell is already set.
; Interrupts are off; the payload's own CPU rings the doorbell and then
; sends an NMI.  An NMI that lands between the check and the HLT would
; be lost (the HLT would wait for the next one), so the NMI handler moves
; a RIP in [nap_window, nap_hlt] to nap_out (boot/smp.c smp_nmi).

section .text

global smp_nap, nap_window, nap_hlt, nap_out
smp_nap:                                  ; void smp_nap(const volatile uint32_t *doorbell)
nap_window:
	cmp dword [rdi], 0
	jne nap_out
nap_hlt:
	hlt
nap_out:
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
