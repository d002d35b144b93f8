#!/bin/sh
# tests/qemu/bench-init.sh - /init of the benchmark's Linux guests
# (tests/qemu/bench builds the initramfs with tests/qemu/initramfs.sh --init).
#
# The flavour comes from crashcap.bench= on the kernel command line:
#   dd             write crashcap.ddmib=N MiB [1024] of /dev/zero to the
#                  target with busybox dd bs=4M, once per mode in
#                  crashcap.ddmodes=A,B [direct,fsync] (direct: oflag=direct;
#                  fsync: through the page cache, conv=fsync), timed with
#                  /proc/uptime; then power off
#   kdump          stock kdump, first kernel: `kexec -p /boot/vmlinuz
#                  --initrd=/boot/capture.cpio.gz` with crashcap.capture=A,B
#                  (commas for spaces) as the capture kernel's command line,
#                  then crash with sysrq
#   kdump-capture  stock kdump, capture kernel: dd if=/proc/vmcore
#                  of=TARGET bs=4M conv=fsync, then power off; with
#                  crashcap.mdf=N instead: mount TARGET (ext4, made by the
#                  host) and run `makedumpfile -l -d N /proc/vmcore
#                  /mnt/dump/vmcore` (the kdump-compressed file a
#                  distribution's kdump writes), sync, unmount, power off
# Also: crashcap.target=DEV [/dev/vda], crashcap.wait=SECONDS [60] (bound on
# each wait), crashcap.workload=ANON:CACHE:FREE (kdump: the used guest,
# tests/qemu/used-guest, after kexec -p and before the crash).  Lines the host parses start "CCBENCH "; times are
# /proc/uptime (10 ms):
#   CCBENCH boot | error WHAT | kdump-loaded | kdump-load-failed RC |
#           workload-ready | crash
#   CCBENCH dd MODE MIB T0 T1 RC
#   CCBENCH capture-start T VMCORE_BYTES
#   CCBENCH dump-done T0 T1 RC
#   CCBENCH dump-bytes N                 (makedumpfile: the file's size)

PATH=/bin:/sbin
export PATH

say() { echo "bench: $*"; }
event() { echo "CCBENCH $*"; }
stop() { sync; poweroff -f; sleep 5; echo o >/proc/sysrq-trigger; }
die() { event "error $*"; say "ERROR: $*"; stop; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /tmp && mount -t tmpfs tmpfs /tmp
event boot

flavour="" target=/dev/vda wait=60 ddmib=1024 ddmodes=direct,fsync capture="" workload="" mdf=""
for p in $(cat /proc/cmdline); do
	case $p in
	crashcap.bench=*)    flavour=${p#crashcap.bench=} ;;
	crashcap.target=*)   target=${p#crashcap.target=} ;;
	crashcap.wait=*)     wait=${p#crashcap.wait=} ;;
	crashcap.ddmib=*)    ddmib=${p#crashcap.ddmib=} ;;
	crashcap.ddmodes=*)  ddmodes=${p#crashcap.ddmodes=} ;;
	crashcap.capture=*)  capture=${p#crashcap.capture=} ;;
	crashcap.workload=*) workload=${p#crashcap.workload=} ;;
	crashcap.mdf=*)      mdf=${p#crashcap.mdf=} ;;
	esac
done
say "flavour ${flavour:-none}, kernel $(uname -r), $(sed -n 's/^MemTotal: *//p' /proc/meminfo) RAM, uptime $(uptime_s)s"

if [ -s /lib/modules/drill/order ]; then
	for ko in $(cat /lib/modules/drill/order); do
		insmod "/lib/modules/drill/$ko" || die "insmod $ko failed"
	done
fi
n=0
while [ ! -b "$target" ] && [ $n -lt $((wait * 10)) ]; do
	usleep 100000
	n=$((n + 1))
done
[ -b "$target" ] || die "waited ${wait}s for $target; it did not appear"

case $flavour in
dd)
	for mode in $(echo "$ddmodes" | tr ',' ' '); do
		case $mode in
		direct) flags="oflag=direct" ;;
		fsync) flags="conv=fsync" ;;
		*) die "crashcap.ddmodes: unknown mode $mode" ;;
		esac
		say "dd if=/dev/zero of=$target bs=4M count=$((ddmib / 4)) $flags"
		t0=$(uptime_s)
		dd if=/dev/zero of="$target" bs=4M count=$((ddmib / 4)) "$flags" 2>/tmp/dd.err
		rc=$?
		t1=$(uptime_s)
		[ $rc -eq 0 ] || say "dd failed: $(tail -n1 /tmp/dd.err)"
		event "dd $mode $((ddmib / 4 * 4)) $t0 $t1 $rc"
	done
	stop
	;;
kdump)
	cargs=$(echo "$capture" | tr ',' ' ')
	say "kexec -p /boot/vmlinuz --initrd=/boot/capture.cpio.gz --append=\"$cargs\""
	grep 'Crash kernel' /proc/iomem | sed 's/^/bench: iomem:/'
	kexec -p /boot/vmlinuz --initrd=/boot/capture.cpio.gz --append="$cargs" 2>/tmp/kexec.err
	rc=$?
	while read -r line; do say "kexec: $line"; done </tmp/kexec.err
	loaded=$(cat /sys/kernel/kexec_crash_loaded 2>/dev/null)
	if [ $rc -ne 0 ] || [ "$loaded" != 1 ]; then
		event "kdump-load-failed $rc"
		stop
	fi
	event kdump-loaded
	# what the initramfs cost: the capture kernel's files are no longer needed
	rm -f /boot/vmlinuz /boot/capture.cpio.gz
	if [ -n "$workload" ]; then
		used-guest "$workload" 1 "$wait" || die "the used guest's workload failed (above)"
		event workload-ready
	fi
	echo 1 >/proc/sys/kernel/sysrq
	event crash
	echo c >/proc/sysrq-trigger
	sleep 2
	die "the kernel is still running after sysrq-trigger c"
	;;
kdump-capture)
	[ -e /proc/vmcore ] || die "no /proc/vmcore in the capture kernel"
	event "capture-start $(uptime_s) $(stat -c %s /proc/vmcore)"
	if [ -n "$mdf" ]; then
		mkdir -p /mnt/dump
		mount -t ext4 "$target" /mnt/dump 2>/tmp/mount.err || die "mount -t ext4 $target: $(cat /tmp/mount.err)"
		say "makedumpfile -l -d $mdf /proc/vmcore /mnt/dump/vmcore"
		t0=$(uptime_s)
		makedumpfile -l -d "$mdf" /proc/vmcore /mnt/dump/vmcore >/tmp/dd.err 2>&1
		rc=$?
		sync
		t1=$(uptime_s)
		[ $rc -eq 0 ] || say "makedumpfile failed: $(grep -v '^$' /tmp/dd.err | tail -n1)"
		event "dump-bytes $(stat -c %s /mnt/dump/vmcore 2>/dev/null || echo 0)"
		umount /mnt/dump
	else
		t0=$(uptime_s)
		dd if=/proc/vmcore of="$target" bs=4M conv=fsync 2>/tmp/dd.err
		rc=$?
		sync
		t1=$(uptime_s)
		[ $rc -eq 0 ] || say "dd failed: $(tail -n1 /tmp/dd.err)"
	fi
	event "dump-done $t0 $t1 $rc"
	stop
	;;
*)
	die "crashcap.bench=$flavour: want dd, kdump or kdump-capture"
	;;
esac
