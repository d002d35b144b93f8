# tests/host/lib.sh - shared by the host tests of the crashcap command.
# Source it from a test; it sets ROOT, CRASHCAP, MKTARGET, makes and enters a
# scratch directory $W (removed on exit) and defines the check helpers.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CRASHCAP=$ROOT/build/crashcap
MKTARGET=$ROOT/build/mktarget

for bin in "$CRASHCAP" "$MKTARGET"; do
	[ -x "$bin" ] || { echo "FAIL - $bin missing: run make host"; exit 1; }
done

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
