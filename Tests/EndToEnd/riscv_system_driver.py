"""The RISC-V system driver of mmu_check.py (`--arch riscv-system`): `--format riscv` images on
QEMU's own `qemu-system-riscv64` (Debian's qemu-system-misc, QEMU 7.2: hypervisor extension,
Svnapot, Svpbmt), for what unicorn's older QEMU lacks -- the G-stage and the extensions.

A bare-metal M-mode probe program (hand-assembled below) walks a request table: for each
request it writes the expected physical word (a pattern for loads, zero for stores, `ecall`
for fetches) with translation off, then performs the access: loads and stores with
`mstatus.MPRV` (and MPV for the G-stage) as U, S, VU or VS accesses; fetches by `mret` into
that mode at the probe address. Traps land in a handler that records `mcause`. When the table
is done the program writes `D` to the UART; the harness then saves the table with the
monitor's `pmemsave`, stops QEMU and reads every outcome.
"""
import os
import socket
import struct
import subprocess
import tempfile
import time

import e2e_common as common

FORMAT = "riscv"
REGISTERS = {1: ["SATP"], 2: ["HGATP"]}
PRIVILEGES = ["U", "S", "S+SUM"]
G_PRIVILEGES = ["VU", "VS"]

RAM, RAM_SIZE = 0x8000_0000, 4 << 30         # PAs from 0x1_0000_0000 up are RAM too
PROGRAM = 0x8400_0000
TABLE = 0x8410_0000
ENTRY = 64                                    # va, pa, data, mstatus, kind, status, value, pad
UART = 0x1000_0000
LOAD_PF, STORE_PF, FETCH_PF = 13, 15, 12
LOAD_GPF, STORE_GPF, FETCH_GPF = 21, 23, 20
ECALLS = (8, 9, 10)
MPRV, SUM, MPV = 1 << 17, 1 << 18, 1 << 39
KINDS = {"load": 0, "store": 1, "fetch": 2}
NONE = 2 ** 64 - 1


# ----------------------------------------------------------------------------
# A tiny RV64 assembler: enough for the probe program
# ----------------------------------------------------------------------------
REG = {"zero": 0, "ra": 1, "sp": 2, "t0": 5, "t1": 6, "t2": 7, "s0": 8, "s1": 9, "a0": 10, "a1": 11, "a2": 12,
       "a3": 13, "a4": 14, "t3": 28, "t4": 29, "t5": 30, "t6": 31}
CSR = {"mstatus": 0x300, "mtvec": 0x305, "mepc": 0x341, "mcause": 0x342, "satp": 0x180, "hgatp": 0x680,
       "vsatp": 0x280, "pmpcfg0": 0x3A0, "pmpaddr0": 0x3B0, "menvcfg": 0x30A}


def i_type(op, rd, f3, rs1, imm):
    return (imm & 0xFFF) << 20 | REG[rs1] << 15 | f3 << 12 | REG[rd] << 7 | op


def s_type(f3, rs1, rs2, imm):
    return (imm >> 5 & 0x7F) << 25 | REG[rs2] << 20 | REG[rs1] << 15 | f3 << 12 | (imm & 0x1F) << 7 | 0x23


def b_type(f3, rs1, rs2, off):
    return ((off >> 12 & 1) << 31 | (off >> 5 & 0x3F) << 25 | REG[rs2] << 20 | REG[rs1] << 15 | f3 << 12
            | (off >> 1 & 0xF) << 8 | (off >> 11 & 1) << 7 | 0x63)


def j_type(rd, off):
    return ((off >> 20 & 1) << 31 | (off >> 1 & 0x3FF) << 21 | (off >> 11 & 1) << 20 | (off >> 12 & 0xFF) << 12
            | REG[rd] << 7 | 0x6F)


