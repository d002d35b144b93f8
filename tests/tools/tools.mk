# tests/tools/tools.mk - host tools for the tests, included by the top-level
# Makefile.  Objects come from the $(B)/host/%.o rule in loader/loader.mk.
#
#   build/vmcore-probe  check an ELF64 core file (layout, expected bytes)
#   build/mktarget      write a fake crashcap target (tests/host/save_test.sh)
#   build/mkpages       write a CC_ENC_PAGES target with liblz4, check a core
#                       saved from it (tests/host/save_pages_test.sh)

VMCORE_PROBE_OBJ := $(B)/host/tests/tools/vmcore_probe.o
MKTARGET_OBJ := $(addprefix $(B)/host/, tests/tools/mktarget.o loader/uuid.o \
	capture/dumphdr.o capture/crc32.o)

MKPAGES_OBJ := $(addprefix $(B)/host/, tests/tools/mkpages.o loader/uuid.o \
	capture/dumphdr.o capture/crc32.o)

$(B)/mkpages: $(MKPAGES_OBJ)
	@echo "  HOSTLD  $@"
	$(Q)$(CC) -o $@ $^ -llz4

$(B)/vmcore-probe: $(VMCORE_PROBE_OBJ)
	@echo "  HOSTLD  $@"
	$(Q)$(CC) -o $@ $^

$(B)/mktarget: $(MKTARGET_OBJ)
	@echo "  HOSTLD  $@"
	$(Q)$(CC) -o $@ $^

HOST_TARGETS += $(B)/vmcore-probe $(B)/mktarget $(B)/mkpages
