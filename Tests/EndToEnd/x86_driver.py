"""The x86-64 driver of mmu_check.py: `--format x86-64` images on unicorn's x86-64 CPU (QEMU's
x86 MMU) in long mode with CR0.PG|WP, the exported CR3, CR4 (PAE, LA57), EFER (LME, NXE) and
PAT. x86 translates instruction fetches too, so the harness code lives in a page of its own,
reached through one root entry the image leaves empty and no probe touches; CPL 3 is entered
with `sysretq` (EFER.SCE and STAR are the harness's). Loads and stores run at CPL 0 and CPL 3;
fetches jump to the probe address, where the expected physical word holds
`mov r15d, 0x5a5`.
"""
import struct

from unicorn import Uc, UcError, UC_ARCH_X86, UC_MODE_64, UC_HOOK_INTR
from unicorn.x86_const import (UC_X86_REG_CR0, UC_X86_REG_CR3, UC_X86_REG_CR4, UC_X86_REG_R11, UC_X86_REG_R15,
                               UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDI, UC_X86_REG_RSI)

import e2e_common as common

FORMAT = "x86-64"
REGISTERS = {1: ["CR3", "CR4", "EFER", "PAT"]}
PRIVILEGES = ["CPL0", "CPL3"]
# QEMU's x86 MMU sets D (and A) on a store: mmu_check.py's dirty-tracking case compares it with `hw-write`.
DIRTY_ARGS = ["--dirty-tracking"]

HARNESS = 0x2000_0000      # harness tables and code, physical
CODE_PAGE = HARNESS + 0x10000
PAGE_FAULT = 14
MSR_EFER, MSR_STAR, MSR_PAT = 0xC000_0080, 0xC000_0081, 0x277
EFER_SCE, EFER_LMA = 1 << 0, 1 << 10
CR0_PE, CR0_WP, CR0_PG = 1 << 0, 1 << 16, 1 << 31
# CODE+0: mov rax, [rdi]; CODE+3: mov [rdi], rsi; CODE+0x100: sysretq
LOAD, STORE, SYSRET = 0, 3, 0x100
MARK = 0x5A5
MARKER = bytes([0x41, 0xBF]) + struct.pack("<I", MARK)   # mov r15d, 0x5a5


class Config:
    def __init__(self, levels, oas=None):
        self.name = "x86-64-%dlevel" % levels + ("-oas%d" % oas if oas else "")
        self.args = ["--levels", str(levels)] + (["--oas", str(oas)] if oas else [])
        self.stage = 1
        self.levels = levels
        self.leaf_sizes = [1 << 12, 1 << 21, 1 << 30]
        self.input_limit = 1 << (12 + 9 * levels)
        # Unicorn's CPU model has MAXPHYADDR 40: output addresses stay below 2^39.
        self.pa_low, self.pa_limit = 1 << 32, 1 << 39
        self.valid_prots = ["rw", "r", "rx", "rwx", "rp", "rwp", "rxp", "rwxp", "rc", "rwd", "rwxc", "rxd"]
        self.invalid_prots = ["w", "x", "wx", "-", "cd"]
        self.privilege_test = True


def configurations():
    return [Config(4), Config(5), Config(4, 40)]


def allowed(cfg, prot, priv, kind):
    """Intel SDM 4.6: every present page is readable; writes need R/W (CR0.WP makes that hold
    at CPL 0 too); fetches need XD clear (EFER.NXE); CPL 3 needs U/S; CPL 0 may read, write and
    execute user pages (SMAP and SMEP are off)."""
    if priv == "CPL3" and "p" in prot:
        return False
    return kind == "load" or (kind == "store" and "w" in prot) or (kind == "fetch" and "x" in prot)