class Assembler:
    def __init__(self, origin):
        self.origin, self.words, self.labels, self.fixups = origin, [], {}, []

    def here(self):
        return self.origin + 4 * len(self.words)

    def label(self, name):
        self.labels[name] = self.here()

    def emit(self, word):
        self.words.append(word)

    def ld(self, rd, rs1, imm): self.emit(i_type(0x03, rd, 3, rs1, imm))
    def sd(self, rs2, rs1, imm): self.emit(s_type(3, rs1, rs2, imm))
    def sb(self, rs2, rs1, imm): self.emit(s_type(0, rs1, rs2, imm))
    def addi(self, rd, rs1, imm): self.emit(i_type(0x13, rd, 0, rs1, imm))
    def csrw(self, csr, rs1): self.emit(i_type(0x73, "zero", 1, rs1, CSR[csr]))
    def csrr(self, rd, csr): self.emit(i_type(0x73, rd, 2, "zero", CSR[csr]))
    def mret(self): self.emit(0x30200073)

    def li(self, rd, value):
        """Any 64-bit constant: lui/addi for 32 bits, or built 12 bits at a time."""
        value &= 2 ** 64 - 1
        signed = value - 2 ** 64 if value >> 63 else value
        if -2048 <= signed < 2048:
            self.addi(rd, "zero", signed)
            return
        chunks = []
        while value:
            chunks.append(value & 0x7FF)
            value >>= 11
        self.addi(rd, "zero", 0)
        for chunk in reversed(chunks):
            self.emit(i_type(0x13, rd, 1, rd, 11))          # slli rd, rd, 11
            self.emit(i_type(0x13, rd, 6, rd, chunk))       # ori rd, rd, chunk

    def branch(self, f3, rs1, rs2, target):
        self.fixups.append((len(self.words), "b", f3, rs1, rs2, target))
        self.emit(0)

    def jump(self, target):
        self.fixups.append((len(self.words), "j", 0, None, None, target))
        self.emit(0)

    def code(self):
        for index, kind, f3, rs1, rs2, target in self.fixups:
            off = self.labels[target] - (self.origin + 4 * index)
            self.words[index] = b_type(f3, rs1, rs2, off) if kind == "b" else j_type("zero", off)
        return struct.pack("<%dI" % len(self.words), *self.words)


def program(regs, stage, count):
    a = Assembler(PROGRAM)
    a.li("t0", NONE >> 10)                  # PMP: one NAPOT entry allowing everything
    a.csrw("pmpaddr0", "t0")
    a.li("t0", 0x1F)
    a.csrw("pmpcfg0", "t0")
    a.li("t0", 1 << 62)                     # menvcfg.PBMTE: Svpbmt on
    a.csrw("menvcfg", "t0")
    a.li("t0", regs.get("SATP", 0))
    a.csrw("satp", "t0")
    a.li("t0", regs.get("HGATP", 0))
    a.csrw("hgatp", "t0")
    a.csrw("vsatp", "zero")                 # VS-stage Bare: guest virtual = guest physical
    a.li("t0", 0)
    a.jump("trap_setup")
    a.label("trap")                         # every trap: record mcause, go on
    a.csrw("mstatus", "zero")
    a.csrr("t4", "mcause")
    a.addi("t4", "t4", 1)
    a.sd("t4", "s0", 40)
    a.jump("next")
    a.label("trap_setup")
    a.li("t0", a.labels["trap"])
    a.csrw("mtvec", "t0")
    a.li("s0", TABLE)
    a.li("s1", TABLE + ENTRY * count)
    a.label("loop")
    a.branch(7, "s0", "s1", "done")          # bgeu s0, s1, done
    a.ld("t0", "s0", 0)                     # va
    a.ld("t1", "s0", 8)                     # pa or ~0
    a.ld("t2", "s0", 16)                    # the word to place at pa
    a.ld("t3", "s0", 24)                    # mstatus for the access
    a.ld("t5", "s0", 32)                    # kind
    a.addi("t6", "zero", -1)
    a.branch(0, "t1", "t6", "placed")       # beq t1, ~0: nothing to place
    a.sd("t2", "t1", 0)
    a.emit(0x0000100F)                      # fence.i
    a.label("placed")
    a.addi("t6", "zero", 1)
    a.branch(0, "t5", "t6", "store")
    a.addi("t6", "zero", 2)
    a.branch(0, "t5", "t6", "fetch")
    a.csrw("mstatus", "t3")                 # load
    a.ld("a1", "t0", 0)
    a.csrw("mstatus", "zero")
    a.sd("a1", "s0", 48)
    a.jump("next")
    a.label("store")
    a.ld("a2", "s0", 48)
    a.csrw("mstatus", "t3")
    a.sd("a2", "t0", 0)
    a.csrw("mstatus", "zero")
    a.addi("t6", "zero", -1)
    a.branch(0, "t1", "t6", "next")
    a.ld("a3", "t1", 0)                     # where it landed, read physically
    a.sd("a3", "s0", 48)
    a.jump("next")
    a.label("fetch")
    a.csrw("mepc", "t0")
    a.csrw("mstatus", "t3")
    a.mret()                                # the marker at pa is `ecall`: back in `trap`
    a.label("next")
    a.addi("s0", "s0", ENTRY)
    a.jump("loop")
    a.label("done")
    a.li("t0", UART)
    a.addi("t1", "zero", ord("D"))
    a.sb("t1", "t0", 0)
    a.label("spin")
    a.jump("spin")
    return a.code()


