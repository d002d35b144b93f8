# tests/qemu/lib.sh - shared by the QEMU tests: run the payload under QEMU
# (TCG: no KVM is assumed) with a hard real-time limit, and check results.
# Source it; it sets ROOT, B and helpers.  Every check prints one line,
# "ok - WHAT" or "FAIL - WHAT", and counts failures in $FAILS.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
B=$ROOT/build
QEMU=${QEMU:-qemu-system-x86_64}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-180}
DEBUG_EXIT_PORT=0xf4
FAILS=0

# Exit codes QEMU gives for each payload status (include/crashcap/status.h):
# ((0x10 + status) << 1) | 1.
qemu_exit_code() { echo $(( ((0x10 + $1) << 1) | 1 )); }
EXIT_OK=$(qemu_exit_code 0)
EXIT_TARGET_FULL=$(qemu_exit_code 1)
EXIT_IO=$(qemu_exit_code 2)
EXIT_NO_DEVICE=$(qemu_exit_code 3)
EXIT_PARAMS=$(qemu_exit_code 4)
EXIT_EXCEPTION=$(qemu_exit_code 5)
EXIT_WRONG_DISK=$(qemu_exit_code 7)
EXIT_IOMMU=$(qemu_exit_code 10)

ok() { echo "ok - $*"; }
fail() { echo "FAIL - $*"; FAILS=$((FAILS + 1)); }
check() { # check DESCRIPTION COMMAND...: ok if the command succeeds
	local what=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$what"; else fail "$what"; fi
}

# run_payload LOG APPEND QEMU-ARGS...: boot build/capture.bin directly
# (multiboot) with the given command line; sets QEMU_RC.  The console
# (COM1) goes to LOG.  Killed after QEMU_TIMEOUT seconds (rc 124).
run_payload() {
	local log=$1 append=$2; shift 2
	local t0=$(date +%s.%N)
	timeout --kill-after=5 "$QEMU_TIMEOUT" "$QEMU" -accel tcg -nographic -no-reboot \
		-kernel "$B/capture.bin" -append "$append" \
		-device isa-debug-exit,iobase=$DEBUG_EXIT_PORT,iosize=4 \
		"$@" </dev/null >"$log" 2>&1
	QEMU_RC=$?
	QEMU_SECONDS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	[ "$QEMU_RC" = 124 ] && echo "  (QEMU killed after ${QEMU_TIMEOUT}s: payload did not finish)"
	return 0
}

check_exit() { # check_exit EXPECTED WHAT
	if [ "$QEMU_RC" = "$1" ]; then ok "$2 (QEMU exit $1)"; else fail "$2: QEMU exit $QEMU_RC, expected $1"; fi
}

check_console() { # check_console LOG REGEX WHAT
	if grep -Eq "$2" "$1"; then ok "$3"; else fail "$3: console has no line matching /$2/"; fi
}

show_console() { sed 's/^/  | /' "$1" | grep -a "capture:\|  rip\|  r" | tail -${2:-25}; }

# Disk images ---------------------------------------------------------------
# make_disk FILE MiB GUARD_BYTES: a sparse disk with GUARD_BYTES of random
# data at each end, so a test can tell whether anything outside the target
# window in between was written.
make_disk() {
	truncate -s "$(( $2 * 1048576 ))" "$1"
	head -c "$3" /dev/urandom | dd of="$1" conv=notrunc status=none
	head -c "$3" /dev/urandom | dd of="$1" bs=1M seek="$(( $2 * 1048576 - $3 ))" oflag=seek_bytes conv=notrunc status=none
}

sha_range() { # sha_range FILE START_BYTE LENGTH_BYTES
	tail -c +"$(( $2 + 1 ))" "$1" | head -c "$3" | sha256sum | cut -d' ' -f1
}

# header_field DISK_OR_FILE OFFSET_IN_TARGET FIELD: read `crashcap status`.
status_field() { # status_field IMAGE FIELD
	"$B/crashcap" status "$1" 2>/dev/null | awk -v f="$2" '$1 == f { $1 = ""; sub(/^ /, ""); print; exit }'
}

# extract_core IMAGE BYTE_OFFSET_OF_TARGET OUT: the core file of a target
# starting at byte offset, through `crashcap save` on a copy of the window.
window_copy() { # window_copy IMAGE START_SECTOR SECTORS OUT (sparse)
	dd if="$1" of="$4" bs=1M skip="$(( $2 * 512 ))" count="$(( $3 * 512 ))" \
		iflag=skip_bytes,count_bytes conv=sparse status=none
}

# Patterns: random files placed in guest RAM with -device loader.
# make_patterns DIR ADDR:KiB...  -> prints the -device args; files DIR/pat-ADDR
pattern_args() {
	local dir=$1; shift
	local spec
	for spec in "$@"; do
		local addr=${spec%%:*} kib=${spec#*:}
		head -c $(( kib * 1024 )) /dev/urandom > "$dir/pat-$addr"
		printf -- '-device loader,file=%s,addr=%s,force-raw=on ' "$dir/pat-$addr" "$addr"
	done
}
pattern_expect_args() { # -> "--expect ADDR:FILE..." for vmcore-probe
	local dir=$1; shift
	local spec
	printf -- '--expect '
	for spec in "$@"; do
		printf -- '%s:%s ' "${spec%%:*}" "$dir/pat-${spec%%:*}"
	done
}
