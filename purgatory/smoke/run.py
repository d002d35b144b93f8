#!/usr/bin/env python3
"""purgatory/smoke/run.py - run build/purgatory.bin in QEMU, without Linux.

shim.asm recreates the CPU state of a crash kexec and enters the purgatory;
payload.asm stands in for capture.bin.  Each case patches the purgatory's
patch block the way `crashcap load` must (offsets from the generated
build/gen/purgatory-layout.inc, never typed here), boots, and checks the
debug-port narration and how QEMU ended:

  ok        good digest: payload entered with RDI = params, IF = 0
  backup    ... and the first 640 KiB copied before the jump
  high      the purgatory running above 4 GiB
  q35       ok on the q35 machine
  tamper    a hashed byte changed after "load": mismatch, both digests, reset
  forced    CC_PURG_TEST_FORCE_MISMATCH: the same path by test flag
  forced-q35  reset through q35's reset control register
  halt      failure action HALT: prints, then stays halted
  poweroff  POWEROFF: falls back to halt, says so
  fault     a region in unmapped memory: #PF reported, then reset
  self      a region covering the purgatory: refused
  unpatched the image as built: refused

Usage: purgatory/smoke/run.py [--build DIR] [--keep] [CASE...]
Prints one line per case and exits 1 if any failed.  Needs nasm and
qemu-system-x86_64; about a second per case (TCG).
"""
import argparse
import hashlib
import os
import re
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# Memory map shared by shim.asm and payload.asm (passed as -D).
MAP = {
    "SHIM_BASE": 0x100000,
    "PURG_LOAD": 0x110000,
    "PAYLOAD": 0x120000,
    "PARAMS": 0x121000,
    "CTRL_PAGE": 0x130000,
    "PT": 0x140000,
    "BSS_END": 0x150000,
    "BACKUP_SRC": 0x0,
    "BACKUP_DST": 0x200000,
    "BACKUP_SIZE": 0xA0000,  # the first 640 KiB
    "DEBUGCON": 0xE9,
    "DEBUG_EXIT": 0xF4,
    "EXIT_CODE": 0x01,       # QEMU exits (1 << 1) | 1 = 3
}
PAYLOAD_MEM = 0x1000         # bytes of the payload "segment"
PARAMS_MEM = 0x3000          # bytes of the params "segment" (>= CC_PARAMS_SIZE)
HIGH_RUN = 0x100200000       # "high": above 4 GiB (QEMU -m 4608 puts RAM there)
UNMAPPED = 0x300000000       # beyond the shim's 8 GiB identity map
PAYLOAD_EXIT = (MAP["EXIT_CODE"] << 1) | 1
TIMEOUT = 20                 # seconds per case, generous for a loaded host

CASES = ["ok", "backup", "high", "q35", "tamper", "forced", "forced-q35",
         "halt", "poweroff", "fault", "self", "unpatched"]


def layout(path):
    defs = {}
    for line in open(path):
        m = re.match(r"%define (\w+) (-?\d+)", line)
        if m:
            defs[m.group(1)] = int(m.group(2))
    return defs


def patch(L, img, case, run_at):
    """Fill the patch block as the loader does; returns the patched image."""
    img = bytearray(img)
    info = L["CC_PURG_OFF_INFO"]
    payload = open("payload.bin", "rb").read()
    payload_mem = payload + bytes(PAYLOAD_MEM - len(payload))
    params = bytearray(PARAMS_MEM)
    params[0:8] = b"SMOKEPRM"
    open("params.bin", "wb").write(params)

    regions = [(MAP["PAYLOAD"], PAYLOAD_MEM), (MAP["PARAMS"], PARAMS_MEM)]
    hashed = payload_mem + bytes(params)
    action, flags, backup = L["CC_ACTION_REBOOT"], 0, (0, 0, 0)
    if case == "backup":
        backup = (MAP["BACKUP_SRC"], MAP["BACKUP_DST"], MAP["BACKUP_SIZE"])
    if case == "tamper":
        hashed = hashed[:-1] + b"\x01"   # loader hashed other bytes than loaded
    if case.startswith("forced") or case in ("halt", "poweroff"):
        flags = L["CC_PURG_TEST_FORCE_MISMATCH"]
    if case == "halt":
        action = L["CC_ACTION_HALT"]
    if case == "poweroff":
        action = L["CC_ACTION_POWEROFF"]
    if case == "fault":
        regions.append((UNMAPPED, 16))
    if case == "self":
        regions.append((run_at + L["CC_PURG_OFF_INFO"], 16))
    if case == "unpatched":
        return img

    for i, (start, length) in enumerate(regions):
        struct.pack_into("<QQ", img, info + L["CC_PURG_INFO_OFF_REGIONS"] + i * L["CC_PURG_SHA_REGION_SIZE"], start, length)
    d = L["CC_PURG_INFO_OFF_DIGEST"]
    img[info + d:info + d + 32] = hashlib.sha256(hashed).digest()
    for name, fmt, value in (
        ("ENTRY", "<Q", MAP["PAYLOAD"]),
        ("PARAMS", "<Q", MAP["PARAMS"]),
        ("BACKUP_SRC", "<Q", backup[0]),
        ("BACKUP_DST", "<Q", backup[1]),
        ("BACKUP_SIZE", "<Q", backup[2]),
        ("ACTION_FAIL", "<I", action),
        ("TEST_FLAGS", "<I", flags),
        ("SERIAL_PORT", "<H", 0),
    ):
        struct.pack_into(fmt, img, info + L["CC_PURG_INFO_OFF_" + name], value)
    return img


