# crashcap - one Makefile; every output lands under build/.
#
#   make            payload (build/capture.bin + .elf/.map/.lst/.sym) and the crashcap command
#   make check      host unit tests only (no QEMU)
#   make test       everything: unit tests and QEMU tests; ends with "N passed, N failed"
#   make drill      direct-boot drill in QEMU, narrated
#   make bench      benchmark (not a test): dump speed and footprint
#   V=1             show the commands
#
# Start from tests/run or tests/qemu/drill on a fresh machine: they install
# the packages first (scripts/deps.sh).

MAKEFLAGS += -rR --no-print-directory
.DELETE_ON_ERROR:
.SUFFIXES:
.DEFAULT_GOAL := all

B        := build
CC       := gcc
NASM     := nasm
LD       := ld
OBJCOPY  := objcopy
OBJDUMP  := objdump
NM       := nm
Q        := $(if $(V),,@)

GCC_INCLUDE := $(shell $(CC) -print-file-name=include)

# ---- payload flags: one line each, with the reason -------------------------------
FREE_CFLAGS :=
FREE_CFLAGS += -std=gnu11 -O2 -g
# no C library: only gcc's own freestanding headers (stdint, stddef, stdarg)
FREE_CFLAGS += -ffreestanding -nostdlib -nostdinc -isystem $(GCC_INCLUDE)
# RIP-relative code without a GOT: the image runs wherever it is placed
FREE_CFLAGS += -fpie -fvisibility=hidden -mcmodel=small
# exceptions push onto the current stack: no red zone below RSP
FREE_CFLAGS += -mno-red-zone
# nothing from the hosted toolchain that needs run-time support
FREE_CFLAGS += -fno-stack-protector -fno-stack-check -fcf-protection=none
FREE_CFLAGS += -fno-asynchronous-unwind-tables -fno-omit-frame-pointer -fno-common
# let --gc-sections drop what nothing uses
FREE_CFLAGS += -ffunction-sections -fdata-sections
FREE_CFLAGS += -Wall -Wextra -Wshadow -Wvla -Wstrict-prototypes -Wmissing-prototypes -Werror
FREE_CFLAGS += -Iinclude -I.
# SSE is allowed: boot/head.asm enables it (CR4.OSFXSR) before any C runs.

NASMFLAGS := -f elf64 -g -F dwarf -Werror -Iboot/ -I$(B)/gen/

HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wshadow -Werror -D_GNU_SOURCE -Iinclude -I.

# ---- payload sources --------------------------------------------------------------------
PAYLOAD_ASM := boot/head.asm boot/exceptions.asm
PAYLOAD_C   := $(wildcard capture/*.c) $(wildcard drivers/*.c)
PAYLOAD_OBJ := $(PAYLOAD_ASM:%.asm=$(B)/payload/%.o) $(PAYLOAD_C:%.c=$(B)/payload/%.o)

# The image is linked twice, at two bases; identical bytes prove it is
# position independent (no absolute address got baked in).
LINK_BASE     := 0x0
LINK_BASE_ALT := 0x40000000
PAYLOAD_LDFLAGS := -static -nostdlib -z noexecstack -z max-page-size=4096 --no-warn-rwx-segments \
	--gc-sections --no-undefined -T linker/capture.ld

all: $(B)/capture.bin $(B)/capture.lst $(B)/capture.sym $(B)/check-pic.ok host

$(B)/gen/layout.inc: boot/layout.c include/crashcap/*.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(FREE_CFLAGS) -S -o $(B)/gen/layout.s $<
	$(Q)sed -n 's/.*->\([A-Z0-9_]*\) \$$\{0,1\}\([-0-9]*\).*/%define \1 \2/p' $(B)/gen/layout.s > $@.tmp
	$(Q)test -s $@.tmp || { echo "layout.inc: no definitions extracted"; exit 1; }
	$(Q)mv $@.tmp $@

$(B)/payload/%.o: %.asm $(B)/gen/layout.inc boot/x86.inc
	@mkdir -p $(@D)
	@echo "  NASM    $<"
	$(Q)$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -o $@ $<

$(B)/payload/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(FREE_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/capture.elf: $(PAYLOAD_OBJ) linker/capture.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(PAYLOAD_LDFLAGS) --defsym=CC_LINK_BASE=$(LINK_BASE) -Map=$(B)/capture.map -o $@ $(PAYLOAD_OBJ)

$(B)/capture-alt.elf: $(PAYLOAD_OBJ) linker/capture.ld
	$(Q)$(LD) $(PAYLOAD_LDFLAGS) --defsym=CC_LINK_BASE=$(LINK_BASE_ALT) -o $@ $(PAYLOAD_OBJ)

$(B)/%.bin: $(B)/%.elf
	$(Q)$(OBJCOPY) -O binary $< $@

$(B)/capture.lst: $(B)/capture.elf
	$(Q)$(OBJDUMP) -dr -M intel $< > $@

$(B)/capture.sym: $(B)/capture.elf
	$(Q)$(NM) -n $< > $@

$(B)/check-pic.ok: $(B)/capture.bin $(B)/capture-alt.bin
	$(Q)cmp -s $^ || { echo "capture.bin depends on its link address: an absolute address was baked in (pointer in static data?)"; cmp $^ | head -3; exit 1; }
	$(Q)touch $@

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# ---- host side: the crashcap command and host tools -----------------------------------
-include loader/loader.mk
-include purgatory/purgatory.mk
-include tests/unit/unit.mk
-include tests/tools/tools.mk
-include tests/qemu/drill.mk
-include tests/fuzz/fuzz.mk

host: $(HOST_TARGETS)

# ---- tests ---------------------------------------------------------------------------------
check: all
	$(Q)tests/run --no-deps --unit-only

test: all
	$(Q)tests/run --no-deps

drill: all
	$(Q)tests/qemu/drill --no-deps

bench: all
	$(Q)tests/qemu/bench --no-deps

clean:
	rm -rf $(B)

.PHONY: all host check test drill bench clean
