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

HANGCAP_SRC   := capture/efi/hangcap.c boot/efi/efiutil.c capture/hangrec.c capture/crc32.c
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

$(B)/hangcap.so: $(HANGCAP_SRC:%.c=$(B)/efi/%.o)
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
