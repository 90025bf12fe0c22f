"""The RISC-V driver of mmu_check.py: `--format riscv` images on unicorn's riscv64 CPU (QEMU's
RISC-V MMU). Loads and stores run in M-mode with mstatus.MPRV, so they are translated and
checked as U-mode or S-mode accesses (MPP), with SUM clear or set; fetches `mret` into U- or
S-mode at the probe address, where the expected physical word holds `addi a3, zero, 0x5a5`:
the fetch succeeded when that instruction ran (unicorn reports `ecall` and `ebreak` as invalid
instructions instead of raising them, so they cannot serve as markers).

Unicorn 2's QEMU predates Svnapot and Svpbmt (it reads N and PBMT as address bits), so only
plain Sv39/Sv48/Sv57 stage-1 images are checked here; riscv_system_driver.py checks the rest
on qemu-system-riscv64.
"""
import struct

from unicorn import Uc, UcError, UC_ARCH_RISCV, UC_MODE_RISCV64, UC_HOOK_INTR
from unicorn.riscv_const import (UC_RISCV_REG_A0, UC_RISCV_REG_A1, UC_RISCV_REG_A2, UC_RISCV_REG_A3, UC_RISCV_REG_MEPC,
                                 UC_RISCV_REG_MSTATUS, UC_RISCV_REG_PRIV, UC_RISCV_REG_SATP)

import e2e_common as common

FORMAT = "riscv"
REGISTERS = {1: ["SATP"], 2: ["HGATP"]}
PRIVILEGES = ["U", "S", "S+SUM"]

CODE = 0x1000_0000          # harness code, physical (M-mode fetches are not translated)
MPRV, SUM = 1 << 17, 1 << 18
LOAD_PAGE_FAULT, STORE_PAGE_FAULT, FETCH_PAGE_FAULT = 13, 15, 12
MARK = 0x5A5


def i_type(opcode, rd, funct3, rs1, imm):
    return (imm & 0xFFF) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode


def s_type(opcode, funct3, rs1, rs2, imm):
    return (imm >> 5 & 0x7F) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | (imm & 0x1F) << 7 | opcode


A0, A1, A2, A3 = 10, 11, 12, 13
MARKER = i_type(0x13, A3, 0, 0, MARK)     # addi a3, zero, 0x5a5: what a fetch probe executes
PROGRAM = [i_type(0x03, A1, 3, A0, 0),    # CODE+0: ld a1, 0(a0)
           s_type(0x23, 3, A0, A2, 0),    # CODE+4: sd a2, 0(a0)
           0x30200073]                    # CODE+8: mret


class Config:
    def __init__(self, mode):
        self.name = "riscv-%s" % mode
        self.args = ["--mode", mode]
        self.stage = 1
        levels = {"sv39": 3, "sv48": 4, "sv57": 5}[mode]
        self.leaf_sizes = [1 << (12 + 9 * l) for l in range(levels)]
        self.input_limit = 1 << (12 + 9 * levels)
        self.pa_low, self.pa_limit = 1 << 32, 1 << 55
        self.valid_prots = ["rw", "r", "rx", "rwx", "x", "rwp", "rp", "rxp", "xp", "rwxp"]
        self.invalid_prots = ["w", "wx", "-", "rc", "rwd"]
        self.privilege_test = True


def configurations():
    return [Config(m) for m in ("sv39", "sv48", "sv57")]


def allowed(cfg, prot, priv, kind):
    """The privileged specification's rules: R/W/X per access type (no MXR); U-mode needs
    U=1; S-mode needs U=0 except loads and stores with SUM; S-mode never fetches from U pages."""
    perm = {"load": "r", "store": "w", "fetch": "x"}[kind] in prot
    user_page = "p" not in prot
    if priv == "U":
        return perm and user_page
    if priv == "S" or kind == "fetch":
        return perm and not user_page
    return perm


class Machine:
    def __init__(self, cfg, manifest, memory, layout, probes=()):
        base, size, root, regs = layout
        self.uc = uc = Uc(UC_ARCH_RISCV, UC_MODE_RISCV64)
        common.map_image(uc, memory, base, (CODE, CODE + 0x1000))
        uc.mem_write(CODE, struct.pack("<3I", *PROGRAM))
        self.pages = set()
        self.intr = []

        def hook(uc, number, data):
            self.intr.append(number)
            uc.emu_stop()
        uc.hook_add(UC_HOOK_INTR, hook)
        uc.reg_write(UC_RISCV_REG_SATP, regs["SATP"])
        uc.reg_write(UC_RISCV_REG_PRIV, 3)
        self.clean = uc.context_save()

    def back(self, pa, data):
        page = pa & ~0xFFF
        if page not in self.pages:
            self.uc.mem_map(page, 0x1000)
            self.pages.add(page)
        self.uc.mem_write(pa, data)

    def run(self, begin, until, count):
        del self.intr[:]
        try:
            self.uc.emu_start(begin, until, count=count)
        except UcError as e:
            return "error %s" % e
        return None

    def access(self, kind, va, priv, pa):
        """'ok' when QEMU performed the access at `pa` (the expected PA, or None), 'fault' for
        the page fault of that access type, anything else describes what happened instead."""
        uc = self.uc
        uc.context_restore(self.clean)
        mpp = 0 if priv == "U" else 1
        status = mpp << 11 | (SUM if priv == "S+SUM" else 0)
        if kind == "fetch":
            if pa is not None:
                self.back(pa, struct.pack("<I", MARKER))
            uc.reg_write(UC_RISCV_REG_MSTATUS, status)
            uc.reg_write(UC_RISCV_REG_MEPC, va)
            uc.reg_write(UC_RISCV_REG_A3, 0)
            error = self.run(CODE + 8, va + 4, 2)
            if self.intr:
                return "fault" if self.intr == [FETCH_PAGE_FAULT] else "exceptions %r" % self.intr
            if error:
                return error
            ran = uc.reg_read(UC_RISCV_REG_A3) == MARK
            return "ok" if ran and pa is not None else "executed something else" if not ran else "executed"
        uc.reg_write(UC_RISCV_REG_MSTATUS, status | MPRV)
        uc.reg_write(UC_RISCV_REG_A0, va)
        if kind == "load":
            if pa is not None:
                self.back(pa, struct.pack("<Q", common.pattern(pa)))
            error = self.run(CODE, CODE + 4, 1)
            if self.intr:
                return "fault" if self.intr == [LOAD_PAGE_FAULT] else "exceptions %r" % self.intr
            if error:
                return error
            value = uc.reg_read(UC_RISCV_REG_A1)
            return "ok" if pa is not None and value == common.pattern(pa) else "read 0x%x" % value
        value = common.pattern(va) ^ 0xFFFF
        if pa is not None:
            self.back(pa, b"\0" * 8)
        uc.reg_write(UC_RISCV_REG_A2, value)
        error = self.run(CODE + 4, CODE + 8, 1)
        if self.intr:
            return "fault" if self.intr == [STORE_PAGE_FAULT] else "exceptions %r" % self.intr
        if error:
            return error
        if pa is None:
            return "stored"
        landed = struct.unpack("<Q", uc.mem_read(pa, 8))[0]
        return "ok" if landed == value else "stored elsewhere"
