# purgatory/purgatory.mk - build/purgatory.bin and its host tests.
# Included by the top-level Makefile (which defines B, CC, NASM, LD, Q,
# GCC_INCLUDE, HOST_CFLAGS).  Outputs:
#   build/purgatory.{elf,bin,map,lst,sym}
#   build/check-pic-purgatory.ok    linked at two bases: identical bytes
#   build/check-nosse-purgatory.ok  no SSE/MMX/x87 instruction in the image
#   build/unit/test_sha256, build/unit/test_purgatory_image (host tests,
#   built by tests/unit/unit.mk; `make check-purgatory` runs just these)
# Contract and layout: docs/purgatory.md.

# ---- purgatory flags: one line each, with the reason ------------------------------
PURG_CFLAGS :=
PURG_CFLAGS += -std=gnu11 -O2 -g
# no C library: only gcc's own freestanding headers (stdint, stddef)
PURG_CFLAGS += -ffreestanding -nostdlib -nostdinc -isystem $(GCC_INCLUDE)
# RIP-relative code without a GOT: runs wherever it is placed, also above 4 GiB
PURG_CFLAGS += -fpie -fvisibility=hidden -mcmodel=small
# the crash path leaves CR4.OSFXSR clear: any SSE instruction would #UD;
# no x87 either (stale state).  Each flag alone would do; all say it.
PURG_CFLAGS += -mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 -mno-avx -mno-80387
# exceptions push onto the current stack: no red zone below RSP
PURG_CFLAGS += -mno-red-zone
# nothing that needs run-time support
PURG_CFLAGS += -fno-stack-protector -fno-stack-check -fcf-protection=none
PURG_CFLAGS += -fno-asynchronous-unwind-tables -fno-omit-frame-pointer -fno-common
# zero-initialised variables stay in the image file (as kexec-tools builds it)
PURG_CFLAGS += -fno-zero-initialized-in-bss
# let --gc-sections drop what nothing uses
PURG_CFLAGS += -ffunction-sections -fdata-sections
# the stack is PURG_STACK_SIZE (4 KiB): no function may take a large frame
PURG_CFLAGS += -Wstack-usage=512
PURG_CFLAGS += -Wall -Wextra -Wshadow -Wvla -Wstrict-prototypes -Wmissing-prototypes -Werror
PURG_CFLAGS += -Iinclude -I.
# -fno-builtin is NOT used: __builtin_memcpy & co. may inline; boot/string.c
# provides the out-of-line memcpy/memset gcc may still call.

PURG_NASMFLAGS := -f elf64 -g -F dwarf -Werror -Iboot/ -I$(B)/gen/

PURG_ASM := purgatory/entry.asm
PURG_C   := purgatory/purgatory.c purgatory/fail.c purgatory/console.c \
	    purgatory/verify.c purgatory/sha256.c
# The runtime pieces it stands on, built again with the flags above (no
# SSE): the same sources as the payload's, never copies
# (scripts/check-layers.sh: purgatory/ includes only boot/ and include/).
PURG_BOOT_C := boot/serial.c boot/debugcon.c boot/timer.c boot/clock.c boot/pit.c boot/poll.c \
	    boot/idt.c boot/reset.c boot/string.c
PURG_OBJ := $(PURG_ASM:%.asm=$(B)/purg/%.o) $(PURG_C:%.c=$(B)/purg/%.o) $(PURG_BOOT_C:%.c=$(B)/purg/%.o)

# Two bases; the second is above 4 GiB (a crashkernel=,high region) so a
# 32-bit absolute relocation would also fail to link.
PURG_LINK_BASE     := 0x0
PURG_LINK_BASE_ALT := 0x123456000
# --no-warn-rwx-segments: one RWX segment on purpose (the GDT pointer is written at run time)
PURG_LDFLAGS := -static -nostdlib -z noexecstack -z max-page-size=4096 --no-warn-rwx-segments \
	--gc-sections --no-undefined -T linker/purgatory.ld

PURGATORY_OUT := $(B)/purgatory.bin $(B)/purgatory.lst $(B)/check-pic-purgatory.ok
PURGATORY_OUT += $(B)/purgatory.sym $(B)/check-nosse-purgatory.ok
all: $(PURGATORY_OUT)

$(B)/gen/purgatory-layout.inc: purgatory/layout.c purgatory/internal.h include/crashcap/purgatory.h include/crashcap/params.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(PURG_CFLAGS) -S -o $(B)/gen/purgatory-layout.s $<
	$(Q)sed -n 's/.*->\([A-Z0-9_]*\) \$$\{0,1\}\([-0-9]*\).*/%define \1 \2/p' $(B)/gen/purgatory-layout.s > $@.tmp
	$(Q)test -s $@.tmp || { echo "purgatory-layout.inc: no definitions extracted"; exit 1; }
	$(Q)mv $@.tmp $@

