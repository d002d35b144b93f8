#!/bin/bash
# tests/host/save_room_test.sh - `crashcap save` checks the room in FILE's
# file system before it writes anything (out_room, loader/save_output.h):
# the room it asks for is worked out here from how the test targets are
# made, and checked to the 4 KiB block on both sides (free = needed saves,
# one block less is refused in one line, the target left unsaved and
# nothing left in the directory), for each kind of output: a raw ELF from
# a file target (its holes need no room), a filtered dump as ELF and as
# kdump.  Then a file system that fills up during the save (after the
# check): one line naming FILE and the byte, nothing left.
#
# The small file systems are tmpfs mounts of a few KiB to MiB, in a mount
# namespace of this test's own (unshare: as root directly, else in a user
# namespace), so nothing is mounted on the host and nothing needs cleaning
# up if the test dies.  Without either, skipped, and says why.
set -u
. "$(dirname "$0")/mountns.sh"
own_mount_ns "the room check" "$@"

. "$(dirname "$0")/lib.sh"
need_built "$MKPAGES" "$KREAD"
DATA_OFFSET=65536
trap 'umount "$W/small" 2>/dev/null; rm -rf "$W"' EXIT
state_of() { "$CRASHCAP" status "$1" 2>/dev/null | sed -n 's/^state *//p'; }
# room DATA: what out_room asks for: DATA and 1/256 of it, each rounded up to 4 KiB
up4k() { echo $(( ($1 + 4095) / 4096 * 4096 )); }
room() { echo $(( $(up4k "$1") + $(up4k $(($1 / 256))) )); }
# small BYTES: a fresh, empty tmpfs of BYTES on ./small
small() {
	umount small 2>/dev/null
	mkdir -p small && mount -t tmpfs -o "size=$1,mode=700" crashcap-room small ||
		{ echo "FAIL - mount tmpfs size=$1"; exit 1; }
}
free_bytes() { echo $(( $(stat -f -c '%a * %S' small) )); }

# edge NAME IMG NEED SAVE-OPTIONS...: with NEED - 4096 free, refused (one line
# that gives both figures, exit 1, target unsaved, nothing left); with NEED
# free, saved.
edge() {
	local name=$1 img=$2 need=$3; shift 3
	cp --sparse=always "$img" "$img.orig"
	small $((need - 4096))
	check "$name: the tmpfs has $((need - 4096)) bytes free" [ "$(free_bytes)" -eq $((need - 4096)) ]
	run "$CRASHCAP" save "$img" -o small/vmcore "$@"
	check "$name: $((need - 4096)) bytes free, $need needed: refused in one line ($(cat err))" \
		eval 'failed_one_line && err_has "^crashcap: small/vmcore: not enough free space: its file system has $((need - 4096)) bytes .* free, this vmcore needs up to $need (.*); nothing saved$"'
	check "$name: ...the target not marked saved, not changed" cmp -s "$img" "$img.orig"
	check "$name: ...nothing left in the directory ($(ls -A small | tr '\n' ' '))" [ -z "$(ls -A small)" ]
	small "$need"
	run "$CRASHCAP" save "$img" -o small/vmcore "$@"
	check "$name: $need bytes free: saved ($(tail -n1 err))" eval '[ "$rc" -eq 0 ] && [ -s small/vmcore ]'
	check "$name: ...and marked saved" [ "$(state_of "$img")" = saved ]
}

# --- a raw ELF in a file target: the data area's extents ------------------------------
# mktarget writes every block of the data area (zeros too), so all of it is
# data; 64 blocks: 262144 bytes.
"$MKTARGET" elf.img --state complete --written 262144 || exit 1
edge "raw ELF, 64 blocks of data" elf.img "$(room 262144)"
check "raw ELF: the file is the data area" cmp -s -n 262144 -i "0:$DATA_OFFSET" small/vmcore elf.img
# A 1 GiB data area of holes but for the ELF head and one block per 256 MiB:
# 4 blocks of data, so 16 KiB of room for a 1 GiB vmcore.
"$MKTARGET" sparse.img --state complete --written $((1 << 30)) --sparse || exit 1
edge "raw ELF, 1 GiB, 4 blocks of data, holes elsewhere" sparse.img "$(room $((4 * 4096)))"
check "sparse raw ELF: 1 GiB long, 16 KiB on disk" \
	eval '[ "$(stat -c %s small/vmcore)" -eq $((1 << 30)) ] && [ "$(du -B1 small/vmcore | cut -f1)" -eq 16384 ]'

