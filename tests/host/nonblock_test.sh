#!/bin/bash
# tests/host/nonblock_test.sh - crashcap never blocks on what it is given:
# a FIFO (or another file that is not a block device or a regular file)
# named as DEV, as save's FILE or as load's --dry-run FILE is refused in one
# line, by its type, before anything opens it (issue 10).  Every command
# runs under `timeout`, so a hang shows as exit 124, not as a stuck test.
# Prints "ok - ..." or "FAIL - ..." per check; exits 1 if any failed.
set -u

. "$(dirname "$0")/lib.sh"
T=10   # seconds before a command counts as blocked
# refused_fast DESCRIPTION PATTERN: the last run was refused in one line naming PATTERN, in time
refused_fast() {
	if [ "$rc" -ne 124 ] && failed_one_line && err_has "$2"; then ok "$1"; else fail "$1 (rc $rc: $(head -c 300 err))"; fi
}

mkfifo fifo
run timeout $T "$CRASHCAP" status fifo
refused_fast "status FIFO: refused at once, by its type" "fifo is a FIFO"
run timeout $T "$CRASHCAP" save fifo -o out.core
refused_fast "save FIFO -o FILE: refused at once, by its type" "fifo is a FIFO"
check "...and no output" [ ! -e out.core ]
run timeout $T "$CRASHCAP" status /dev/null
refused_fast "status of a character device: says so" "/dev/null is a character device"
run timeout $T "$CRASHCAP" status "$W"
refused_fast "status of a directory: says so" "is a directory"
ln -s fifo fifo.link
run timeout $T "$CRASHCAP" status fifo.link
refused_fast "status of a symlink to a FIFO: refused at once" "fifo.link is a FIFO"

# load: the message names the type once ("is a FIFO, not a block device").
mkdir -p fake/proc && printf '00001000-7fffffff : System RAM\n  2f000000-2fffffff : Crash kernel\n' >fake/proc/iomem
run timeout $T "$CRASHCAP" load --root fake --dry-run x.dry --target fifo
refused_fast "load --target FIFO: named as a FIFO" "target fifo is a FIFO, not a block device"
check "...said once (was: 'not a block device, not a block device')" \
	[ "$(grep -o 'not a block device' err | wc -l)" -eq 1 ]

echo "$failures failed"
[ "$failures" -eq 0 ]
