#!/bin/bash
# tests/host/pfcheck_test.sh - the payload's page filter leaves out exactly
# the pages makedumpfile leaves out (dump level 30), on a real vmcore.
#
# The vmcore: a level-0 ELF dump of the crash drill's guest (Debian's 6.1
# cloud kernel, 1 GiB) with 16384 anonymous pattern pages, written with
# --keep-zeros so every page has data.  It is made once by the drill (QEMU,
# a few minutes under TCG) and kept in build/pfcheck-data/vmcore; set
# PFCHECK_VMCORE=FILE to use another level-0 vmcore instead.
# Then: `makedumpfile -d 30` (Debian's) turns it into a kdump-compressed
# file, and build/pfcheck compares that file's bitmap with what
# capture/pagefilter.c decides for every page.  docs/filtering.md has the
# figures and the differences that exist on other inputs.
# Prints "ok - ..." or "FAIL - ..." per check; exits 1 if any failed.
set -u
[ -z "${PFCHECK_VMCORE:-}" ] || PFCHECK_VMCORE=$(realpath -m -- "$PFCHECK_VMCORE")  # before lib.sh moves to $W

. "$(dirname "$0")/lib.sh"
PFCHECK=$ROOT/build/pfcheck
DATA=$ROOT/build/pfcheck-data
VMCORE=${PFCHECK_VMCORE:-$DATA/vmcore}
PATTERN_PAGES=16384

[ -x "$PFCHECK" ] || { fail "$PFCHECK missing: run make host"; exit 1; }
command -v makedumpfile >/dev/null || { fail "makedumpfile missing (scripts/deps.sh installs it)"; exit 1; }

# --- the vmcore, made once ------------------------------------------------------
if [ ! -s "$VMCORE" ]; then
	[ -z "${PFCHECK_VMCORE:-}" ] || { fail "PFCHECK_VMCORE=$VMCORE: no such file"; exit 1; }
	echo "# no $VMCORE yet: making it with the crash drill (once)"
	mkdir -p "$DATA"
	timeout 900 "$ROOT/tests/qemu/drill" --no-deps --no-build --keep --pages $PATTERN_PAGES \
		--load-args "--target /dev/vda --action poweroff --qemu-exit 0xf4 --keep-zeros --dump-level 0 --compress none" \
		>"$DATA/drill.log" 2>&1
	drc=$?
	kept=$(sed -n 's|^drill: kept \(build/drill-[^/]*\)/.*|\1|p' "$DATA/drill.log")
	if [ $drc -ne 0 ] || [ -z "$kept" ] || [ ! -s "$ROOT/$kept/vmcore" ]; then
		fail "the drill made no vmcore (exit $drc; $DATA/drill.log)"
		exit 1
	fi
	mv "$ROOT/$kept/vmcore" "$VMCORE.tmp" && mv "$VMCORE.tmp" "$VMCORE" && rm -rf "${ROOT:?}/$kept"
	ok "made $VMCORE with the drill"
fi

# --- makedumpfile's answer --------------------------------------------------------
run timeout 600 makedumpfile -d 30 "$VMCORE" d30.kdump
check "makedumpfile -d 30 made a kdump-compressed file" [ "$rc" -eq 0 -a -s d30.kdump ]

# --- ours, and the comparison -----------------------------------------------------------
run timeout 300 "$PFCHECK" "$VMCORE" d30.kdump
cat out
summary=$(grep '^pfcheck: ' out)
pages=$(sed -n 's/^pfcheck: \([0-9]*\) pages, .*/\1/p' <<<"$summary")
differ=$(sed -n 's/.* \([0-9]*\) differ$/\1/p' <<<"$summary")
counts=$(grep '^pages ' out)
num() { sed -n "s/.*[ (]$1 \([0-9]*\).*/\1/p" <<<"$counts"; }

check "pfcheck ran to the end (exit $rc; $(head -c 200 err))" [ "$rc" -le 1 -a -n "$summary" ]
if [ -z "${PFCHECK_VMCORE:-}" ]; then
	check "every page of the vmcore classified (${pages:-?} pages, all with data)" \
		[ "${pages:-0}" -gt 200000 -a "$(num nodata)" = 0 ]
else
	check "pages classified: ${pages:-?} (and $(num nodata) in zero tails, not classified)" [ "${pages:-0}" -gt 0 ]
fi
check "the same pages left out as makedumpfile: ${differ:-?} differ (diff lines above)" [ "${differ:-1}" = 0 ]
check "no page unsure (every struct page read and believable): $(num unsure)" [ "$(num unsure)" = 0 ]
if [ -z "${PFCHECK_VMCORE:-}" ]; then
	check "user pages include the $PATTERN_PAGES pattern pages: $(num user)" [ "$(num user)" -ge $PATTERN_PAGES ]
	check "free pages found: $(num free)" [ "$(num free)" -gt 100000 ]
	check "page cache found: $(num cache)" [ "$(num cache)" -gt 0 ]
fi

[ $failures -eq 0 ]
