# crashcap - one Makefile; every output lands under build/.
#
#   make            payload (build/capture.bin + .elf/.map/.lst/.sym) and the crashcap command
#   make check      host unit tests only (no QEMU)
#   make test       everything: unit tests and QEMU tests; ends with "N passed, N failed"
#   make drill      direct-boot drill in QEMU, narrated
#   make bench      benchmark (not a test): dump speed and footprint
#   make install    the command, units, config, man page, completion (PREFIX, DESTDIR)
#   make deb        build/crashcap_VERSION_amd64.deb (dpkg-deb, from a tree staged under build/deb)
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

# ---- lz4's block compressor: Debian's source of lz4, built freestanding (docs/lz4.md) ----
LZ4_VERSION := $(shell sed -n 's/^LZ4_VERSION=//p' scripts/lz4-source.sh)
LZ4_DIR     := $(B)/cache/lz4/lz4-$(LZ4_VERSION)/lib
LZ4_C       := $(LZ4_DIR)/lz4.c
# For lz4.c and every file that includes lz4.h, payload and host alike:
# no allocator, no libc headers; lz4 needs its memcpy of constant size inlined,
# so the three are gcc's builtins: inline for small constant sizes, else a
# call to boot/string.c's memcpy/memmove/memset.
LZ4_DEFS := -DLZ4_FREESTANDING=1 -I$(LZ4_DIR)
LZ4_DEFS += '-DLZ4_memcpy(d,s,n)=__builtin_memcpy(d,s,n)' '-DLZ4_memmove(d,s,n)=__builtin_memmove(d,s,n)'
LZ4_DEFS += '-DLZ4_memset(p,v,n)=__builtin_memset(p,v,n)'
# lz4.h marks its API visibility("default"): keep it hidden like ours (no
# GOT in the payload; in host tests it does not displace liblz4.so's own)
LZ4_DEFS += -DLZ4LIB_VISIBILITY= -fvisibility=hidden
# lz4.c only: it has static helpers without prototypes; gcc's limits.h
# alone (no C library's limits.h behind it)
LZ4_FOREIGN := -Wno-missing-prototypes -D_LIBC_LIMITS_H_
LZ4_USERS   := capture/lz4frame

$(LZ4_C):
	$(Q)scripts/lz4-source.sh $(B)/cache/lz4

$(B)/payload/$(LZ4_DIR)/lz4.o: FREE_CFLAGS += $(LZ4_DEFS) $(LZ4_FOREIGN)
$(B)/host/$(LZ4_DIR)/lz4.o: HOST_CFLAGS += $(LZ4_DEFS)
$(LZ4_USERS:%=$(B)/payload/%.o): FREE_CFLAGS += $(LZ4_DEFS)
$(LZ4_USERS:%=$(B)/host/%.o): HOST_CFLAGS += $(LZ4_DEFS)
$(LZ4_USERS:%=$(B)/payload/%.o) $(LZ4_USERS:%=$(B)/host/%.o): | $(LZ4_C)

