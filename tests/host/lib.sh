# tests/host/lib.sh - shared by the host tests of the crashcap command.
# Source it from a test; it sets ROOT, CRASHCAP, MKTARGET, makes and enters a
# scratch directory $W (removed on exit) and defines the check helpers.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CRASHCAP=$ROOT/build/crashcap
MKTARGET=$ROOT/build/mktarget
MKPAGES=$ROOT/build/mkpages    # page-encoded targets (tests/tools)
KREAD=$ROOT/build/kdump-read   # the independent kdump reader (tests/tools)

# need_built FILE...: stop the test at once if make host has not built FILE
need_built() {
	local bin
	for bin in "$@"; do
		[ -x "$bin" ] || { echo "FAIL - $bin missing: run make host"; exit 1; }
	done
}
need_built "$CRASHCAP" "$MKTARGET"

W=$(mktemp -d "${TMPDIR:-/tmp}/$(basename "$0" .sh).XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1

failures=0
ok()   { echo "ok - $1"; }
fail() { echo "FAIL - $1"; failures=$((failures + 1)); }
# check DESCRIPTION COMMAND...: ok if COMMAND succeeds
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

# run COMMAND...: sets $rc, keeps stdout in out, stderr in err
run() { "$@" >out 2>err; rc=$?; }
failed_one_line() { [ "$rc" -ne 0 ] && [ "$(wc -l <err)" -eq 1 ]; }
err_has() { grep -q -- "$1" err; }

# stopped PID: wait (at most 30 s) until PID has stopped itself (state T,
# save's --test-stop); 1 if it exits or the 30 s pass first
stopped() {
	for _ in $(seq 300); do
		[ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" = T ] && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
