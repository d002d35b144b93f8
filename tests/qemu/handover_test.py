#!/usr/bin/env python3
"""tests/qemu/handover_test.py CASE - the whole kexec path in QEMU, no Linux.

The REAL loader stages the REAL purgatory and payload: `crashcap load
--dry-run` runs against a fake /proc and /sys tree that describes the QEMU
guest booted here (QEMU's e820 map as Linux shows it in /proc/iomem, a
"Crash kernel" range, per-CPU crash_notes and VMCOREINFO at addresses where
this test plants real notes).  Every staged segment is put at its `mem`
address with `-device loader`, the dump header the loader would write goes
to offset 0 of the target disk, and purgatory/smoke/shim.asm (HANDOVER
mode) recreates the crash-kexec CPU state and `ret`s to the loader's entry:
identity tables and control page in the crash region after the segments
(where the kernel puts them), mapping RAM only, GPRs zero, GDT/IDT limit 0,
CR4 = PAE (+ LA57).  Random patterns sit at known RAM addresses, one of
them in the first 640 KiB (read back through the purgatory's backup copy).

Checks: how QEMU ends; the console (purgatory digest, payload entered by
the purgatory, page-table levels); `crashcap status` and `crashcap save`;
readelf on the core; the planted notes byte for byte; the PT_LOADs exactly
the fake System RAM minus the crash region (PT_LOADs that follow each other
in memory joined: zero runs are left out of the file, docs/dump-format.md),
vaddr = page_offset + paddr
(page_offset from the fake /proc/kcore, or the loader's default without
one), the kernel-image PT_LOAD at _text; every pattern at its address.

Cases:
  4level      -m 512M, crash region 0x2000000+16M, KASLR'd page_offset
  5level      the same with 5-level paging (CR4.LA57; -cpu qemu64,la57=on)
  high        -m 6G, crash region at 0x140000000: purgatory and payload run
              above 4 GiB; notes above 4 GiB; no /proc/kcore (default
              page_offset)
  bad-digest  --test-bad-digest --action reboot: both digests printed, reset
              (QEMU -no-reboot exits 0), the disk byte for byte unchanged
  exception   --test-exception: #UD, registers with image offset, exit 43

Usage: handover_test.py [--build DIR] [--keep] CASE   (or --list)
Prints "ok - ..." / "FAIL - ..." per check; exits 1 if any failed.
Needs nasm, qemu-system-x86_64, readelf, and `make all` (build/crashcap,
build/vmcore-probe, build/gen/purgatory-layout.inc).
"""
import argparse
import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SHIM = os.path.join(ROOT, "purgatory", "smoke", "shim.asm")

MIB = 1 << 20
GIB = 1 << 30
PAGE = 4096
DEBUG_EXIT = 0xF4
TARGET_PCI = "00:04.0"
TIMEOUT = 300              # seconds of QEMU per case (TCG, 2 shared cores)


def exit_code(status):      # include/crashcap/status.h, as tests/qemu/lib.sh
    return ((0x10 + status) << 1) | 1


EXIT_OK = exit_code(0)          # 33
EXIT_EXCEPTION = exit_code(5)   # 43

# The shim (multiboot at 1 MiB) and its bootstrap tables, below everything else.
SHIM_BASE = 0x100000
SHIM_PT = 0x140000
SHIM_BSS_END = 0x150000

LOWPAT_DST = 0x10000             # a pattern in the first 640 KiB: dumped from the backup copy
LOWPAT_SRC = 0x8000000           # ... loaded here by QEMU, copied there by the shim
LOWPAT_KIB = 64
KERNEL_CODE = 0x1000000          # "Kernel code" start: the kernel-image PT_LOAD
KERNEL_BSS_END = 0x1c00000       # end of "Kernel bss" (exclusive)
TEXT = 0xffffffff81000000        # _text in the fake /proc/kallsyms
DEFAULT_PAGE_OFFSET = 0xffff888000000000   # loader/sysinfo.h, without /proc/kcore

