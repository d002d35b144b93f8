#!/usr/bin/env bash
# tests/qemu/drill_test.sh - the crash drill (tests/qemu/drill) as test cases,
# for tests/run (group "drill"):
#
#   tests/qemu/drill_test.sh --list                 the case names, one a line
#   tests/qemu/drill_test.sh CASE [DRILL OPTIONS]   run one case
#
# A case is a set of drill options; the drill itself boots the guest, crashes
# it, and prints one "ok - ..." / "FAIL - ..." line per check, the checks
# depending on its --scenario.  Exit status: the drill's (0 only if every
# check passed; 1 a check failed; 2 unknown case or the drill could not be
# set up).  Extra options go to the drill after the case's, e.g. --keep or
# --console.  Needs `make all` first (tests/run does it): the drill runs
# with --no-deps --no-build.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)

# name|drill options.  Every case crashes a real kernel under TCG; each takes
# ~6-20 s on the shared 2-core machine (the ahci cases boot Debian's generic
# kernel).  "--cpu N" with N = --smp - 1 pins the patterns and the crashing
# task to the last CPU (taskset): the crash is taken on a CPU other than the
# boot CPU; the drill checks the panic ran there and, through QEMU's
# monitor, that only that CPU and the helper CPUs it started (to pack LZ4
# blocks, never the boot CPU: docs/smp.md) ran while the rest stayed
# halted, and that the helpers packed blocks.  pc-2cpu-boot crashes on the
# boot CPU 0, so CPU 1 is a helper; pc-2cpu's crash on CPU 1 leaves none.
# The scenarios and their checks: docs/drill.md, "Scenarios".
#
# Every case runs at the loader's defaults (dump level 31, LZ4): a filtered
# dump must keep the kernel-memory pattern pages and leave out the
# anonymous ones; the io-error cases keep the raw ELF of level 0 (the drill
# asks for it there).  level0 and level0-lz4 ask for level 0: every pattern
# page, the anonymous ones at their addresses, as the raw ELF and as LZ4
# frames.  used-1g crashes a guest that has page cache, anonymous and freed
# memory (--workload used) at the defaults.  ck2m-2cpu: the smallest
# reservation the payload is made for, crashkernel=2M, a 1 GiB 2-CPU guest at
# the defaults.  pc-1cpu and level0 also open their
# vmcores in crash and drgn (--crash-drgn: ~35-45 s more each, the debug
# vmlinux downloaded once into ~/.cache/crashcap/vmlinux); k612-level31
# boots bookworm-security's 6.12 (--kernel-package linux-image-6.12-amd64).
# kexec-file-ovmf and ovmf-q35-2cpu boot the kernel through OVMF (Secure
# Boot off): both syscalls on a UEFI machine.
# secure-boot: q35 with OVMF's Secure Boot firmware and Debian's snakeoil
# key, the kernel re-signed with it (tests/qemu/secboot.sh): lockdown
# refuses kexec_load and an unsigned image, the signed build/capture.efi
# loads through kexec_file_load; 63-85 s (the firmware boots twice).
CASES=(
	"pc-1cpu|--machine pc --smp 1 --crash-drgn"
	"kexec-file|--machine pc --smp 1 --syscall file"
	"kexec-file-ovmf|--machine q35 --smp 1 --syscall file --firmware ovmf"
	"ovmf-q35-2cpu|--machine q35 --smp 2 --cpu 1 --firmware ovmf"
	"level0|--machine pc --smp 1 --dump-level 0 --compress none --crash-drgn"
	"level0-lz4|--machine pc --smp 1 --dump-level 0 --compress lz4"
	"k612-level31|--kernel-package linux-image-6.12-amd64 --machine pc --smp 1"
	"used-1g|--machine pc --smp 1 --workload used"
	"ck2m-2cpu|--machine pc --smp 2 --cpu 1 --crashkernel 2M"
	"q35-1cpu|--machine q35 --smp 1"
	"pc-2cpu|--machine pc --smp 2 --cpu 1"
	"pc-2cpu-boot|--machine pc --smp 2 --cpu 0"
	"q35-2cpu|--machine q35 --smp 2 --cpu 1"
	"virtio-4cpu-last|--machine pc --smp 4 --cpu 3"
	"ahci-q35-1cpu|--disk ahci --machine q35 --smp 1"
	"ahci-q35-4cpu|--disk ahci --machine q35 --smp 4 --cpu 3"
	"ahci-q35-6g|--disk ahci --machine q35 --mem 6G"
	"nvme-q35-4cpu|--disk nvme --machine q35 --smp 4 --cpu 3"
	"bad-digest|--scenario bad-digest --pages 64"
	"reload|--scenario reload --pages 64"
	"reload-file|--scenario reload --pages 64 --syscall file"
	"wrong-disk-virtio|--scenario wrong-disk --pages 64"
	"wrong-disk-ahci|--scenario wrong-disk --disk ahci --machine q35 --pages 64"
	"wrong-disk-nvme|--scenario wrong-disk --disk nvme --machine q35 --pages 64"
	"gpt-partition|--scenario gpt-partition --pages 64"
	"gpt-partition-nvme|--scenario gpt-partition --disk nvme --machine q35 --pages 64"
	"io-error-virtio|--scenario io-error"
	"io-error-ahci|--scenario io-error --disk ahci --machine q35"
	"io-error-nvme|--scenario io-error --disk nvme --machine q35"
	"iommu-virtio|--scenario iommu --machine q35"
	"exception|--scenario exception --pages 64"
	"exception-reset|--scenario exception --no-qemu-exit --pages 64"
	"secure-boot|--scenario secure-boot --pages 64"
)
# Cases for another disk type add "--disk KIND" (tests/qemu/drill's disk_KIND).

usage() { echo "usage: tests/qemu/drill_test.sh --list | CASE [DRILL OPTIONS]" >&2; exit 2; }
[ $# -ge 1 ] || usage

if [ "$1" = --list ]; then
	for c in "${CASES[@]}"; do echo "${c%%|*}"; done
	exit 0
fi
case $1 in -h|--help) sed -n '2,15s/^# \{0,1\}//p' "$0"; exit 0 ;; esac

name=$1; shift
opts=""
for c in "${CASES[@]}"; do
	[ "${c%%|*}" = "$name" ] && opts=${c#*|}
done
[ -n "$opts" ] || { echo "drill_test.sh: unknown case '$name' (--list)" >&2; exit 2; }

# shellcheck disable=SC2086  # the options are words
set -- --no-deps --no-build --timeout 180 $opts "$@"
echo "drill_test.sh: $name: tests/qemu/drill $*"
exec "$ROOT/tests/qemu/drill" "$@"
