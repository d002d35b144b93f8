# loader/loader.mk - the crashcap command (build/crashcap), included by the
# top-level Makefile.
#
# Host objects: every hosted build of a source file X.c, for the command,
# the test tools (tests/tools/tools.mk) and the unit tests
# (tests/unit/unit.mk), is $(B)/host/X.o, built by the one rule below.  The
# pure capture/ modules are compiled hosted from the same sources the
# payload uses, never copied.

$(B)/host/%.o: %.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) $(HOST_CFLAGS) -MMD -MP -c -o $@ $<

CRASHCAP_SRC := loader/main.c loader/status.c loader/save.c loader/sparse_copy.c \
	loader/progress.c loader/target_io.c loader/uuid.c \
	capture/dumphdr.c capture/crc32.c
CRASHCAP_OBJ := $(CRASHCAP_SRC:%.c=$(B)/host/%.o)

$(B)/crashcap: $(CRASHCAP_OBJ)
	@echo "  HOSTLD  $@"
	$(Q)$(CC) -o $@ $^

HOST_TARGETS += $(B)/crashcap