# ----------------------------------------------------------------------------
# Configurations and rules
# ----------------------------------------------------------------------------
class Config:
    def __init__(self, mode, stage=1, extensions=()):
        self.name = "riscv-system-%s" % mode + ("-gstage" if stage == 2 else "") + "".join("-" + e for e in extensions)
        self.args = ["--mode", mode, "--stage", str(stage)] + ["--" + e for e in extensions]
        self.stage = stage
        levels = {"sv39": 3, "sv48": 4, "sv57": 5}[mode]
        shifts = [12 + 9 * l for l in range(levels)]
        if "svnapot" in extensions:
            shifts.insert(1, 16)
        self.leaf_sizes = [1 << s for s in shifts]
        # G-stage: QEMU 7.2 checks guest physical addresses as if sign-extended, so it faults
        # on every address with the top input bit set; only the lower half (still twice the
        # reach of a 4K root) is probed.
        self.input_limit = 1 << (12 + 9 * levels + (1 if stage == 2 else 0))
        self.sign_extends = stage == 1
        # Output addresses in RAM above the image and the program: [4 GiB, 4 GiB + 2 GiB).
        self.pa_low, self.pa_limit = 1 << 32, (1 << 32) + (2 << 30)
        self.valid_prots = ["rw", "r", "rx", "rwx", "x"]
        if stage == 1:
            self.valid_prots += ["rwp", "rp", "rxp", "xp", "rwxp"]
        if "svpbmt" in extensions:
            self.valid_prots += ["rwc", "rwd", "rxc"]
        self.invalid_prots = ["w", "wx", "-"] + (["rp"] if stage == 2 else []) + ([] if "svpbmt" in extensions else ["rc"])
        self.privilege_test = stage == 1
        self.privileges = PRIVILEGES if stage == 1 else G_PRIVILEGES


def configurations():
    return [Config("sv39", 2), Config("sv48", 2), Config("sv57", 2),
            Config("sv48", 1, ("svnapot",)), Config("sv39", 1, ("svpbmt",)), Config("sv57", 1, ("svnapot", "svpbmt"))]


def allowed(cfg, prot, priv, kind):
    perm = {"load": "r", "store": "w", "fetch": "x"}[kind] in prot
    if cfg.stage == 2:
        return perm                          # G-stage: every access is a user access, U is always set
    user_page = "p" not in prot
    if priv == "U":
        return perm and user_page
    if priv == "S" or kind == "fetch":
        return perm and not user_page
    return perm