# --- a filtered dump: ELF and kdump ---------------------------------------------------
# 256 pages at 1 MiB, all kept (level 0): the ELF head (one page: Ehdr, two
# program headers, the notes) and 256 pages.
"$MKPAGES" pg.img --range 0x100000:0x100000 --level 0 >/dev/null || exit 1
cp pg.img pg2.img
edge "filtered, as ELF, 256 pages kept" pg.img "$(room $((4096 + 256 * 4096)))"
run "$MKPAGES" --check small/vmcore --range 0x100000:0x100000
check "filtered, as ELF: every page as it was ($(cat out))" eval '[ "$rc" -eq 0 ] && [ "$(cat out)" = "kept 256 excluded 0 absent 0 wrong 0" ]'
cp small/vmcore pg.elf
# kdump: the room is the blocks before the page data (headers, both
# bitmaps, 24-byte descriptors) and every page stored whole, read back
# here from the file with build/kdump-read.
small 4096
run "$CRASHCAP" save pg2.img -o small/vmcore --format kdump
need=$(sed -n 's/.*this vmcore needs up to \([0-9]*\) .*/\1/p' err)
small 16m
cp pg2.img pg2.copy
"$CRASHCAP" save pg2.copy -o small/k.kdump --format kdump >/dev/null 2>&1
"$KREAD" small/k.kdump --elf pg.elf >k.read 2>&1
read -r sub bm < <(awk '$1 == "header" { for (i = 2; i < NF; i++) { if ($i == "sub_hdr_size") s = $(i + 1); if ($i == "bitmap_blocks") b = $(i + 1) } print s, b }' k.read)
dumped=$(awk '$1 == "pages" { for (i = 2; i < NF; i++) if ($i == "dumped") print $(i + 1) }' k.read)
want=$(room $(( (1 + sub + bm) * 4096 + dumped * (24 + 4096) )))
check "kdump: the room asked for ($need) is (1 + $sub + $bm) blocks, $dumped descriptors and $dumped pages, and 1/256 ($want)" \
	eval '[ -n "$need" ] && [ -n "$dumped" ] && [ "$need" -eq "$want" ]'
edge "filtered, as kdump" pg2.img "$want" --format kdump
check "kdump: it reads back as the ELF save ($(tail -n1 k.read))" \
	eval '"$KREAD" small/vmcore --elf pg.elf >k2.read 2>&1 && grep -q "^compare match 256 excluded 0 differ 0 absent 0$" k2.read'

# --- the file system fills up after the check -------------------------------------------
# Room for the vmcore when save looks, then another file takes it: the
# write fails with one line naming FILE and its byte, nothing is left.
"$MKTARGET" fill.img --state complete --written $((2 << 20)) || exit 1
cp fill.img fill.img.orig
need=$(room $((2 << 20)))
small "$need"
"$CRASHCAP" save fill.img -o small/x.core --test-stop checked >out 2>err &
S=$!
if stopped $S; then
	head -c $((need - (512 << 10))) /dev/zero >small/other 2>/dev/null
	kill -CONT $S
	wait $S; rc=$?
	byte=$(sed -n 's/.*small\/x.core: writing byte \([0-9]*\): No space left on device$/\1/p' err)
	check "filled during the save: one line naming FILE and the byte ($(cat err))" \
		eval 'failed_one_line && [ -n "$byte" ] && [ "$byte" -ge $((256 << 10)) ] && [ "$byte" -lt $((2 << 20)) ]'
	check "...never a temp file" eval '! grep -q "\.tmp\|crashcap-" err'
	check "...nothing of save's left in the directory ($(ls -A small | tr '\n' ' '))" [ "$(ls -A small)" = other ]
	check "...the target unchanged, not marked saved" cmp -s fill.img fill.img.orig
else
	kill -9 $S 2>/dev/null; wait $S 2>/dev/null
	fail "save did not stop at --test-stop checked ($(cat err))"
fi

if [ "$failures" -ne 0 ]; then
	echo "save_room_test: $failures failed"
	exit 1
fi
echo "save_room_test: all passed"