class Machine:
    def __init__(self, cfg, manifest, memory, layout, probes=()):
        base, size, root, regs = layout
        self.uc = uc = Uc(UC_ARCH_X86, UC_MODE_64)
        common.map_image(uc, memory, base, (HARNESS, HARNESS + 0x20000))
        self.pages = set()
        self.intr = []
        self.code = self.map_harness(cfg, memory, base, root, probes)
        uc.mem_write(CODE_PAGE + LOAD, bytes([0x48, 0x8B, 0x07]))
        uc.mem_write(CODE_PAGE + STORE, bytes([0x48, 0x89, 0x37]))
        uc.mem_write(CODE_PAGE + SYSRET, bytes([0x48, 0x0F, 0x07]))

        def hook(uc, number, data):
            self.intr.append(number)
            uc.emu_stop()
        uc.hook_add(UC_HOOK_INTR, hook)
        uc.reg_write(UC_X86_REG_CR3, regs["CR3"])
        uc.reg_write(UC_X86_REG_CR4, regs["CR4"])
        uc.msr_write(MSR_EFER, regs["EFER"] | EFER_LMA | EFER_SCE)
        uc.msr_write(MSR_STAR, 0x10 << 48)          # sysret: CS 0x23, SS 0x1b
        uc.msr_write(MSR_PAT, regs["PAT"])
        uc.reg_write(UC_X86_REG_CR0, uc.reg_read(UC_X86_REG_CR0) | CR0_PE | CR0_WP | CR0_PG)
        self.clean = uc.context_save()

    def map_harness(self, cfg, memory, base, root, probes):
        """Point an empty root entry whose range holds no probe at harness tables mapping the
        code page (P, R/W, U/S, A); -> the code page's (canonical) virtual address."""
        shift = 12 + 9 * (cfg.levels - 1)
        busy = {va >> shift for va in probes}
        for index in range(511, -1, -1):
            entry = struct.unpack_from("<Q", memory, root - base + 8 * index)[0]
            if entry == 0 and index not in busy:
                break
        else:
            raise RuntimeError("no free root entry for the harness code")
        self.harness_index = index
        va = index << shift
        bits = 12 + 9 * cfg.levels
        if va >> (bits - 1):
            va |= 2 ** 64 - (1 << bits)
        table = HARNESS
        self.uc.mem_write(root + 8 * index, struct.pack("<Q", table | 0x27))
        for level in range(cfg.levels - 2, -1, -1):
            target = table + 0x1000 if level > 0 else CODE_PAGE
            slot = (va >> (12 + 9 * level)) & 511
            self.uc.mem_write(table + 8 * slot, struct.pack("<Q", target | 0x27 | (0x40 if level == 0 else 0)))
            table += 0x1000
        return va

    def back(self, pa, data):
        page = pa & ~0xFFF
        if page not in self.pages:
            self.uc.mem_map(page, 0x1000)
            self.pages.add(page)
        self.uc.mem_write(pa, data)

    def run(self, priv, target, until):
        """Run from `target` (through sysretq at CPL 3) until `until`."""
        del self.intr[:]
        uc = self.uc
        try:
            if priv == "CPL3":
                uc.reg_write(UC_X86_REG_RCX, target)
                uc.reg_write(UC_X86_REG_R11, 0x2)
                uc.emu_start(self.code + SYSRET, until, count=2)
            else:
                uc.emu_start(target, until, count=1)
        except UcError as e:
            return "error %s" % e
        return None

    def access(self, kind, va, priv, pa):
        uc = self.uc
        uc.context_restore(self.clean)
        if kind == "fetch":
            if pa is not None:
                self.back(pa, MARKER)
            uc.reg_write(UC_X86_REG_R15, 0)
            error = self.run(priv, va, va + len(MARKER))
            if self.intr:
                return "fault" if self.intr == [PAGE_FAULT] else "exceptions %r" % self.intr
            if error:
                return error
            ran = uc.reg_read(UC_X86_REG_R15) == MARK
            return "ok" if ran and pa is not None else "executed something else" if not ran else "executed"
        uc.reg_write(UC_X86_REG_RDI, va)
        if kind == "load":
            if pa is not None:
                self.back(pa, struct.pack("<Q", common.pattern(pa)))
            uc.reg_write(UC_X86_REG_RAX, 0)
            error = self.run(priv, self.code + LOAD, self.code + LOAD + 3)
            if self.intr:
                return "fault" if self.intr == [PAGE_FAULT] else "exceptions %r" % self.intr
            if error:
                return error
            value = uc.reg_read(UC_X86_REG_RAX)
            return "ok" if pa is not None and value == common.pattern(pa) else "read 0x%x" % value
        value = common.pattern(va) ^ 0xFFFF
        if pa is not None:
            self.back(pa, b"\0" * 8)
        uc.reg_write(UC_X86_REG_RSI, value)
        error = self.run(priv, self.code + STORE, self.code + STORE + 3)
        if self.intr:
            return "fault" if self.intr == [PAGE_FAULT] else "exceptions %r" % self.intr
        if error:
            return error
        if pa is None:
            return "stored"
        landed = struct.unpack("<Q", uc.mem_read(pa, 8))[0]
        return "ok" if landed == value else "stored elsewhere"