# ----------------------------------------------------------------------------
# The machine: one QEMU run per case
# ----------------------------------------------------------------------------
class Machine:
    batch = True

    def __init__(self, cfg, manifest, memory, layout, probes=()):
        self.cfg, self.memory, self.layout = cfg, memory, layout

    def access_all(self, requests):
        """requests: [(kind, va, priv, pa)] -> ['ok' | 'fault' | what happened instead]."""
        base, size, root, regs = self.layout
        entries = []
        for kind, va, priv, pa in requests:
            mpp = 0 if priv in ("U", "VU") else 1
            status = mpp << 11 | (SUM if priv == "S+SUM" else 0) | (MPV if priv.startswith("V") else 0)
            if kind != "fetch":
                status |= MPRV
            data = {"load": common.pattern(pa or 0), "store": 0, "fetch": 0x00000073}[kind]
            value = common.pattern(va) ^ 0xFFFF if kind == "store" else 0
            entries.append(struct.pack("<8Q", va, NONE if pa is None else pa, data, status, KINDS[kind], 0, value, 0))
        work = tempfile.mkdtemp(prefix="riscv-system-")
        files = {name: os.path.join(work, name) for name in ("memory.bin", "program.bin", "table.bin", "out.bin",
                                                             "serial.txt", "monitor.sock")}
        with open(files["memory.bin"], "wb") as f:
            f.write(self.memory)
        with open(files["program.bin"], "wb") as f:
            f.write(program(regs, self.cfg.stage, len(entries)))
        with open(files["table.bin"], "wb") as f:
            f.write(b"".join(entries))
        cpu = "rv64,h=true,svnapot=true,svpbmt=true"
        cmd = ["qemu-system-riscv64", "-machine", "virt", "-cpu", cpu, "-m", "%dM" % (RAM_SIZE >> 20),
               "-bios", "none", "-display", "none", "-nodefaults",
               "-serial", "file:" + files["serial.txt"],
               "-monitor", "unix:%s,server,nowait" % files["monitor.sock"],
               "-device", "loader,file=%s,addr=0x%x,force-raw=on" % (files["memory.bin"], base),
               "-device", "loader,file=%s,addr=0x%x,force-raw=on" % (files["table.bin"], TABLE),
               "-device", "loader,file=%s,addr=0x%x,force-raw=on" % (files["program.bin"], PROGRAM),
               "-device", "loader,addr=0x%x,cpu-num=0" % PROGRAM]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.time() + 120
            while time.time() < deadline:
                if proc.poll() is not None:
                    raise RuntimeError("qemu exited: %s" % proc.stderr.read().decode()[:400])
                if os.path.exists(files["serial.txt"]) and b"D" in open(files["serial.txt"], "rb").read():
                    break
                time.sleep(0.05)
            else:
                raise RuntimeError("the probe program did not finish")
            sock = socket.socket(socket.AF_UNIX)
            sock.connect(files["monitor.sock"])
            sock.sendall(b"pmemsave 0x%x %d \"%s\"\n" % (TABLE, ENTRY * len(entries), files["out.bin"].encode()))
            for _ in range(200):
                if os.path.exists(files["out.bin"]) and os.path.getsize(files["out.bin"]) == ENTRY * len(entries):
                    break
                time.sleep(0.05)
            sock.close()
            with open(files["out.bin"], "rb") as f:
                out = f.read()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            for path in files.values():
                if os.path.exists(path):
                    os.remove(path)
            os.rmdir(work)
        results = []
        for index, (kind, va, priv, pa) in enumerate(requests):
            status, value = struct.unpack_from("<QQ", out, ENTRY * index + 40)
            results.append(self.outcome(kind, pa, status, value, common.pattern(va) ^ 0xFFFF))
        return results

    def outcome(self, kind, pa, status, value, stored):
        cause = status - 1 if status else None
        faults = {"load": (LOAD_PF, LOAD_GPF), "store": (STORE_PF, STORE_GPF), "fetch": (FETCH_PF, FETCH_GPF)}[kind]
        # G-stage faults are guest-page faults; QEMU 7.2 reports those of MPRV loads and stores
        # as ordinary page faults, so either counts.
        wanted = faults if self.cfg.stage == 2 and kind != "fetch" else faults[1:] if self.cfg.stage == 2 else faults[:1]
        if kind == "fetch":
            if cause in ECALLS:
                return "ok" if pa is not None else "executed"
            return "fault" if cause in wanted else "mcause %r" % cause
        if cause is not None:
            return "fault" if cause in wanted else "mcause %d" % cause
        if pa is None:
            return "accessed"
        if kind == "load":
            return "ok" if value == common.pattern(pa) else "read 0x%x" % value
        return "ok" if value == stored else "stored elsewhere (0x%x)" % value