# ---- payload sources --------------------------------------------------------------------
PAYLOAD_ASM := boot/head.asm boot/exceptions.asm boot/aptramp.asm boot/nap.asm
PAYLOAD_C   := $(wildcard capture/*.c) $(wildcard drivers/*.c) $(filter-out boot/layout.c,$(wildcard boot/*.c)) $(LZ4_C)
PAYLOAD_OBJ := $(PAYLOAD_ASM:%.asm=$(B)/payload/%.o) $(PAYLOAD_C:%.c=$(B)/payload/%.o)

# The image is linked twice, at two bases; identical bytes prove it is
# position independent (no absolute address got baked in).
LINK_BASE     := 0x0
LINK_BASE_ALT := 0x40000000
PAYLOAD_LDFLAGS := -static -nostdlib -z noexecstack -z max-page-size=4096 --no-warn-rwx-segments \
	--gc-sections --no-undefined -T linker/capture.ld

all: $(B)/capture.bin $(B)/capture.efi $(B)/capture.lst $(B)/capture.sym $(B)/check-pic.ok $(B)/check-free.ok $(B)/check-layers.ok host

$(B)/gen/layout.inc: boot/layout.c boot/aptramp.h include/crashcap/*.h
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

# capture.efi: capture.bin behind a setup block that makes it a bzImage for
# kexec_file_load and a PE/COFF image for sbsign (scripts/mkefi.c,
# docs/entry.md).  The payload bytes are capture.bin's, unchanged.
$(B)/host/scripts/mkefi: scripts/mkefi.c include/crashcap/bootparam.h include/crashcap/image.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $<

$(B)/capture.efi: $(B)/capture.bin $(B)/host/scripts/mkefi
	@echo "  MKEFI   $@"
	$(Q)$(B)/host/scripts/mkefi $< $@

$(B)/capture.lst: $(B)/capture.elf
	$(Q)$(OBJDUMP) -dr -M intel $< > $@

$(B)/capture.sym: $(B)/capture.elf
	$(Q)$(NM) -n $< > $@

$(B)/check-pic.ok: $(B)/capture.bin $(B)/capture-alt.bin
	$(Q)cmp -s $^ || { echo "capture.bin depends on its link address: an absolute address was baked in (pointer in static data?)"; cmp $^ | head -3; exit 1; }
	$(Q)touch $@

# Nothing only a hosted program has: no symbol left undefined, no access
# through %fs or %gs (stack canaries, thread-local storage, as Debian's
# liblz4.a has).  capture-all.elf keeps the LZ4 writer and the output stream
# (-u) even while nothing calls them, so this check and capture.ld's 1 MiB
# ASSERT cover their code and buffers.
CHECK_KEEP := lz4f_begin lz4f_put lz4f_end ostream_init ostream_put ostream_finish
$(B)/capture-all.elf: $(PAYLOAD_OBJ) linker/capture.ld
	$(Q)$(LD) $(PAYLOAD_LDFLAGS) --defsym=CC_LINK_BASE=$(LINK_BASE) $(CHECK_KEEP:%=-u %) -o $@ $(PAYLOAD_OBJ)

$(B)/check-free.ok: $(B)/capture-all.elf
	$(Q)! $(NM) -u $< | grep . || { echo "$<: undefined symbols (above)"; exit 1; }
	$(Q)! $(OBJDUMP) -d $< | grep -E '%[fg]s:' || { echo "$<: %fs/%gs access (above): hosted code in the payload"; exit 1; }
	$(Q)for s in $(CHECK_KEEP); do $(NM) $< | grep -q " T $$s$$" || { echo "$<: $$s not linked"; exit 1; }; done
	$(Q)touch $@

# Includes go one way: include/ <- boot/ <- drivers/ <- capture/, and
# include/ <- boot/ <- purgatory/ (scripts/check-layers.sh, docs/README.md).
LAYER_SRC := $(wildcard include/crashcap/*.h boot/*.[ch] drivers/*.[ch] capture/*.[ch] purgatory/*.[ch] \
	boot/efi/*.[ch] drivers/efi/*.[ch] capture/efi/*.[ch])
$(B)/check-layers.ok: scripts/check-layers.sh $(LAYER_SRC)
	@mkdir -p $(@D)
	$(Q)scripts/check-layers.sh || { echo "an include goes against the layers (above): move the code down a layer, or pass it in at run time"; exit 1; }
	$(Q)touch $@

# Only where objects are built: build/ also holds whole root trees (the
# system drill's image and run directories), with files such as
# /etc/rc2.d and /usr/sbin/invoke-rc.d.
-include $(shell find $(addprefix $(B)/,payload host purg fuzz gen qemu unit efi) -type f -name '*.d' 2>/dev/null)

# ---- host side: the crashcap command and host tools -----------------------------------
-include loader/loader.mk
-include purgatory/purgatory.mk
-include tests/unit/unit.mk
-include tests/tools/tools.mk
-include tests/qemu/drill.mk
-include tests/fuzz/fuzz.mk
-include loader/dist/dist.mk
-include capture/efi/hangcap.mk

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
