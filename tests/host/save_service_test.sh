#!/bin/bash
# tests/host/save_service_test.sh - the boot-time save as systemd runs it
# (crashcap-save.service: its ExecCondition= and ExecStart= lines, read
# from loader/dist/crashcap-save.service.in and installed as `make
# install` does), against dump targets made by build/mkpages, with
# /etc/crashcap.conf naming the target by /dev/disk/by-id:
#   - SAVE_FORMAT=kdump: the vmcore in SAVE_DIR/YYYYMMDD-HHMMSS/ reads back
#     with build/kdump-read, page for page the ELF save of the same dump;
#     with a real kernel's dump (build/pfcheck-data/vmcore, made by
#     tests/host/pfcheck_test.sh) dmesg.txt is makedumpfile --dump-dmesg's
#     reading of it, and equal to vmcore-dmesg's of the original vmcore;
#     without a kernel log the vmcore stays and one line says so;
#   - SAVE_DIR too small: one line in the journal's words, exit 1, nothing
#     in SAVE_DIR, the target still unsaved; with room, saved.
# It runs in a mount namespace of its own (unshare: as root directly, else
# in a user namespace), where /dev is a small tmpfs holding
# /dev/disk/by-id/crashcap-test (a symlink to the target file) and the
# nodes the script uses, /etc a copy with crashcap.conf in it, and SAVE_DIR
# a tmpfs: the host's /dev and /etc are never touched.  Without a mount
# namespace, skipped, and says why.
set -u
. "$(dirname "$0")/mountns.sh"
own_mount_ns "the boot-time save" "$@"

. "$(dirname "$0")/lib.sh"
need_built "$MKPAGES" "$KREAD"
trap 'umount "$W/crash" 2>/dev/null; rm -rf "$W"' EXIT
state_of() { "$CRASHCAP" status "$1" 2>/dev/null | sed -n 's/^state *//p'; }
LINK=/dev/disk/by-id/crashcap-test

# --- the installed files: the units' commands, as make install writes them ------------
mkdir -p inst/sbin inst/lib/crashcap
cp "$CRASHCAP" inst/sbin/crashcap
sed -e "s|@SBINDIR@|$W/inst/sbin|g" -e "s|@LIBEXECDIR@|$W/inst/lib/crashcap|g" \
	"$ROOT/loader/dist/crashcap-save.in" >inst/lib/crashcap/crashcap-save
chmod 0755 inst/lib/crashcap/crashcap-save
unit_line() { sed -n "s|^$1=||p" "$ROOT/loader/dist/crashcap-save.service.in" |
	sed -e "s|@SBINDIR@|$W/inst/sbin|g" -e "s|@LIBEXECDIR@|$W/inst/lib/crashcap|g"; }
COND=$(unit_line ExecCondition) START=$(unit_line ExecStart)
[ -n "$COND" ] && [ -n "$START" ] || { echo "FAIL - no ExecCondition=/ExecStart= in crashcap-save.service.in"; exit 1; }

# --- /dev and /etc of this namespace ----------------------------------------------------
mkdir newdev newetc
mount -t tmpfs -o size=1m,mode=755 crashcap-dev newdev || { echo "FAIL - mount tmpfs on newdev"; exit 1; }
for n in null zero full random urandom; do
	touch "newdev/$n" && mount --bind "/dev/$n" "newdev/$n" || { echo "FAIL - bind /dev/$n"; exit 1; }
done
mkdir -p newdev/disk/by-id
cp -a /etc/. newetc/ 2>/dev/null # what cannot be read (shadow, as a user) is not needed
mount --move newdev /dev && mount --bind newetc /etc || { echo "FAIL - /dev and /etc of the namespace"; exit 1; }
# conf KEY=VALUE...: /etc/crashcap.conf with TARGET the link and SAVE_DIR ./crash
conf() { printf '%s\n' "TARGET=$LINK" "SAVE_DIR=$W/crash" "$@" >/etc/crashcap.conf; }
# crash BYTES: a fresh tmpfs of BYTES as SAVE_DIR
crash() {
	umount crash 2>/dev/null
	mkdir -p crash && mount -t tmpfs -o "size=$1,mode=700" crashcap-crash crash || { echo "FAIL - mount tmpfs crash"; exit 1; }
}
# service: ExecCondition=, then ExecStart= as systemd would run them
service() {
	$COND >cond.out 2>&1 || { rc=$?; echo "ExecCondition= exit $rc: $(cat cond.out)" >err; : >out; return; }
	run $START
}
dirs() { ls -A crash; }

conf SAVE_FORMAT=kdump
if command -v systemd-escape >/dev/null; then
	mkdir gen
	sed "s|@SBINDIR@|$W/inst/sbin|g" "$ROOT/loader/dist/crashcap-generator.in" >gen.sh
	sh gen.sh "$W/gen"
	check "the generator orders the save after the target's device ($(tail -n1 gen/crashcap-save.service.d/50-target.conf 2>&1))" \
		grep -qxF "After=$(systemd-escape --path --suffix=device "$LINK")" gen/crashcap-save.service.d/50-target.conf
else
	echo "skip - no systemd-escape (package systemd): the generator not run"
fi