# QEMU 7.2 -M pc with SeaBIOS, as Linux prints its e820 map (checked by
# booting build/capture.bin directly and reading the PT_LOADs it derives
# from the same map): 0-0x9fbff and 0x100000-(low top - 0x23000) usable,
# the rest of low RAM reserved; RAM above 4 GiB all usable.  The first
# page is "Reserved" in Linux's /proc/iomem (Linux keeps it for itself).
E820_TOP_RESERVED = 0x23000


def machine(mem):
    """System RAM ranges [start, end) of QEMU -M pc -m MEM."""
    low = mem if mem < 0xe0000000 else 0xc0000000
    ram = [(0x1000, 0x9fc00), (0x100000, low - E820_TOP_RESERVED)]
    if mem > low:
        ram.append((1 << 32, (1 << 32) + mem - low))
    return ram, low


CASES = {
    # mem, crash region, CPU, page_offset (None: no /proc/kcore), notes, vmcoreinfo,
    # patterns (addr, KiB), loader options, expected exit, console must / must not
    "4level": dict(
        mem=512 * MIB, crash=(0x2000000, 16 * MIB), cpu="qemu64", page_offset=0xffff9b4c80000000,
        notes=0x0a000658, vmcoreinfo=0x0b000000,
        patterns=[(0x1a00000, 256), (0x1ff0000, 64), (0x3000000, 512), (0x4000123, 64),
                  (0x1ff00000, 512)],
        opts=["--action", "poweroff", "--qemu-exit", "0x%x" % DEBUG_EXIT], exit=EXIT_OK,
        must=["purgatory: sha256 ok", "entered by purgatory", "page tables: 4-level",
              "zero runs of 1024 KiB or more left out", "header committed: complete"],
        mustnot=["sha256 mismatch", "CPU exception"]),
    "5level": dict(
        mem=512 * MIB, crash=(0x2000000, 16 * MIB), cpu="qemu64,la57=on", la57=True,
        page_offset=0xff11000000000000,
        notes=0x0a000658, vmcoreinfo=0x0b000000,
        patterns=[(0x1ff0000, 64), (0x3000000, 512), (0x4000123, 64), (0x1ff00000, 512)],
        opts=["--action", "poweroff", "--qemu-exit", "0x%x" % DEBUG_EXIT], exit=EXIT_OK,
        must=["purgatory: sha256 ok", "entered by purgatory", "page tables: 5-level",
              "header committed: complete"],
        mustnot=["sha256 mismatch", "CPU exception"]),
    "high": dict(
        mem=6 * GIB, crash=(0x140000000, 16 * MIB), cpu="qemu64", page_offset=None,
        notes=0x1a0000658, vmcoreinfo=0x180000000,
        patterns=[(0x1000000, 1024), (0xbfe00000, 512), (0x100000000, 1024),
                  (0x13ff00000, 1024), (0x141000000, 1024), (0x1bff00000, 1024)],
        opts=["--action", "poweroff", "--qemu-exit", "0x%x" % DEBUG_EXIT], exit=EXIT_OK,
        must=["purgatory: sha256 ok", "purgatory: running at 0x0000000140000000", "entered by purgatory",
              "crashcap payload at 140", "header committed: complete"],
        mustnot=["sha256 mismatch", "CPU exception"]),
    "bad-digest": dict(
        mem=512 * MIB, crash=(0x2000000, 16 * MIB), cpu="qemu64", page_offset=0xffff9b4c80000000,
        notes=0x0a000658, vmcoreinfo=0x0b000000, patterns=[],
        opts=["--action", "reboot", "--qemu-exit", "0x%x" % DEBUG_EXIT, "--test-bad-digest"], exit=0,
        must=["purgatory: sha256 mismatch", "purgatory:   expected ", "purgatory:   computed ",
              "purgatory: rebooting"],
        mustnot=["sha256 ok", "capture:"]),
    "exception": dict(
        mem=512 * MIB, crash=(0x2000000, 16 * MIB), cpu="qemu64", page_offset=0xffff9b4c80000000,
        notes=0x0a000658, vmcoreinfo=0x0b000000, patterns=[],
        opts=["--action", "poweroff", "--qemu-exit", "0x%x" % DEBUG_EXIT, "--test-exception"],
        exit=EXIT_EXCEPTION,
        must=["purgatory: sha256 ok", "entered by purgatory", "test: raising #UD", "CPU exception 6 #UD"],
        mustnot=["header committed"]),
}