$(B)/purg/%.o: %.asm $(B)/gen/purgatory-layout.inc boot/x86.inc
	@mkdir -p $(@D)
	@echo "  NASM    $<"
	$(Q)$(NASM) $(PURG_NASMFLAGS) -MD $(@:.o=.d) -o $@ $<

$(B)/purg/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(PURG_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/purgatory.elf: $(PURG_OBJ) linker/purgatory.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(PURG_LDFLAGS) --defsym=CC_LINK_BASE=$(PURG_LINK_BASE) -Map=$(B)/purgatory.map -o $@ $(PURG_OBJ)

$(B)/purgatory-alt.elf: $(PURG_OBJ) linker/purgatory.ld
	$(Q)$(LD) $(PURG_LDFLAGS) --defsym=CC_LINK_BASE=$(PURG_LINK_BASE_ALT) -o $@ $(PURG_OBJ)

$(B)/purgatory.bin: $(B)/purgatory.elf
	$(Q)$(OBJCOPY) -O binary $< $@

$(B)/purgatory-alt.bin: $(B)/purgatory-alt.elf
	$(Q)$(OBJCOPY) -O binary $< $@

$(B)/purgatory.lst: $(B)/purgatory.elf
	$(Q)$(OBJDUMP) -dr -M intel $< > $@

$(B)/purgatory.sym: $(B)/purgatory.elf
	$(Q)$(NM) -n $< > $@

$(B)/check-pic-purgatory.ok: $(B)/purgatory.bin $(B)/purgatory-alt.bin
	$(Q)cmp -s $^ || { echo "purgatory.bin depends on its link address: an absolute address was baked in (pointer in static data?)"; cmp $^ | head -3; exit 1; }
	$(Q)touch $@

# Every instruction's mnemonic and operands: no x87 (f*), no MMX/SSE/AVX
# registers, no MXCSR/FXSAVE/XSAVE.  Belt and braces for the -m flags above.
PURG_FORBIDDEN_INSN := ^(f[a-z0-9]*|emms|ldmxcsr|stmxcsr|fxsave|fxrstor|xsave[a-z]*|xrstor[a-z]*)\b|\b([xyz]mm[0-9]+|mm[0-7]|st\([0-7]\))\b
$(B)/check-nosse-purgatory.ok: $(B)/purgatory.elf
	$(Q)$(OBJDUMP) -d --no-show-raw-insn -M intel $< | awk -F'\t' 'NF >= 2 { print $$2 }' > $@.insn
	$(Q)test -s $@.insn || { echo "check-nosse-purgatory: no instructions found in the listing"; exit 1; }
	$(Q)! grep -En '$(PURG_FORBIDDEN_INSN)' $@.insn || { echo "purgatory.elf uses SSE/MMX/x87: the crash path leaves CR4.OSFXSR clear, this would #UD"; exit 1; }
	$(Q)rm -f $@.insn
	$(Q)touch $@

# ---- host tests ------------------------------------------------------------------------
# Built by the unit-test framework (tests/unit/unit.mk: every
# tests/unit/test_*.c, linked with its UNIT_DEPS_ sources compiled hosted).
UNIT_DEPS_test_sha256 := purgatory/sha256.c purgatory/verify.c

# test_purgatory_image reads the built image, found by absolute path, so
# it runs from any directory; the image must exist before it runs.
$(B)/host/tests/unit/test_purgatory_image.o: HOST_CFLAGS += -DPURGATORY_BIN='"$(abspath $(B)/purgatory.bin)"'
$(B)/unit/test_purgatory_image: | $(B)/purgatory.bin

# Build and run only the purgatory's outputs and tests.
check-purgatory: $(PURGATORY_OUT) $(B)/unit/test_sha256 $(B)/unit/test_purgatory_image
	$(Q)$(B)/unit/test_sha256
	$(Q)$(B)/unit/test_purgatory_image

.PHONY: check-purgatory

# QEMU smoke test, no Linux needed: a shim recreates the crash-kexec CPU
# state and enters the purgatory (purgatory/smoke/run.py lists the cases).
# Not part of `all` or `check`; about a second per case.
purgatory-smoke: $(B)/purgatory.bin $(B)/gen/purgatory-layout.inc
	$(Q)purgatory/smoke/run.py --build $(B)

.PHONY: purgatory-smoke
