#!/bin/bash
# tests/host/crashcap_save_test.sh - the boot-time save script
# (loader/dist/crashcap-save.in) on the host, where no crash happened: its
# KEEP pruning on real directories, and its refusals that come before any
# dump is read.  The save of a real dump runs in tests/qemu/system_drill.
set -u

. "$(dirname "$0")/lib.sh"

SCRIPT=$ROOT/loader/dist/crashcap-save.in
check "crashcap-save parses as POSIX sh (sh -n)" sh -n "$SCRIPT"

# prune DIR KEEP, from the script itself (CRASHCAP_SAVE_LIB=1: functions only)
prune_in() { CRASHCAP_SAVE_LIB=1 sh -c '. "$1"; prune "$2" "$3"' sh "$SCRIPT" "$1" "$2"; }

d=$W/crash
mkdir -p "$d"/20260101-000000 "$d"/20260102-000000 "$d"/20260103-000000 "$d"/20260103-000000.1 \
	"$d"/lost+found "$d"/notes "$d"/2026-01-04
: >"$d"/20260104-000000 # a file named like a dump: not a dump directory
touch "$d"/20260101-000000/vmcore

out=$(prune_in "$d" 0)
check "KEEP=0 removes nothing" [ "$(ls "$d" | wc -l)" -eq 8 -a -z "$out" ]
out=$(prune_in "$d" 3)
check "KEEP=3 leaves the 2 newest dumps (room for the one being saved), oldest first" \
	[ "$(cd "$d" && ls -d [0-9]*-[0-9]* | tr '\n' ' ')" = "2026-01-04 20260103-000000 20260103-000000.1 20260104-000000 " ]
check "KEEP=3 says what it removed" \
	[ "$out" = "crashcap-save: removed the old dump $d/20260101-000000 (KEEP=3)
crashcap-save: removed the old dump $d/20260102-000000 (KEEP=3)" ]
out=$(prune_in "$d" 1)
check "KEEP=1 removes every dump directory, and nothing else" \
	[ "$(ls "$d" | tr '\n' ' ')" = "2026-01-04 20260104-000000 lost+found notes " ]

# The script as the unit runs it, with a config that names no target, one
# that does not parse, and a target that does not exist.
cfg=$W/c.conf
run env CRASHCAP="$CRASHCAP" CRASHCAP_CONFIG="$cfg" sh "$SCRIPT"
refused() { if failed_one_line && err_has "$2"; then ok "$1"; else fail "$1 (rc $rc, stderr: $(head -c 300 err | tr '\n' '|'))"; fi; }
refused "a config file that does not exist: one line" "^crashcap-save: crashcap: $cfg: No such file or directory$"
printf 'TARGET=\n' >"$cfg"
run env CRASHCAP="$CRASHCAP" CRASHCAP_CONFIG="$cfg" sh "$SCRIPT"
check "no TARGET: nothing to do, exit 0" [ "$rc" -eq 0 -a ! -s err ] && grep -q "no TARGET in $cfg: nothing to save" out
printf 'TARGET=/dev/disk/by-id/x\nKEEP=two\n' >"$cfg"
run env CRASHCAP="$CRASHCAP" CRASHCAP_CONFIG="$cfg" sh "$SCRIPT"
refused "a bad config: crashcap's own line, naming the file and line" "^crashcap-save: crashcap: $cfg:2: KEEP=two: "
printf 'TARGET=/dev/disk/by-id/crashcap-test-no-such-disk\n' >"$cfg"
run env CRASHCAP="$CRASHCAP" CRASHCAP_CONFIG="$cfg" sh "$SCRIPT"
refused "a TARGET that does not exist: one line" \
	"^crashcap-save: TARGET=/dev/disk/by-id/crashcap-test-no-such-disk ($cfg) does not exist: is the disk attached"

echo "$failures failed"
[ "$failures" -eq 0 ]