FAILS = 0


def ok(what):
    print("ok - " + what)


def fail(what):
    global FAILS
    FAILS += 1
    print("FAIL - " + what)


def check(cond, what, why=""):
    if cond:
        ok(what)
    else:
        fail(what + (": " + why if why else ""))
    return cond


# ---- the fake system -----------------------------------------------------------------

def note(name, ntype, desc):
    n = name.encode() + b"\0"
    pad = lambda b: b + bytes(-len(b) % 4)
    return struct.pack("<III", len(n), len(desc), ntype) + pad(n) + pad(desc)


def prstatus(pid):
    """struct elf_prstatus (x86-64, 336 bytes) with recognisable registers."""
    d = bytearray(336)
    struct.pack_into("<HH", d, 12, 11, 0)           # pr_cursig SIGSEGV
    struct.pack_into("<IIII", d, 32, pid, 1, pid, pid)
    regs = [0x1111000000000000 + i for i in range(27)]
    regs[16] = 0xffffffff81234567                   # rip
    regs[19] = 0xffffc90000123f58                   # rsp
    struct.pack_into("<27Q", d, 112, *regs)
    return bytes(d)


VMCOREINFO_TEXT = (b"OSRELEASE=6.1.0-crashcap-handover\nBUILD-ID=0123456789abcdef\nPAGESIZE=4096\n"
                   b"SYMBOL(init_uts_ns)=ffffffff82a12340\nSYMBOL(_stext)=ffffffff81000000\n"
                   b"NUMBER(phys_base)=0\nKERNELOFFSET=0\nCRASHTIME=1790000000\n")
VMCOREINFO_SIZE = 4096 + 12 + 2 * 12    # VMCOREINFO_NOTE_SIZE: room for the note and an empty one
CRASH_NOTES_SIZE = 12 + 8 + 336 + 12    # one NT_PRSTATUS "CORE" note and the empty terminator


def make_kcore(path, page_offset):
    """A /proc/kcore of ELF and program headers only (as tests/host/load_dryrun_test.sh)."""
    phdrs = [(4, 0), (1, TEXT), (1, page_offset + 0x1000), (1, page_offset + 0x100000)]
    eh = b"\x7fELF\x02\x01\x01\x00" + bytes(8)
    eh += struct.pack("<HHIQQQIHHHHHH", 4, 62, 1, 0, 64, 0, 0, 64, 56, len(phdrs), 0, 0, 0)
    for t, va in phdrs:
        eh += struct.pack("<IIQQQQQQ", t, 7, 0x1000, va, 0, 0x1000, 0x1000, 0x1000)
    open(path, "wb").write(eh)


