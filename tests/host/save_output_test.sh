#!/bin/bash
# tests/host/save_output_test.sh - how `crashcap save` writes FILE (issue 10):
# through a temp file created exclusively in FILE's directory (O_TMPFILE,
# or O_EXCL|O_NOFOLLOW with an unpredictable name), always mode 0600 and
# owned by the caller; never through a name someone else could have made,
# never resolving to the target, never replacing anything but a regular
# file, and every message naming FILE as the user typed it.
# As root, some checks use another user (nobody) and a 1 MiB tmpfs; without
# root they are skipped.
# Prints "ok - ..." or "FAIL - ..." per check; exits 1 if any failed.
set -u

. "$(dirname "$0")/lib.sh"
DATA_OFFSET=65536
N=$((64 * 4096))
same_as_data() { [ "$(stat -c %s "$1")" -eq "$3" ] && cmp -s -n "$3" -i "0:$DATA_OFFSET" "$1" "$2"; }
state_of() { "$CRASHCAP" status "$1" 2>/dev/null | sed -n 's/^state *//p'; }
root=0; [ "$(id -u)" -eq 0 ] && root=1
# listing: the directory's entries, to see that nothing was left behind
listing() { ls -A1 "${1:-.}"; }

# --- the target named FILE.tmp: `save d.tmp -o d` -----------------------------
"$MKTARGET" d.tmp --state complete --written $N || exit 1
cp d.tmp d.orig
run "$CRASHCAP" save d.tmp -o d
check "save d.tmp -o d: exit 0" [ "$rc" -eq 0 ]
check "...d is the dump" same_as_data d d.orig $N
check "...the target d.tmp is still there, only its header marked saved" \
	eval '[ -e d.tmp ] && cmp -s -i 128 d.tmp d.orig && [ "$(state_of d.tmp)" = saved ]'

# --- no name a save writes through is predictable ---------------------------------
"$MKTARGET" t.img --state complete --written $N || exit 1
printf 'not yours\n' >v.core.tmp
chmod 666 v.core.tmp
[ $root = 1 ] && chown 65534:65534 v.core.tmp
run "$CRASHCAP" save t.img -o v.core
check "a FILE.tmp made by someone else: save still works" [ "$rc" -eq 0 ]
check "...FILE.tmp is left alone" eval '[ "$(cat v.core.tmp)" = "not yours" ] && [ "$(stat -c %a v.core.tmp)" = 666 ]'
check "...FILE is mode 0600" [ "$(stat -c %a v.core)" = 600 ]
check "...FILE is owned by the caller" [ "$(stat -c %u v.core)" = "$(id -u)" ]
check "...FILE is the dump" same_as_data v.core t.img $N
for m in 0000 0277 0777; do
	(umask $m && "$CRASHCAP" save t.img -o u$m.core >/dev/null 2>&1)
	check "mode 0600 whatever the umask ($m)" [ "$(stat -c %a u$m.core 2>/dev/null)" = 600 ]
done

# -o '' is not a name: it wrote and deleted ./.tmp
printf 'keep me\n' >.tmp
run "$CRASHCAP" save t.img -o ''
check "-o '': refused in one line, exit 2" eval 'failed_one_line && [ "$rc" -eq 2 ]'
check "..../.tmp untouched" [ "$(cat .tmp)" = "keep me" ]

# The longest name a directory takes (255 bytes): FILE.tmp was too long.
long=$(printf 'c%.0s' $(seq 255))
run "$CRASHCAP" save t.img -o "$long"
check "a 255-character FILE name: saved" eval '[ "$rc" -eq 0 ] && same_as_data "$long" t.img $N'
rm -f "$long"

# Nothing left next to FILE: a save, and a refused one.
before=$(listing)
run "$CRASHCAP" save t.img -o w.core
check "after a save, only FILE is new in its directory" eval '[ "$rc" -eq 0 ] && [ "$(listing | grep -vx w.core)" = "$before" ]'
"$MKTARGET" part.img --state incomplete --written 10000 --total $N || exit 1
before=$(listing)
run "$CRASHCAP" save part.img -o p.core
check "after a refused save, nothing new in the directory" [ "$(listing)" = "$before" ]

# --- FILE never resolves to the target --------------------------------------------
"$MKTARGET" me.img --state complete --written $N || exit 1
cp me.img me.orig
ln -s me.img me.link
ln me.img me.hard
mkdir sub && ln -s ../me.img sub/me.link2
for f in me.link me.hard sub/me.link2; do
	for force in "" --force; do
		run "$CRASHCAP" save me.img -o $f $force
		check "-o $f $force (the target): refused in one line" eval 'failed_one_line && err_has "is the target"'
	done
done
check "...the target untouched" cmp -s me.img me.orig
check "...the symlink still a symlink" [ -L me.link ]

# --- --force replaces a regular file, nothing else --------------------------------
mkfifo ff
run timeout 10 "$CRASHCAP" save t.img -o ff --force
check "--force over a FIFO: refused in one line, not replaced" eval 'failed_one_line && err_has "ff is a FIFO" && [ -p ff ]'
ln -s v.core v.link
run "$CRASHCAP" save t.img -o v.link --force
check "--force over a symlink: refused, the link kept" eval 'failed_one_line && err_has "v.link is a symbolic link" && [ -L v.link ]'
mkdir adir
run "$CRASHCAP" save t.img -o adir --force
check "--force over a directory: refused" eval 'failed_one_line && err_has "adir is a directory" && [ -d adir ]'
if [ $root = 1 ]; then
	mknod cdev c 1 3   # /dev/null's numbers
	run "$CRASHCAP" save t.img -o cdev --force
	check "--force over a device node: refused, the node kept" eval 'failed_one_line && err_has "cdev is a character device" && [ -c cdev ]'
fi
printf 'old\n' >r.core
run "$CRASHCAP" save t.img -o r.core --force
check "--force over a regular file: replaced by the dump" eval '[ "$rc" -eq 0 ] && same_as_data r.core t.img $N && [ "$(stat -c %a r.core)" = 600 ]'

# --- messages name FILE ---------------------------------------------------------
run "$CRASHCAP" save t.img -o nodir/x.core
check "FILE in a missing directory: one line naming FILE" eval 'failed_one_line && err_has "nodir/x.core"'
# A file system too small, or filling up during the save: save_room_test.sh.

echo "$failures failed"
[ "$failures" -eq 0 ]