# (must contain, must not contain, how QEMU must end: exit code, or "running")
EXPECT = {
    "ok": (["purgatory: sha256 ok", "payload: entered, rdi=0x%016x, IF=0" % MAP["PARAMS"]], ["purgatory: backup"], PAYLOAD_EXIT),
    "backup": (["purgatory: sha256 ok", "purgatory: backup", "payload: backup copy matches"], [], PAYLOAD_EXIT),
    "high": (["purgatory: running at 0x%016x" % HIGH_RUN, "purgatory: sha256 ok", "payload: entered"], [], PAYLOAD_EXIT),
    "q35": (["purgatory: sha256 ok", "payload: entered"], [], PAYLOAD_EXIT),
    "tamper": (["purgatory: sha256 mismatch", "purgatory:   expected ", "purgatory:   computed ", "purgatory: rebooting"], ["payload:", "sha256 ok"], 0),
    "forced": (["purgatory: test flag set", "purgatory: sha256 mismatch", "purgatory: rebooting"], ["payload:", "no reset through"], 0),
    "forced-q35": (["purgatory: sha256 mismatch", "purgatory: rebooting"], ["payload:", "no reset through"], 0),
    "halt": (["purgatory: sha256 mismatch", "purgatory: halted"], ["payload:", "rebooting"], "running"),
    "poweroff": (["purgatory: sha256 mismatch", "halting instead", "purgatory: halted"], ["payload:", "rebooting"], "running"),
    "fault": (["purgatory: CPU exception 14 #PF", "cr2 0x%016x" % UNMAPPED, "purgatory: rebooting"], ["payload:", "sha256 ok"], 0),
    "self": (["covers the purgatory itself", "purgatory: rebooting"], ["payload:", "sha256"], 0),
    "unpatched": (["image not patched", "purgatory: rebooting"], ["payload:", "sha256"], 0),
}


def run_case(case, build, L, img, workdir):
    os.makedirs(workdir, exist_ok=True)
    os.chdir(workdir)
    run_at = HIGH_RUN if case == "high" else MAP["PURG_LOAD"]
    defs = dict(MAP, PURG_RUN=run_at)
    dflags = ["-D%s=0x%x" % kv for kv in defs.items()]
    subprocess.run(["nasm", "-f", "bin", *dflags, "-o", "payload.bin", os.path.join(HERE, "payload.asm")], check=True)
    open("purgatory-patched.bin", "wb").write(patch(L, img, case, run_at))
    subprocess.run(["nasm", "-f", "bin", *dflags, "-I", os.path.join(build, "gen") + "/",
                    "-o", "shim.bin", os.path.join(HERE, "shim.asm")], check=True)

    log = os.path.join(workdir, "debugcon.txt")
    if os.path.exists(log):
        os.unlink(log)
    machine = "q35" if case.endswith("q35") else "pc"
    mem = "4608" if case == "high" else "256"
    cmd = ["qemu-system-x86_64", "-machine", machine, "-m", mem, "-display", "none",
           "-no-reboot", "-serial", "file:" + os.path.join(workdir, "serial.txt"),
           "-chardev", "file,id=dbg,path=" + log, "-device", "isa-debugcon,iobase=0xe9,chardev=dbg",
           "-device", "isa-debug-exit,iobase=0x%x,iosize=1" % MAP["DEBUG_EXIT"],
           "-kernel", "shim.bin"]
    must, mustnot, ending = EXPECT[case]
    q = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + TIMEOUT
    text = ""
    while time.time() < deadline and q.poll() is None:
        text = open(log, errors="replace").read() if os.path.exists(log) else ""
        if ending == "running" and all(m in text for m in must):
            time.sleep(0.5)   # it must stay halted, not reset afterwards
            break
        time.sleep(0.1)
    still_running = q.poll() is None
    if still_running:
        q.kill()
    q.wait()
    text = open(log, errors="replace").read() if os.path.exists(log) else ""

    problems = []
    for m in must:
        if m not in text:
            problems.append("missing %r" % m)
    for m in mustnot:
        if m in text:
            problems.append("unexpected %r" % m)
    if ending == "running" and not still_running:
        problems.append("QEMU ended (code %d); expected it to stay halted" % q.returncode)
    if ending != "running":
        if still_running:
            problems.append("QEMU still running after %d s" % TIMEOUT)
        elif q.returncode != ending:
            problems.append("QEMU exit code %d, expected %d" % (q.returncode, ending))
    return problems, text


def main():
    ap = argparse.ArgumentParser(description="QEMU smoke test of build/purgatory.bin")
    ap.add_argument("--build", default=os.path.join(HERE, "..", "..", "build"))
    ap.add_argument("--keep", action="store_true", help="keep the work directories")
    ap.add_argument("cases", nargs="*", default=CASES)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    L = layout(os.path.join(build, "gen", "purgatory-layout.inc"))
    img = open(os.path.join(build, "purgatory.bin"), "rb").read()

    failed = 0
    for case in a.cases:
        if case not in EXPECT:
            print("purgatory-smoke: unknown case %r (known: %s)" % (case, " ".join(CASES)))
            return 2
        workdir = os.path.join(build, "purgatory-smoke", case)
        problems, text = run_case(case, build, L, img, workdir)
        if problems:
            failed += 1
            print("purgatory-smoke: %-10s FAIL: %s" % (case, "; ".join(problems)))
            for line in text.splitlines():
                print("    | " + line)
        else:
            print("purgatory-smoke: %-10s PASS" % case)
    if not a.keep:
        subprocess.run(["rm", "-rf", os.path.join(build, "purgatory-smoke")])
    print("purgatory-smoke: %d passed, %d failed" % (len(a.cases) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