def make_tree(d, c, ram, low):
    """Fake /proc and /sys of the guest: Linux's view of QEMU's memory."""
    for sub in ("proc/self", "sys/kernel/security", "sys/devices/system/cpu/cpu0"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    cs, csize = c["crash"]
    lines = ["00000000-00000fff : Reserved"]
    nested = [(KERNEL_CODE, 0x1803a57, "Kernel code"), (0x1a00000, 0x1b1ffff, "Kernel rodata"),
              (0x1b20000, 0x1b9ffff, "Kernel data"), (0x1ba0000, KERNEL_BSS_END - 1, "Kernel bss")]
    for s, e in ram:
        if s == 0x100000:
            lines += ["000a0000-000bffff : PCI Bus 0000:00", "000c0000-000c99ff : Video ROM",
                      "000f0000-000fffff : Reserved", "  000f0000-000fffff : System ROM"]
        lines.append("%08x-%08x : System RAM" % (s, e - 1))
        kids = [(a, b, n) for a, b, n in nested if s <= a < e]
        if s <= cs < e:
            kids.append((cs, cs + csize - 1, "Crash kernel"))
        for a, b, n in sorted(kids):
            lines.append("  %08x-%08x : %s" % (a, b, n))
        if s == 0x1000:
            lines.append("0009fc00-0009ffff : Reserved")
        if s == 0x100000:
            lines.append("%08x-%08x : Reserved" % (e, low - 1))
            lines.append("%08x-%08x : PCI Bus 0000:00" % (low, 0xfebfffff))
            lines.append("fec00000-fec003ff : IOAPIC 0")
            lines.append("fee00000-fee00fff : Local APIC")
            lines.append("fffc0000-ffffffff : Reserved")
    open(os.path.join(d, "proc/iomem"), "w").write("\n".join(lines) + "\n")
    cpu = os.path.join(d, "sys/devices/system/cpu")
    open(os.path.join(cpu, "possible"), "w").write("0\n")
    open(os.path.join(cpu, "cpu0/crash_notes"), "w").write("%x\n" % c["notes"])
    open(os.path.join(cpu, "cpu0/crash_notes_size"), "w").write("%d\n" % CRASH_NOTES_SIZE)
    # the guest's one CPU, as Linux lists it (the payload has no other to start: docs/smp.md)
    open(os.path.join(d, "proc/cpuinfo"), "w").write("processor\t: 0\nvendor_id\t: AuthenticAMD\napicid\t\t: 0\n"
                                                      "initial apicid\t: 0\n\n")
    open(os.path.join(d, "sys/kernel/vmcoreinfo"), "w").write("%x %x\n" % (c["vmcoreinfo"], VMCOREINFO_SIZE))
    open(os.path.join(d, "sys/kernel/security/lockdown"), "w").write("[none] integrity confidentiality\n")
    open(os.path.join(d, "sys/kernel/kexec_crash_loaded"), "w").write("0\n")
    open(os.path.join(d, "proc/kallsyms"), "w").write(
        "%x T startup_64\n%x T _text\n%x T _stext\n%x B _end\n" % (TEXT, TEXT, TEXT + 0x1000, TEXT + 0xc00000))
    open(os.path.join(d, "proc/self/mountinfo"), "w").write(
        "22 1 253:1 / / rw,relatime shared:1 - ext4 /dev/mapper/root rw\n")
    open(os.path.join(d, "proc/swaps"), "w").write("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n")
    if c["page_offset"] is not None:
        make_kcore(os.path.join(d, "proc/kcore"), c["page_offset"])


# ---- the dry-run file (docs/loader.md) ----------------------------------------------

def parse_dry_run(path):
    data = open(path, "rb").read()
    head = data[:4096].rstrip(b"\0").decode()
    r = {"segments": [], "text": head}
    lines = head.splitlines()
    if not lines or lines[0] != "crashcap-dry-run 1" or lines[-1] != "end":
        raise ValueError("not a crashcap-dry-run 1 file: %r" % head[:80])
    for line in lines[1:-1]:
        w = line.split()
        if w[0] in ("entry", "flags"):
            r[w[0]] = int(w[1], 16)
        elif w[0] == "region":
            r["region"] = (int(w[1], 16), int(w[2], 16))
        elif w[0] == "segment":
            s = {"name": w[1]}
            for k, v in zip(w[2::2], w[3::2]):
                s[k] = int(v, 16)
            s["image"] = data[s["offset"]:s["offset"] + s["bufsz"]] + bytes(s["memsz"] - s["bufsz"])
            r["segments"].append(s)
        elif w[0] == "header":
            off, size = int(w[2], 16), int(w[4], 16)
            r["header"] = data[off:off + size]
    return r


# ---- the core file -------------------------------------------------------------------

def read_core(path):
    f = open(path, "rb")
    eh = f.read(64)
    phoff, = struct.unpack_from("<Q", eh, 32)
    phnum, = struct.unpack_from("<H", eh, 56)
    f.seek(phoff)
    ph = f.read(56 * phnum)
    loads, notes = [], []
    for i in range(phnum):
        t, _, off, va, pa, fs, ms, _ = struct.unpack_from("<IIQQQQQQ", ph, 56 * i)
        if t == 1:
            loads.append(dict(paddr=pa, vaddr=va, size=ms, offset=off, filesz=fs))
        elif t == 4:
            f.seek(off)
            buf = f.read(fs)
            o = 0
            while o + 12 <= len(buf):
                nsz, dsz, nt = struct.unpack_from("<III", buf, o)
                if nsz == 0:
                    break
                name = buf[o + 12:o + 12 + nsz].rstrip(b"\0").decode(errors="replace")
                d0 = o + 12 + ((nsz + 3) & ~3)
                notes.append((name, nt, buf[d0:d0 + dsz]))
                o = d0 + ((dsz + 3) & ~3)
    return loads, notes


# ---- running ------------------------------------------------------------------------

def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, **kw)


