# capture/efi/hangcap.mk - build/hangcap.efi, a PE32+ UEFI application, with
# gnu-efi as Debian packages it (dpkg -L gnu-efi): its headers, crt0, linker
# script and the two libraries.  Included by the top-level Makefile;
# docs/hangcap.md says why each flag is there.
#
#   make hangcap    build/hangcap.efi (and the test app build/bootprobe.efi)
#   make all        includes it when gnu-efi is installed (scripts/deps.sh)

EFI_INC    := /usr/include/efi
EFI_CRT0   := /usr/lib/crt0-efi-x86_64.o
EFI_LDS    := /usr/lib/elf_x86_64_efi.lds
EFI_LIBDIR := /usr/lib

EFI_CFLAGS :=
EFI_CFLAGS += -std=gnu11 -O2 -g
# no C library; gnu-efi's headers and gcc's stdint/stddef only
EFI_CFLAGS += -ffreestanding -nostdlib -nostdinc -isystem $(GCC_INCLUDE) -isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64
# a shared object gnu-efi's crt0 relocates itself (_relocate: R_X86_64_RELATIVE only)
EFI_CFLAGS += -fpic -fvisibility=hidden
# UEFI's strings are UTF-16 (L""); firmware interrupts run on our stack
EFI_CFLAGS += -fshort-wchar -mno-red-zone
# call the firmware with ms_abi directly (gcc's attribute), no wrapper thunk
EFI_CFLAGS += -DGNU_EFI_USE_MS_ABI
EFI_CFLAGS += -fno-stack-protector -fno-stack-check -fcf-protection=none -fno-asynchronous-unwind-tables
EFI_CFLAGS += -Wall -Wextra -Wshadow -Wvla -Wstrict-prototypes -Wmissing-prototypes -Werror
EFI_CFLAGS += -Iinclude -I.

EFI_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic --no-undefined -T $(EFI_LDS) -L$(EFI_LIBDIR)
# the sections of a gnu-efi application, as its own Makefiles copy them
EFI_SECTIONS := .text .sdata .data .dynamic .dynsym .rel .rela .reloc

# hangcap.efi: its own files (efi/ subdirectories), then the payload's
# capture code unchanged - dump_run and everything it calls - with the
# boot/ and drivers/ files it needs that do not touch the hardware the
# firmware owns (the RTC is read as in the payload; docs/hangcap.md).
HANGCAP_OWN   := capture/efi/hangcap.c capture/efi/hangparams.c boot/efi/efiutil.c boot/efi/console.c \
	boot/efi/timer.c drivers/efi/blockio.c
HANGCAP_SHARED := capture/hangrec.c capture/crc32.c capture/dump.c capture/blkq.c capture/coremap.c \
	capture/dumphdr.c capture/elfcore.c capture/notes.c capture/ostream.c capture/pagedump.c \
	capture/pagefilter.c capture/ranges.c capture/stream.c capture/lz4frame.c capture/packq.c capture/xxh32.c capture/kvtop.c \
	drivers/rtc.c drivers/civil_time.c boot/clock.c boot/console.c boot/poll.c boot/format.c boot/string.c
HANGCAP_SRC   := $(HANGCAP_OWN) $(HANGCAP_SHARED) $(LZ4_C)
BOOTPROBE_SRC := tests/tools/efi/bootprobe.c boot/efi/efiutil.c

$(B)/efi/%.o: %.c
	@mkdir -p $(@D)
	@echo "  EFICC   $<"
	$(Q)$(CC) $(EFI_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/%.so: $(EFI_CRT0) $(EFI_LDS)
	@echo "  EFILD   $@"
	$(Q)$(LD) $(EFI_LDFLAGS) -o $@ $(EFI_CRT0) $(filter %.o,$(filter-out $(EFI_CRT0),$^)) -lefi -lgnuefi
	$(Q)! $(NM) -u $@ | grep . || { echo "$@: undefined symbols (above)"; rm -f $@; exit 1; }
	$(Q)! readelf -rW $@ | awk '/^ *[0-9a-f]+ +[0-9a-f]+ +R_/ && $$3 != "R_X86_64_RELATIVE"' | grep . || \
		{ echo "$@: relocations gnu-efi's _relocate does not apply (above)"; rm -f $@; exit 1; }

# lz4 as the payload builds it (Makefile, LZ4_DEFS)
$(B)/efi/$(LZ4_DIR)/lz4.o: EFI_CFLAGS += $(LZ4_DEFS) $(LZ4_FOREIGN)
$(B)/efi/capture/lz4frame.o: EFI_CFLAGS += $(LZ4_DEFS)
$(B)/efi/$(LZ4_DIR)/lz4.o $(B)/efi/capture/lz4frame.o: | $(LZ4_C)

# gnu-efi's init.o (InitializeLib) also defines memcpy and memset, as byte
# loops; boot/string.c's are the payload's (and faster).  A copy of init.o
# with those two weak lets ours win without a duplicate definition.
$(B)/efi/libefi-init.o: $(EFI_LIBDIR)/libefi.a
	@mkdir -p $(@D)
	$(Q)cd $(@D) && ar x $< init.o && mv init.o libefi-init.tmp.o
	$(Q)$(OBJCOPY) -W memcpy -W memset $(@D)/libefi-init.tmp.o $@ && rm -f $(@D)/libefi-init.tmp.o

$(B)/hangcap.so: $(HANGCAP_SRC:%.c=$(B)/efi/%.o) $(B)/efi/libefi-init.o
$(B)/bootprobe.so: $(BOOTPROBE_SRC:%.c=$(B)/efi/%.o)

$(B)/%.efi: $(B)/%.so
	@echo "  PE32+   $@"
	$(Q)$(OBJCOPY) $(EFI_SECTIONS:%=-j %) --target=efi-app-x86_64 --subsystem=10 $< $@
	$(Q)objdump -f $@ | grep -q 'file format pei-x86-64' || { echo "$@: not a PE32+ x86-64 image"; exit 1; }

hangcap: $(B)/hangcap.efi $(B)/bootprobe.efi

# make all builds it only where gnu-efi is installed
ifneq ($(wildcard $(EFI_CRT0)),)
HOST_TARGETS += $(B)/hangcap.efi $(B)/bootprobe.efi
endif

.PHONY: hangcap