# --- SAVE_FORMAT=kdump, a dump without a kernel log -------------------------------------
SRC=(--range 0x100000:0x800000 --range 0x1000000:0x800000 --exclude 0x200000:255 --exclude-zero)
"$MKPAGES" syn.img "${SRC[@]}" >/dev/null || exit 1
cp syn.img syn.ref.img
"$CRASHCAP" save syn.ref.img -o syn.elf >/dev/null 2>&1 || { echo "FAIL - the ELF save of syn.img"; exit 1; }
ln -sfn "$W/syn.img" "$LINK"
conf SAVE_FORMAT=kdump
crash 64m
service
d=crash/20231114-221320 # mkpages' start_time, 1700000000
check "kdump, no kernel log: exit 1, the one line says the vmcore is saved without its log ($(cat err))" \
	eval '[ "$rc" -eq 1 ] && [ "$(wc -l <err)" -eq 1 ] && err_has "^crashcap-save: the vmcore is saved, but its kernel log could not be read: "'
check "kdump, no kernel log: $d/vmcore is there, the target marked saved" \
	eval '[ "$(dirs)" = 20231114-221320 ] && [ -s $d/vmcore ] && [ "$(state_of syn.img)" = saved ]'
"$KREAD" $d/vmcore --elf syn.elf >syn.read 2>&1
check "kdump, no kernel log: kdump-read reads it, every page as the ELF save's ($(tail -n1 syn.read))" \
	eval 'grep -q "^compare match [1-9][0-9]* excluded [0-9]* differ 0 absent 0$" syn.read'
check "kdump: the directory 0700, the vmcore 0600, status.txt the header as status said" \
	eval '[ "$(stat -c %a $d)" = 700 ] && [ "$(stat -c %a $d/vmcore)" = 600 ] && grep -q "^state  *dump complete$" $d/status.txt'
service
check "run again: nothing to save, exit 0, still one directory ($(cat out))" \
	eval '[ "$rc" -eq 0 ] && grep -q "saved.*: nothing to save$" out && [ "$(dirs)" = 20231114-221320 ]'

# --- SAVE_FORMAT=kdump, a real kernel's dump: the kernel log -----------------------------
VMCORE=$ROOT/build/pfcheck-data/vmcore
if [ -s "$VMCORE" ] && command -v makedumpfile >/dev/null && command -v vmcore-dmesg >/dev/null; then
	"$MKPAGES" real.img --elf "$VMCORE" --exclude-zero --alias >/dev/null || exit 1
	cp --sparse=always real.img real.ref.img
	"$CRASHCAP" save real.ref.img -o real.elf >/dev/null 2>&1 || { echo "FAIL - the ELF save of real.img"; exit 1; }
	ln -sfn "$W/real.img" "$LINK"
	crash 1g
	service
	check "kdump, a real kernel: exit 0, saved and the log read ($(tr '\n' ' ' <out)$(cat err))" \
		eval '[ "$rc" -eq 0 ] && [ ! -s err ] && grep -q "^crashcap-save: saved the dump on $LINK to $W/$d/vmcore" out &&
		      grep -q "^crashcap-save: kernel log: $W/$d/dmesg.txt ([1-9][0-9]* lines)$" out'
	"$KREAD" $d/vmcore --elf real.elf >real.read 2>&1
	check "kdump, a real kernel: kdump-read reads it, every page as the ELF save's ($(tail -n1 real.read))" \
		eval 'grep -q "^compare match [1-9][0-9]* excluded [0-9]* differ 0 absent 0$" real.read'
	vmcore-dmesg "$VMCORE" >want.dmesg 2>/dev/null
	check "kdump, a real kernel: dmesg.txt is vmcore-dmesg's log of the original vmcore, byte for byte ($(wc -l <want.dmesg) lines)" \
		eval '[ -s want.dmesg ] && cmp -s want.dmesg $d/dmesg.txt'
	run timeout 120 makedumpfile --dump-dmesg $d/vmcore again.dmesg
	check "kdump, a real kernel: makedumpfile --dump-dmesg reads the saved file again" \
		eval '[ "$rc" -eq 0 ] && cmp -s want.dmesg again.dmesg'
else
	echo "skip - no $VMCORE (tests/host/pfcheck_test.sh makes it), or no makedumpfile/vmcore-dmesg: the kernel log of a kdump save not checked"
fi

# --- SAVE_DIR too small ----------------------------------------------------------------
"$MKPAGES" room.img "${SRC[@]}" >/dev/null || exit 1
cp room.img room.orig
ln -sfn "$W/room.img" "$LINK"
conf SAVE_FORMAT=elf
crash 1m
service
check "SAVE_DIR too small: exit 1, one line: crashcap save's, and what to do ($(cat err))" \
	eval '[ "$rc" -eq 1 ] && [ "$(wc -l <err)" -eq 1 ] &&
	      err_has "^crashcap-save: $LINK: crashcap: $W/crash/20231114-221320/vmcore: not enough free space: its file system has [0-9]* bytes .* free, this vmcore needs up to [0-9]* (.*); nothing saved (free space in $W/crash, or set SAVE_DIR or KEEP in /etc/crashcap.conf)$"'
check "SAVE_DIR too small: nothing left in SAVE_DIR ($(dirs | tr '\n' ' '))" [ -z "$(dirs)" ]
check "SAVE_DIR too small: the target unchanged, still unsaved" \
	eval 'cmp -s room.img room.orig && [ "$(state_of room.img)" = "dump complete" ]'
crash 64m
service
check "with room: saved (exit 1 only for the kernel log this synthetic dump lacks: $(cat err))" \
	eval '[ "$rc" -eq 1 ] && err_has "^crashcap-save: the vmcore is saved, but its kernel log could not be read" &&
	      [ "$(dirs)" = 20231114-221320 ] && [ -s crash/20231114-221320/vmcore ] && [ "$(state_of room.img)" = saved ]'

if [ "$failures" -ne 0 ]; then
	echo "save_service_test: $failures failed"
	exit 1
fi
echo "save_service_test: all passed"