def build_shim(w, c, build, entry, ctrl, kexec_pt, ram, low, lowpat):
    high_end = max([e for s, e in ram if s >= 1 << 32], default=0)
    two_mib = 2 * MIB
    low_end = (low + two_mib - 1) // two_mib * two_mib   # the kernel maps RAM in 2 MiB pages
    defs = dict(SHIM_BASE=SHIM_BASE, PT=SHIM_PT, BSS_END=SHIM_BSS_END, CTRL_PAGE=ctrl, PURG_ENTRY=entry,
                KEXEC_PT=kexec_pt, MAP_LOW_END=low_end, MAP_HIGH_END=high_end)
    if lowpat:
        defs.update(LOWPAT_SRC=lowpat[0], LOWPAT_DST=lowpat[1], LOWPAT_SIZE=lowpat[2])
    flags = ["-D%s=0x%x" % kv for kv in defs.items()] + ["-DHANDOVER"] + (["-DLA57"] if c.get("la57") else [])
    out = os.path.join(w, "shim.bin")
    r = run(["nasm", "-f", "bin", *flags, "-I", os.path.join(build, "gen") + "/", "-o", out, SHIM])
    if r.returncode:
        raise RuntimeError("nasm shim.asm: " + r.stdout)
    return out


def boot(w, c, shim, disk, loads):
    console, dbg = os.path.join(w, "console.log"), os.path.join(w, "debugcon.log")
    cmd = ["qemu-system-x86_64", "-accel", "tcg", "-M", "pc", "-m", "%dM" % (c["mem"] // MIB), "-cpu", c["cpu"],
           "-nographic", "-no-reboot", "-kernel", shim,
           "-chardev", "file,id=dbg,path=" + dbg, "-device", "isa-debugcon,iobase=0xe9,chardev=dbg",
           "-device", "isa-debug-exit,iobase=0x%x,iosize=4" % DEBUG_EXIT,
           "-drive", "if=none,id=t0,file=%s,format=raw,cache=unsafe,discard=unmap,detect-zeroes=unmap" % disk,
           "-device", "virtio-blk-pci,drive=t0,addr=%s,disable-legacy=on" % TARGET_PCI.split(":", 1)[1]]
    for path, addr in loads:
        cmd += ["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (path, addr)]
    open(os.path.join(w, "qemu.cmd"), "w").write(" ".join(cmd) + "\n")
    t0 = time.time()
    with open(console, "wb") as out:
        q = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        try:
            rc = q.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            q.kill()
            q.wait()
            rc = "killed after %d s" % TIMEOUT
    print("# QEMU ran %.1f s, exit %s" % (time.time() - t0, rc))
    text = open(console, errors="replace").read().replace("\r", "")
    dtext = open(dbg, errors="replace").read() if os.path.exists(dbg) else ""
    return rc, text, dtext


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--list", action="store_true", help="print the case names")
    ap.add_argument("case", nargs="?")
    a = ap.parse_args()
    if a.list:
        print(" ".join(CASES))
        return 0
    if a.case not in CASES:
        print("handover_test: give one case of: %s" % " ".join(CASES))
        return 2
    build = os.path.abspath(a.build)
    crashcap, probe = os.path.join(build, "crashcap"), os.path.join(build, "vmcore-probe")
    for f in (crashcap, probe, os.path.join(build, "gen", "purgatory-layout.inc")):
        if not os.path.exists(f):
            print("FAIL - %s missing: run make all" % f)
            return 1
    c = CASES[a.case]
    w = tempfile.mkdtemp(prefix="cc-handover.")
    try:
        run_case(a.case, c, w, build, crashcap, probe)
    finally:
        if a.keep:
            print("# kept " + w)
        else:
            shutil.rmtree(w, ignore_errors=True)
    return 1 if FAILS else 0


def run_case(name, c, w, build, crashcap, probe):
    ram, low = machine(c["mem"])
    cs, csize = c["crash"]
    ce = cs + csize
    print("# %s: -M pc -m %d MiB -cpu %s, crash region 0x%x-0x%x" % (name, c["mem"] // MIB, c["cpu"], cs, ce - 1))

    # 1. The fake tree, and what goes into guest RAM besides the segments.
    tree = os.path.join(w, "root")
    make_tree(tree, c, ram, low)
    loads = []
    core_note = note("CORE", 1, prstatus(4242))          # NT_PRSTATUS
    notes_buf = core_note + bytes(CRASH_NOTES_SIZE - len(core_note))
    vmci_note = note("VMCOREINFO", 0, VMCOREINFO_TEXT)
    vmci_buf = vmci_note + bytes(VMCOREINFO_SIZE - len(vmci_note))
    for fname, addr, data in (("notes.bin", c["notes"], notes_buf), ("vmcoreinfo.bin", c["vmcoreinfo"], vmci_buf)):
        open(os.path.join(w, fname), "wb").write(data)
        loads.append((os.path.join(w, fname), addr))
    pats = []
    for addr, kib in c["patterns"] + [(LOWPAT_SRC, LOWPAT_KIB)]:
        p = os.path.join(w, "pat-%x" % addr)
        open(p, "wb").write(os.urandom(kib * 1024))
        pats.append((addr, p))
        loads.append((p, addr))
    # SeaBIOS clears the RAM below 640 KiB at boot, so the shim plants
    # that pattern itself, at "crash time", from the copy at LOWPAT_SRC.
    pats.append((LOWPAT_DST, pats[-1][1]))
    lowpat = (LOWPAT_SRC, LOWPAT_DST, LOWPAT_KIB * 1024)

    # 2. The real loader, dry run.
    disk = os.path.join(w, "disk.img")
    disk_size = (sum(e - s for s, e in ram) + 64 * MIB + MIB - 1) // MIB * MIB
    with open(disk, "wb") as f:
        f.truncate(disk_size)
    dry = os.path.join(w, "load.dry")
    # The raw ELF core (level 0, no compression): what this test reads
    # back; the framed format's default (level 31, lz4) is not the subject.
    r = run([crashcap, "load", "--root", tree, "--dry-run", dry, "--target", disk,
             "--test-target-pci", TARGET_PCI, "--dump-level", "0", "--compress", "none"] + c["opts"])
    print("".join("# load: " + l + "\n" for l in r.stdout.splitlines()), end="")
    if not check(r.returncode == 0, "crashcap load --dry-run succeeds", "exit %d" % r.returncode):
        return
    D = parse_dry_run(dry)
    segs = {s["name"]: s for s in D["segments"]}
    check([s["name"] for s in D["segments"]] == ["purgatory", "payload", "params", "backup"],
          "four segments: purgatory, payload, params, backup", " ".join(segs))
    check(all(cs <= s["mem"] and s["mem"] + s["memsz"] <= ce for s in D["segments"]),
          "every segment inside the crash region")
    check(D["entry"] == segs["purgatory"]["mem"] + struct.unpack_from("<I", segs["purgatory"]["image"], 16)[0],
          "entry = purgatory load address + entry_offset")
    expect_note = "note: direct map base unknown" if c["page_offset"] is None else None
    if expect_note:
        check(expect_note in r.stdout, "loader says it assumes the default page_offset without /proc/kcore")
    else:
        check("note:" not in r.stdout, "loader has nothing to note", r.stdout.strip()[:200])
    for s in D["segments"]:
        p = os.path.join(w, "seg-" + s["name"])
        open(p, "wb").write(s["image"])   # as the kernel loads it: bytes, then zeros up to memsz
        loads.append((p, s["mem"]))
    # The header `crashcap load` writes to the target before kexec_load.
    with open(disk, "r+b") as f:
        f.write(D["header"])
    disk_sha = hashlib.sha256(open(disk, "rb").read()).hexdigest() if name in ("bad-digest", "exception") else None

    # 3. The shim: control page and identity tables right after the last
    # segment, the first holes the kernel finds (kexec-abi.md 2.6).
    seg_end = max(s["mem"] + s["memsz"] for s in D["segments"])
    ctrl, kexec_pt = seg_end, seg_end + PAGE
    if not check(kexec_pt + 11 * PAGE <= ce, "control page and identity tables fit after the segments"):
        return
    shim = build_shim(w, c, build, D["entry"], ctrl, kexec_pt, ram, low, lowpat)
    rc, text, dtext = boot(w, c, shim, disk, loads)
    both = text + dtext

    # 4. How it ended, and the console.
    check(rc == c["exit"], "QEMU exit %s" % c["exit"], "got %s" % rc)
    for m in c["must"]:
        check(m in both, "console: %r" % m)
    for m in c["mustnot"]:
        check(m not in both, "console has no %r" % m)

    if name == "bad-digest":
        exp = re.search(r"purgatory:   expected ([0-9a-f]{64})", both)
        got = re.search(r"purgatory:   computed ([0-9a-f]{64})", both)
        if check(exp and got, "both digests printed"):
            e, g = bytes.fromhex(exp.group(1)), bytes.fromhex(got.group(1))
            check(e[0] == g[0] ^ 0xff and e[1:] == g[1:],
                  "expected digest = computed with byte 0 inverted (what --test-bad-digest staged)")
        check(hashlib.sha256(open(disk, "rb").read()).hexdigest() == disk_sha,
              "the disk byte for byte as the test left it (header only)")
    elif name == "exception":
        check(re.search(r"rip [0-9a-f]{16} \(image\+[0-9a-f]+", both), "register dump gives RIP as an image offset")
        check(re.search(r"rax [0-9a-f]{16} rbx", both), "register dump has the GPRs")
        check(hashlib.sha256(open(disk, "rb").read()).hexdigest() == disk_sha, "the disk untouched")
    else:
        core_checks(c, w, disk, crashcap, probe, ram, pats, core_note, vmci_note)

    if FAILS:
        print("# console (COM1):")
        for line in text.splitlines()[-40:]:
            print("  | " + line)
        print("# debugcon (0xe9):")
        for line in dtext.splitlines()[-20:]:
            print("  | " + line)


def core_checks(c, w, disk, crashcap, probe, ram, pats, core_note, vmci_note):
    cs, csize = c["crash"]
    ce = cs + csize
    st = run([crashcap, "status", disk])
    check(re.search(r"^state +dump complete", st.stdout, re.M), "crashcap status: dump complete",
          st.stdout.strip().replace("\n", " | ")[:200])
    core = os.path.join(w, "core")
    sv = run([crashcap, "save", disk, "-o", core])
    if not check(sv.returncode == 0, "crashcap save extracts the core", sv.stdout.strip()[:200]):
        return
    elf = run(["readelf", "-h", "-l", "-n", core])
    check(elf.returncode == 0 and "CORE (Core file)" in elf.stdout, "readelf: an ET_CORE file")
    check(re.search(r"CORE\s+0x00000150\s+NT_PRSTATUS", elf.stdout), "readelf -n: CORE NT_PRSTATUS note")
    check(re.search(r"VMCOREINFO\s+0x%08x" % len(VMCOREINFO_TEXT), elf.stdout), "readelf -n: VMCOREINFO note")
    loads, notes = read_core(core)
    check(("CORE", 1, core_note[20:]) in notes, "the planted NT_PRSTATUS note byte for byte (pid 4242, rip ffffffff81234567)")
    check(("VMCOREINFO", 0, VMCOREINFO_TEXT) in notes, "the planted VMCOREINFO text byte for byte")
    # vmcore-probe --check-layout wants every PT_LOAD sorted by paddr; here
    # the kernel image comes first and repeats RAM on purpose (kexec-tools'
    # order, kexec-abi.md 4.4), so check the rest of that list here.
    # Zero-run elision (docs/dump-format.md): a RAM range may be split into
    # PT_LOADs that follow each other in memory, each with filesz <= memsz
    # (the rest reads as zeros); the file parts follow each other in order.
    size = os.path.getsize(core)
    bad = [l for l in loads if l["offset"] % PAGE or l["offset"] + l["filesz"] > size
           or l["filesz"] > l["size"] or l["filesz"] % PAGE or l["size"] % PAGE]
    check(not bad, "every PT_LOAD page aligned in the file, whole pages, filesz <= memsz, inside the file",
          " ".join(hex(l["paddr"]) for l in bad))
    check(all(a["offset"] + a["filesz"] <= b["offset"] for a, b in zip(loads, loads[1:])),
          "PT_LOAD file parts in order, not overlapping")
    ram_loads = [l for l in loads if l["vaddr"] != TEXT]
    check(all(a["paddr"] + a["size"] <= b["paddr"] for a, b in zip(ram_loads, ram_loads[1:])),
          "RAM PT_LOADs sorted and disjoint")
    ram_bytes = sum(l["size"] for l in ram_loads)
    ram_file = sum(l["filesz"] for l in ram_loads)
    check(ram_file < ram_bytes // 2 and len(ram_loads) > 3,
          "zero runs left out: %d of %d MiB of RAM in the file, %d RAM PT_LOADs" % (ram_file >> 20, ram_bytes >> 20, len(ram_loads)))

    # PT_LOADs: the kernel image at _text, then exactly System RAM minus the crash region.
    page_offset = c["page_offset"] if c["page_offset"] is not None else DEFAULT_PAGE_OFFSET
    kimg = [l for l in loads if l["vaddr"] == TEXT]
    check(len(kimg) == 1 and kimg[0]["paddr"] == KERNEL_CODE and kimg[0]["size"] == KERNEL_BSS_END - KERNEL_CODE
          and kimg[0]["filesz"] == kimg[0]["size"] and loads[0] is kimg[0],
          "kernel-image PT_LOAD first, whole (no zeros left out): vaddr _text, paddr Kernel code, to the end of Kernel bss",
          str([(hex(l["paddr"]), hex(l["size"]), hex(l["filesz"])) for l in kimg]))
    want = []
    for s, e in ram:
        s, e = s & ~(PAGE - 1), (e + PAGE - 1) & ~(PAGE - 1)
        if s < 0xa0000 < e:
            want += [(s, 0xa0000), (0xa0000, e)]
        elif s < cs < e:
            want += [(s, cs), (ce, e)]
        else:
            want.append((s, e))
    def joined(rs):     # ranges that follow each other in memory, as one
        out = []
        for s, e in rs:
            if out and out[-1][1] == s:
                out[-1] = (out[-1][0], e)
            else:
                out.append((s, e))
        return out
    want = joined(want)
    got = joined([(l["paddr"], l["paddr"] + l["size"]) for l in loads if l["vaddr"] != TEXT])
    fmt = lambda rs: " ".join("%x-%x" % r for r in rs)
    check(got == want, "RAM PT_LOADs = System RAM minus the crash region (%s)" % fmt(want), "got " + fmt(got))
    check(not any(p < ce and p + n > cs for p, n in ((l["paddr"], l["size"]) for l in loads)),
          "nothing of the crash region 0x%x-0x%x dumped" % (cs, ce - 1))
    bad = [l for l in loads if l["vaddr"] != TEXT and l["vaddr"] != page_offset + l["paddr"]]
    check(not bad, "vaddr = 0x%x + paddr for every RAM PT_LOAD" % page_offset,
          " ".join("%x->%x" % (l["paddr"], l["vaddr"]) for l in bad))

    args = [probe, core, "--expect"] + ["0x%x:%s" % (a, p) for a, p in pats]
    r = run(args)
    check(r.returncode == 0, "all %d patterns at their physical addresses (0x10000 through the backup copy)" % len(pats),
          " ".join(l for l in r.stdout.splitlines() if not l.startswith("ok"))[:300])


if __name__ == "__main__":
    sys.exit(main())
