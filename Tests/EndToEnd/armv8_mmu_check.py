#!/usr/bin/env python3
"""End-to-end check of `pagetable --format arm-lpae-64` and `--format gpu-lpae`
images against an independent ARMv8-A MMU: QEMU's table walker as shipped in
the `unicorn` package (cortex-a72 model).

For every configuration and case the harness
  1. generates a seeded random script (maps of pages and blocks with various
     PROTs, unmaps, translate probes),
  2. runs `pagetable run --format arm-lpae-64 ... --export DIR SCRIPT`
     (gpu-* configurations: `--format gpu-lpae`, whose scripts also `repeat`
     one page over ranges of up to 1 TiB -- built from shared tables -- punch
     holes into the repeats, map into the holes and probe table edges and the
     holes' aliases; the model keeps a repeat as one record, va -> PA + va mod
     PAGESIZE, so no probe or check grows with the repeat's size),
  3. checks every answer line against its own interval model of the script,
  4. loads DIR/memory.bin at manifest.memoryBase into unicorn, programs the
     registers from the manifest, and for every final `translate` probe runs
     the AT instructions (stage 1: AT S1E1R/S1E1W/S1E0R/S1E0W; stage 2 with
     stage 1 off: AT S12E1R/S12E1W/S12E0R/S12E0W) from EL2, reading PAR_EL1;
     execute permission is probed by ERET-ing to the address at EL1 and EL0
     and observing whether the fetch is translated or raises a prefetch abort,
  5. also walks the image with a small Python walker written from the Arm ARM
     rules (used alone where unicorn cannot: stage-2 input sizes above the
     emulated CPU's 44-bit PARange).

Everything (instruction encodings, register layouts, expectations) is written
from the Arm Architecture Reference Manual; nothing is taken from the Swift
sources under test. Only dependency: `unicorn` (pip).

Exit status 0 when everything agrees, 1 on any mismatch. The last line is
`armv8-mmu-check: N passed, M failed`.
"""
import os
import random
import shutil
import struct
import sys
import tempfile
import time

try:
    from unicorn import Uc, UcError, UC_ARCH_ARM64, UC_MODE_ARM, UC_HOOK_INTR
    from unicorn import arm64_const as A64
except ImportError:  # pragma: no cover
    sys.exit("armv8-mmu-check: the `unicorn` Python package is required (pip install unicorn)")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import (  # noqa: E402  (shared with armv7_mmu_check.py)
    K, M, G, T, Model, Results, arg_parser, at_batches, bits, block_cut, check_translate, choose_probes,
    fetch_outcome, finish, fmt_num, ins, manifest_layout, map_image, pagetable_command, parse_hex,
    parse_reply, pick_cut, probe_candidates, random_probe, read_export, run_cases, run_cli, script_text,
    select_configs, translate_op)
from lpae_groups import group_sizes, note_groups, scan_groups, self_test as groups_self_test, summary  # noqa: E402

TOOL = "armv8-mmu-check"

GRANULE_SHIFT = {"4k": 12, "16k": 14, "64k": 16}
BLOCK_SIZES = {"4k": [2 * M, 1 * G], "16k": [32 * M], "64k": [512 * M]}
PS_BITS = {0: 32, 1: 36, 2: 40, 3: 42, 4: 44, 5: 48, 6: 52}
TG0_OF_SHIFT = {12: 0b00, 16: 0b01, 14: 0b10}
SHIFT_OF_TG0 = {v: k for k, v in TG0_OF_SHIFT.items()}
TG1_OF_SHIFT = {12: 0b10, 14: 0b01, 16: 0b11}  # TCR_EL1.TG1 has its own encoding
SHIFT_OF_TG1 = {v: k for k, v in TG1_OF_SHIFT.items()}
EXPECTED_MAIR = [0x44, 0xFF, 0x04, 0xF4]  # attribute index 0..3
UNICORN_PARANGE = 44  # ID_AA64MMFR0_EL1.PARange of unicorn's cortex-a72 (0b0100)


DEFAULT_MEMORY_BASE, DEFAULT_MEMORY_SIZE = 0x80000000, 64 * M


ARM_FORMAT, GPU_FORMAT = "arm-lpae-64", "gpu-lpae"


class Config:
    def __init__(self, name, stage, granule, ias, oas=48, memory_base=None, memory_size=None, mode="normal",
                 format=ARM_FORMAT, contiguous=True, upper=False, dynamic=False):
        self.name, self.stage, self.granule, self.ias, self.oas = name, stage, granule, ias, oas
        # --dynamic-top: the table grows from its smallest full top as the script maps higher;
        # `ias` is the maximum, the manifest's "ias" (and TCR) the size it grew to.
        self.dynamic = dynamic
        # --va-range upper (TTBR1): the script names 0xffff... addresses, `va_base` + the
        # table address the generator and the model keep; unicorn walks them from TTBR1_EL1.
        self.upper = upper
        self.va_base = (1 << 64) - (1 << ias) if upper else 0
        self.memory_base, self.memory_size, self.mode = memory_base, memory_size, mode
        self.format = format
        self.gpu = format == GPU_FORMAT  # gpu-lpae: ARM LPAE stage 1, 4K granule, plus `repeat`
        assert not self.gpu or (stage == 1 and granule == "4k")
        self.g = GRANULE_SHIFT[granule]
        self.page = 1 << self.g
        # Contiguous groups (arm-lpae-64 unless --no-contiguous): leaves the size of a group.
        self.contiguous = contiguous and not self.gpu
        groups = [b for b in group_sizes(self.g) if b * 4 <= (1 << min(ias, oas))]
        self.blocks = [b for b in BLOCK_SIZES[granule] if b * 4 <= (1 << ias)] + (groups if self.contiguous else [])
        self.map_sizes = sorted(set(self.blocks + groups))  # maps the size of a group either way
        # Unicorn can only walk stage-2 IPAs below its PARange: keep most addresses there.
        self.va_focus = UNICORN_PARANGE if stage == 2 and ias > UNICORN_PARANGE else ias

    def arena(self):
        return (self.memory_base or DEFAULT_MEMORY_BASE, self.memory_size or DEFAULT_MEMORY_SIZE)

    def cli_args(self):
        args = ["--format", self.format]
        if not self.gpu:  # gpu-lpae has no granule or stage option (always 4K, stage 1)
            args += ["--granule", self.granule, "--stage", str(self.stage)]
        args += ["--ias", str(self.ias), "--oas", str(self.oas)]
        if not self.gpu and not self.contiguous:
            args.append("--no-contiguous")
        if self.upper:
            args += ["--va-range", "upper"]
        if self.dynamic:
            args.append("--dynamic-top")
        if self.memory_base is not None:
            args += ["--memory-base", "0x%x" % self.memory_base]
        if self.memory_size is not None:
            args += ["--memory-size", str(self.memory_size)]
        return args


CONFIGS = [
    Config("s1-4k-48", 1, "4k", 48),
    Config("s1-4k-39", 1, "4k", 39),
    Config("s1-4k-32", 1, "4k", 32),
    Config("s1-4k-48-oas40", 1, "4k", 48, 40),
    Config("s1-4k-39-oas32", 1, "4k", 39, 32, memory_base=0x40000000, memory_size=16 * M),
    Config("s1-4k-48-highbase", 1, "4k", 48, 48, memory_base=0x8C0000000, memory_size=32 * M),
    Config("s1-4k-48-oom", 1, "4k", 48, 48, memory_size=128 * K, mode="oom"),
    Config("s1-16k-48", 1, "16k", 48),
    Config("s1-16k-39", 1, "16k", 39),
    Config("s1-16k-32", 1, "16k", 32),
    Config("s1-64k-48", 1, "64k", 48),
    Config("s1-64k-39", 1, "64k", 39),
    Config("s1-64k-32", 1, "64k", 32),
    Config("s2-4k-40", 2, "4k", 40),
    Config("s2-4k-40-highbase", 2, "4k", 40, 44, memory_base=0x3F0000000, memory_size=8 * M),
    Config("s2-4k-32", 2, "4k", 32),
    Config("s2-16k-40", 2, "16k", 40),
    Config("s2-64k-40", 2, "64k", 40),
    Config("s2-4k-48", 2, "4k", 48),     # IPA > PARange(44): see UnicornMMU (narrowed T0SZ)
    Config("s2-16k-48", 2, "16k", 48),
    Config("s2-64k-48", 2, "64k", 48),
    # --no-contiguous: the same group-sized maps, and no descriptor may carry the Contiguous bit.
    Config("s1-4k-48-nocontig", 1, "4k", 48, contiguous=False),
    Config("s1-16k-48-nocontig", 1, "16k", 48, contiguous=False),
    Config("s1-64k-48-nocontig", 1, "64k", 48, contiguous=False),
    Config("s2-4k-40-nocontig", 2, "4k", 40, contiguous=False),
    # --va-range upper: TTBR1 tables for the 0xffff... range (TCR with T1SZ, TG1, EPD0).
    Config("s1-4k-48-upper", 1, "4k", 48, upper=True),
    Config("s1-4k-39-upper", 1, "4k", 39, upper=True),
    Config("s1-16k-48-upper", 1, "16k", 48, upper=True),
    Config("s1-64k-42-upper", 1, "64k", 42, upper=True),
    # --dynamic-top: grown from 30 (4K) or 29 (64K) bits by the script's maps.
    Config("s1-4k-48-dynamic", 1, "4k", 48, dynamic=True),
    Config("s1-64k-42-upper-dynamic", 1, "64k", 42, upper=True, dynamic=True),
    # gpu-lpae (stage 1, 4K) with `repeat` mappings built from shared tables.
    Config("gpu-48", 1, "4k", 48, format=GPU_FORMAT),
    Config("gpu-39", 1, "4k", 39, format=GPU_FORMAT),
    Config("gpu-32-oas40", 1, "4k", 32, 40, format=GPU_FORMAT),
    Config("gpu-25", 1, "4k", 25, format=GPU_FORMAT),  # the smallest GPU VA: the walk starts at L2
    Config("gpu-36-oas40-highbase", 1, "4k", 36, 40, memory_base=0x8C0000000, memory_size=16 * M,
           format=GPU_FORMAT),
    # 32 tables: repeats and the copy-on-write of hole punches run out of table memory.
    Config("gpu-48-oom", 1, "4k", 48, memory_size=128 * K, mode="oom", format=GPU_FORMAT),
]


VALIDATION_ERRORS = ("misaligned", "out-of-range", "invalid-attributes")
EXACT_ERRORS = ("already-mapped", "not-mapped") + VALIDATION_ERRORS


# ----------------------------------------------------------------------------
# Interval model of what is mapped (the Model itself: e2e_common)
# ----------------------------------------------------------------------------
class Record:
    """One map (page None: va -> pa + (va - iova)) or one repeat (page P: every
    P-page of the range maps [pa, pa + P), so va -> pa + (va - iova) mod P)."""
    def __init__(self, iova, pa, size, prot, page=None):
        self.iova, self.pa, self.size, self.prot, self.page = iova, pa, size, prot, page

    def translate(self, va):
        if self.page is None:
            return self.pa + va - self.iova
        return self.pa + (va - self.iova) % self.page


# ----------------------------------------------------------------------------
# Random script generation
# ----------------------------------------------------------------------------
class Case:
    def __init__(self, cfg, seed, index, memory_base, memory_size, harness_region):
        self.cfg = cfg
        self.rng = random.Random("%d:%s:%d" % (seed, cfg.name, index))
        self.index = index
        self.ops = []  # dicts
        self.model = Model()
        self.reserved = []  # ranges the generator must not reuse (uncertain state)
        self.holes = []
        self.pa_bits = min(cfg.oas, 40)
        self.pa_top_bits = cfg.oas
        self.pa_forbidden = [(0, 16 * M), (memory_base, memory_base + memory_size), harness_region]
        self.records = []

    # -- choices ------------------------------------------------------------
    def prot(self):
        r = self.rng
        cfg = self.cfg
        if cfg.stage == 1:
            p = "r" + ("w" if r.random() < 0.5 else "") + ("x" if r.random() < 0.4 else "")
            p += r.choice(["", "", "c", "d"])
            p += "p" if r.random() < 0.4 else ""
        else:
            p = r.choice(["r", "w", "rw", "rw"]) + ("x" if r.random() < 0.4 else "")
            p += r.choice(["", "", "c", "d"])
        letters = list(p)
        r.shuffle(letters)  # letter order must not matter
        return "".join(letters)

    def invalid_prot(self):
        if self.cfg.stage == 1:
            return self.rng.choice(["w", "wx", "x", "wp", "xc"])
        return self.rng.choice(["rp", "x", "c", "wxp", "xd"])

    def free_va(self, size, align):
        r = self.rng
        limit = 1 << self.cfg.ias
        focus = 1 << self.cfg.va_focus if r.random() < 0.9 else limit
        for _ in range(40):
            x = r.random()
            if self.model.live and x < 0.6:
                _, end, _ = r.choice(self.model.live)
                gap = r.choice([0, 0, 1, 2, 7]) * self.cfg.page
                va = (end + gap + align - 1) & ~(align - 1)
            elif x < 0.66:
                va = r.choice([0, (limit - size) & ~(align - 1), (focus - size) & ~(align - 1)])
            else:
                va = r.randrange(0, max(1, (focus - size) // align)) * align
            if va + size > limit:
                continue
            if self.model.overlaps(va, va + size):
                continue
            if any(s < va + size and va < e for s, e in self.reserved):
                continue
            return va
        return None

    def free_pa(self, size, align):
        r = self.rng
        top = 1 << self.pa_bits
        if r.random() < 0.12:
            top = 1 << self.pa_top_bits  # occasionally anywhere in the output range, incl. its top
        for _ in range(100):
            if r.random() < 0.15:
                pa = top - size - r.randrange(0, 4) * align
            else:
                pa = r.randrange(16 * M // align if align < 16 * M else 0, top // align) * align
            if pa < 0:
                continue
            if pa + size > top:
                continue
            if any(s < pa + size and pa < e for s, e in self.pa_forbidden):
                continue
            return pa
        return None

    # -- ops ------------------------------------------------------------------
    def add_map(self, va, pa, size, prot, expect):
        if self.cfg.gpu and expect in ("ok",) + EXACT_ERRORS:
            self.add_exact("map", va, size, (size, None) if expect == "ok" else (0, expect), pa=pa, prot=prot)
            return
        self.ops.append({"op": "map", "va": va, "pa": pa, "size": size, "prot": prot,
                         "expect": expect,
                         "text": "map %s %s %s %s" % (fmt_num(self.rng, va), fmt_num(self.rng, pa),
                                                      fmt_num(self.rng, size), prot)})
        if self.cfg.mode == "oom" and expect == "ok":
            self.ops[-1]["expect"] = expect = "ok-or-out-of-memory"
        if expect in ("ok", "ok-or-out-of-memory"):
            rec = Record(va, pa, size, prot)
            self.records.append(rec)
            self.model.add(va, size, rec)

    def add_unmap(self, va, size, expect):
        if self.cfg.gpu:
            if expect in ("ok",) + EXACT_ERRORS:
                self.add_exact("unmap", va, size, (size, None) if expect == "ok" else (0, expect))
            else:  # ok-or-partial-leaf: a block of a map may be cut; what stays is uncertain
                self.add_exact("unmap", va, size, (size, None), alt=("partial-leaf",))
                self.reserved.append((va, va + size))
            return
        self.ops.append({"op": "unmap", "va": va, "size": size, "expect": expect,
                         "text": "unmap %s %s" % (fmt_num(self.rng, va), fmt_num(self.rng, size))})
        if expect == "ok" or expect.startswith("ok-or-"):
            self.model.remove(va, size)
            self.holes.append((va, va + size))
            if expect != "ok":
                self.reserved.append((va, va + size))

    def add_translate(self, va, final):
        self.ops.append(translate_op(self.rng, va, final))

    def gen_map(self):
        r, cfg = self.rng, self.cfg
        kinds = ["pages"] * 5
        if cfg.map_sizes:
            kinds += ["block"] * 3 + ["block_pages"] + ["block_misaligned_pa"]
        kind = r.choice(kinds)
        page = cfg.page
        if kind == "pages":
            size, align, pa_align = r.randint(1, 8) * page, page, page
        else:
            b = r.choice(cfg.map_sizes)
            if kind == "block":
                size, align, pa_align = b * (2 if b <= 32 * M and r.random() < 0.3 else 1), b, b
            elif kind == "block_pages":
                size, align, pa_align = b + r.randint(1, 4) * page, b, b
                if b >= G:
                    size, align, pa_align = b, b, b
            else:
                if b >= G:
                    b = 2 * M
                size, align, pa_align = b, b, page
        va = self.free_va(size, align)
        pa = self.free_pa(size, pa_align)
        if va is None or pa is None:
            return
        if kind == "block_misaligned_pa" and pa % (2 * page) == 0:
            pa += page  # make sure it is not block aligned
            if any(s < pa + size and pa < e for s, e in self.pa_forbidden) or pa + size > (1 << self.pa_bits):
                return
        self.add_map(va, pa, size, self.prot(), "ok")

    def gen_unmap(self):
        r, cfg = self.rng, self.cfg
        if not self.model.live:
            return
        s, e, rec = r.choice(self.model.live)
        a, b = pick_cut(r, s, e, cfg.page)
        if self.cfg.gpu:
            want = self.unmap_expect(a, b)
            if want is not None:
                self.add_exact("unmap", a, b - a, want)
                return
        self.add_unmap(a, b - a, "ok-or-partial-leaf" if block_cut(rec, a, b, cfg.blocks) else "ok")

    def gen_error_op(self):
        r, cfg = self.rng, self.cfg
        choice = r.random()
        if choice < 0.4 and self.model.live:
            s, e, _ = r.choice(self.model.live)
            va = s + r.randrange(0, (e - s) // cfg.page) * cfg.page
            size = min(cfg.page * r.randint(1, 4), (1 << cfg.ias) - va)
            pa = self.free_pa(size, cfg.page)
            if pa is not None:
                self.add_map(va, pa, size, self.prot(), "already-mapped")
        elif choice < 0.7:
            va = self.free_va(cfg.page, cfg.page)
            pa = self.free_pa(cfg.page, cfg.page)
            if va is not None and pa is not None:
                self.add_map(va, pa, cfg.page, self.invalid_prot(), "invalid-attributes")
        elif choice < 0.8:
            va = self.free_va(cfg.page * 2, cfg.page)
            if va is not None:
                self.add_unmap(va, cfg.page, "not-mapped")
        else:
            va = self.free_va(cfg.page, cfg.page)
            pa = self.free_pa(cfg.page, cfg.page)
            if va is None or pa is None:
                return
            kind = r.choice(["va-range", "pa-range", "straddle", "misaligned-va", "misaligned-pa", "misaligned-size"])
            if kind == "va-range":
                self.add_map(1 << cfg.ias, pa, cfg.page, "r", "out-of-range")
            elif kind == "pa-range" and cfg.oas < 64:
                self.add_map(va, 1 << cfg.oas, cfg.page, "r", "out-of-range")
            elif kind == "straddle":
                self.add_map((1 << cfg.ias) - cfg.page, pa, 2 * cfg.page, "r", "out-of-range")
            elif kind == "misaligned-va":
                self.add_map(va + 0x10, pa, cfg.page, "r", "misaligned")
            elif kind == "misaligned-pa":
                self.add_map(va, pa + 0x800, cfg.page, "r", "misaligned")
            else:
                self.add_map(va, pa, cfg.page + 0x200, "r", "misaligned")

    def generate(self, n_ops=40, max_probes=160):
        r = self.rng
        if self.cfg.gpu:
            return self.generate_gpu(n_ops, max_probes)
        for i in range(n_ops):
            x = r.random()
            if self.cfg.mode == "oom":
                # Maps only: each may run out of table memory part-way.
                if x < 0.85:
                    self.gen_map()
                else:
                    va = self.pick_probe()
                    if va is not None:
                        self.add_translate(va, final=False)
                continue
            if i < 6 or x < 0.55:
                self.gen_map()
            elif x < 0.78:
                self.gen_unmap()
            elif x < 0.86:
                self.gen_error_op()
            else:
                va = self.pick_probe()
                if va is not None:
                    self.add_translate(va, final=False)
        probes = self.final_probes(max_probes)
        for va in probes:
            self.add_translate(va, final=True)
        return script_text(self.ops)

    def pick_probe(self):
        return random_probe(self.rng, self.model, 1 << self.cfg.ias)

    def final_probes(self, max_probes):
        limit = 1 << self.cfg.ias
        cand = probe_candidates(self.rng, self.model, self.holes, limit, 8)
        if self.cfg.gpu:
            cand += self.repeat_probes()
        return choose_probes(self.rng, cand, limit, max_probes)

    # -- gpu-lpae: repeats, holes punched into them, maps into the holes -------
    # Every gpu op carries an exact expected answer (bytes, error) computed from
    # the model; in the out-of-memory configuration `out-of-memory` with a
    # shorter prefix is accepted too (see check_replies).
    def add_exact(self, kind, va, size, want, pa=None, prot=None, page=None, alt=()):
        r = self.rng
        n, err = want
        if kind == "unmap":
            text = "unmap %s %s" % (fmt_num(r, va, True), fmt_num(r, size, True))
        elif kind == "map":
            text = "map %s %s %s %s" % (fmt_num(r, va, True), fmt_num(r, pa, True), fmt_num(r, size, True), prot)
        else:
            text = "repeat %s %s %s %s %s" % (fmt_num(r, va, True), fmt_num(r, pa, True), fmt_num(r, page, True),
                                              fmt_num(r, size, True), prot)
        if self.cfg.mode == "oom" and err not in VALIDATION_ERRORS:
            alt += ("out-of-memory",)
        self.ops.append({"op": kind, "va": va, "pa": pa, "size": size, "prot": prot, "page": page,
                         "expect": "exact", "want": want, "alt": alt, "text": text})
        if n == 0:
            return
        if kind == "unmap":
            self.model.remove(va, n)
            self.holes.append((va, va + n))
        else:
            rec = Record(va, pa, n, prot, page)
            self.records.append(rec)
            self.model.add(va, n, rec)

    def first_conflict(self, va, size, unit):
        """Bytes of [va, va+size) a map/repeat of `unit` leaves places before the
        first leaf overlapping the model (None: no overlap)."""
        c = None
        for s, e, _ in self.model.live:
            if s < va + size and va < e:
                c = max(s, va) if c is None else min(c, max(s, va))
        return None if c is None else (c - va) // unit * unit

    def place_expect(self, va, size, unit):
        n = self.first_conflict(va, size, unit)
        return (size, None) if n is None else (n, "already-mapped")

    def unmap_expect(self, a, b):
        """Exact (bytes, error) of `unmap a b-a`, or None when a block of a map
        (whose leaf choice the contract leaves open) might be cut."""
        p = a
        for s, e, rec in self.model.intervals():
            if e <= p:
                continue
            if s >= b:
                break
            if s > p:
                return (p - a, "not-mapped")
            end = min(e, b)
            if rec.page is not None:  # a repeat's leaves are its pages, aligned to them
                if p % rec.page:
                    return (p - a, "partial-leaf")
                if end % rec.page:
                    return (end - end % rec.page - a, "partial-leaf")
            elif block_cut(rec, p, end, self.cfg.blocks):
                return None
            p = end
            if p >= b:
                break
        return (b - a, None) if p >= b else (p - a, "not-mapped")

    def free_va_aligned(self, size, align, offset):
        """A free VA = k * align + offset for [va, va + size)."""
        r, limit = self.rng, 1 << self.cfg.ias
        if size + offset > limit:
            return None
        for _ in range(40):
            if self.model.live and r.random() < 0.35:
                _, end, _ = r.choice(self.model.live)
                va = (end - offset + align - 1) // align * align + offset  # the first one after `end`
            else:
                va = r.randrange(0, (limit - size - offset) // align + 1) * align + offset
            if va + size > limit or self.model.overlaps(va, va + size):
                continue
            if any(s < va + size and va < e for s, e in self.reserved):
                continue
            return va
        return None

    def gen_repeat(self):
        r, limit = self.rng, 1 << self.cfg.ias
        kind = r.choice(["huge4k"] * 3 + ["big2m"] * 2 + ["block1g", "small", "small"])
        big = lambda sizes: [x for x in sizes if x <= limit // 2]  # small IAS: limit // 4 only
        if kind == "block1g" and limit < 4 * G:
            kind = "big2m"
        if kind == "huge4k":  # one 4K page over 1 GiB .. 1 TiB
            page = 4 * K
            size = r.choice(big([limit // 4, G, 4 * G, 64 * G, 256 * G, 512 * G, T]))
            t = r.random()
            if t < 0.25:
                size += r.randint(1, 600) * page
            elif t < 0.4:
                size -= r.randint(1, 600) * page
            align = r.choice(big([2 * M, G, G, 512 * G]))
            offset = r.choice([0, 0, page, 2 * M + page, r.randrange(0, align // page) * page])
            offset = offset if offset < align else page
        elif kind == "big2m":  # 2 MiB blocks over several GiB
            page = 2 * M
            size = r.choice(big([limit // 4, 2 * G, 6 * G + r.randint(1, 300) * page, 64 * G, 512 * G]))
            align = r.choice(big([2 * M, G, G]))
            offset = r.choice([0, 0, page, r.randrange(0, align // page) * page])
        elif kind == "block1g":  # 1 GiB blocks
            page = G
            size = r.choice(big([G, 3 * G, 64 * G, 512 * G, T]))
            align = r.choice([G, G, 512 * G if limit >= 2 * T else G])
            offset = r.choice([0, page]) if align > page else 0
        else:  # small: a few pages, across a table boundary
            page = r.choice([4 * K, 4 * K, 2 * M])
            size = r.randint(1, 1100) * page if page == 4 * K else r.randint(1, 3) * page
            align, offset = page, 0
        if size <= 0 or size > limit // 2:
            return
        va = self.free_va_aligned(size, align, offset)
        pa = self.free_pa(page, page)
        if va is None or pa is None:
            return
        self.add_exact("repeat", va, size, (size, None), pa=pa, prot=self.prot(), page=page)

    def repeat_intervals(self):
        return [(s, e, rec) for s, e, rec in self.model.live if rec.page is not None]

    def gen_hole(self):
        """Unmap inside a repeat: pages, aligned chunks, cuts across table boundaries."""
        r = self.rng
        reps = self.repeat_intervals()
        if not reps:
            return self.gen_unmap()
        s, e, rec = r.choice(reps)
        page = rec.page
        kinds = ["page", "pages", "pages", "chunk", "boundary", "boundary"]
        if page > 4 * K:
            kinds += ["misaligned"]
        kind = r.choice(kinds)
        x = s + r.randrange(0, (e - s) // page) * page
        a, b = x, x + page
        if kind == "pages":
            b = min(e, x + r.randint(1, 8) * page)
        elif kind in ("chunk", "boundary"):
            sizes = [B for B in (2 * M, G, 512 * G) if B > page]
            if not sizes:
                return
            B = r.choice(sizes)
            n = (e - 1) // B - s // B  # B boundaries inside (s, e)
            if n <= 0:
                return
            m = (s // B + 1 + r.randrange(n)) * B
            if kind == "chunk":  # whole table spans: a shared table loses a reference
                a, b = m, m + B * r.choice([1, 1, 2])
                if b > e:
                    a, b = m - B, m
                    if a < s:
                        return
            else:
                a = max(s, m - r.randint(1, 4) * page)
                b = min(e, m + r.randint(1, 4) * page)
        elif kind == "misaligned":  # a cut inside a block: partial-leaf
            a = x + r.randrange(0, page // (4 * K)) * 4 * K
            b = min(e, a + r.randint(1, 2 * page // (4 * K)) * 4 * K)
        want = self.unmap_expect(a, b)
        if want is not None:
            self.add_exact("unmap", a, b - a, want)

    def gen_fill(self):
        """Map real pages (or another repeat) into a hole; sometimes overrun its end."""
        r = self.rng
        holes = [(s, e) for s, e in self.holes if not self.model.overlaps(s, e)
                 and not any(rs < e and s < re for rs, re in self.reserved)]
        if not holes:
            return self.gen_hole()
        s, e = r.choice(holes)
        page = 4 * K
        x = s + r.randrange(0, (e - s) // page) * page
        kind = r.choice(["map", "map", "whole", "repeat", "overrun-map", "overrun-repeat"])
        size = min(e - x, r.randint(1, 8) * page)
        if kind == "whole":  # the hole, or its first few MiB (real memory is not repeated)
            x, size = s, min(e - s, r.randint(1, 4) * 2 * M + r.choice([0, 0, r.randint(1, 8) * page]))
        elif kind.startswith("overrun"):  # from a few pages before the hole's end
            x = max(x, e - r.randint(1, 16) * page)
            size = e - x + r.randint(1, 4) * page
        if x + size > 1 << self.cfg.ias:
            return
        if kind.endswith("repeat"):
            pa = self.free_pa(page, page)
            if pa is not None:
                self.add_exact("repeat", x, size, self.place_expect(x, size, page), pa=pa, prot=self.prot(),
                               page=page)
            return
        aligned = kind == "whole" and x % (2 * M) == 0 and size >= 2 * M and r.random() < 0.6
        pa = self.free_pa(size, 2 * M if aligned else page)
        if pa is None:
            return
        if not aligned and (x - pa) % (2 * M) == 0:
            pa += page  # 4K leaves only, so an overrun stops exactly at the first mapped page
            if pa + size > 1 << self.pa_bits or any(ps < pa + size and pa < pe for ps, pe in self.pa_forbidden):
                return
        self.add_exact("map", x, size, self.place_expect(x, size, page), pa=pa, prot=self.prot())

    def gen_span_unmap(self):
        """Unmap a whole earlier repeat (with whatever filled its holes), maybe beyond it."""
        r = self.rng
        reps = [rec for rec in self.records if rec.page is not None]
        if not reps:
            return
        rec = r.choice(reps)
        a, b = rec.iova, rec.iova + rec.size
        if r.random() < 0.3:
            b += r.randint(1, 3) * rec.page  # into what follows: usually not-mapped there
        if b > 1 << self.cfg.ias or not self.model.overlaps(a, b):
            return
        want = self.unmap_expect(a, b)
        if want is not None:
            self.add_exact("unmap", a, b - a, want)

    def gen_repeat_error(self):
        r, cfg, limit = self.rng, self.cfg, 1 << self.cfg.ias
        choice = r.random()
        page = r.choice([4 * K, 4 * K, 2 * M])
        if choice < 0.45 and self.model.live:  # runs into (or starts on) a mapping
            s, _, _ = r.choice(self.model.live)
            va = s // page * page - r.choice([0, 0, 1, 3]) * page
            size = (s // page * page - va) + r.randint(1, 3) * page
            pa = self.free_pa(page, page)
            if va < 0 or va + size > limit or pa is None:
                return
            self.add_exact("repeat", va, size, self.place_expect(va, size, page), pa=pa, prot=self.prot(), page=page)
            return
        va = self.free_va(2 * M, 2 * M)
        pa = self.free_pa(2 * M, 2 * M)
        if va is None or pa is None:
            return
        size, prot, err = 2 * M, "r", "misaligned"
        kind = r.choice(["va", "pa", "size", "pagesize", "range", "pa-range", "prot"])
        if kind == "va":
            va += 4 * K
        elif kind == "pa":
            pa += 4 * K
        elif kind == "size":
            size += 4 * K
        elif kind == "pagesize":  # not a leaf size of the 4K granule
            page = r.choice([8 * K, 16 * K, 64 * K, 512 * M])
            size = 4 * page
            pa = pa // page * page
            va = va // page * page
        elif kind == "range":
            va, size, err = limit - 2 * M, 4 * M, "out-of-range"
        elif kind == "pa-range":
            pa, err = 1 << cfg.oas, "out-of-range"
        else:
            prot, err = self.invalid_prot(), "invalid-attributes"
        if kind != "pagesize":
            page = 2 * M
        self.add_exact("repeat", va, size, (0, err), pa=pa, prot=prot, page=page)

    def generate_gpu(self, n_ops, max_probes):
        r = self.rng
        for i in range(n_ops):
            x = r.random()
            if i < 4 or x < 0.27:
                self.gen_repeat()
            elif x < 0.37:
                self.gen_map()
            elif x < 0.56:
                self.gen_hole()
            elif x < 0.68:
                self.gen_fill()
            elif x < 0.73:
                self.gen_unmap()
            elif x < 0.77:
                self.gen_span_unmap()
            elif x < 0.81:
                self.gen_repeat_error()
            elif x < 0.86:
                self.gen_error_op()
            else:
                va = self.pick_probe()
                if va is not None:
                    self.add_translate(va, final=False)
        # Twice the probes: the table edges of every repeat and the aliases of every hole.
        for va in self.final_probes(2 * max_probes):
            self.add_translate(va, final=True)
        return script_text(self.ops)

    def repeat_probes(self):
        """Probe candidates where a repeat's tables change: page and table-span
        edges, next to holes; a bounded number per interval, whatever its size."""
        r, cand = self.rng, []
        for s, e, rec in self.model.intervals():
            if rec.page is None:
                continue
            page = rec.page
            cand += [s + page - 1, s + page, e - page, e - page - 1]
            for B in (2 * M, G, 512 * G):
                n = (e - 1) // B - s // B
                if B > page and n > 0:
                    m = (s // B + 1 + r.randrange(n)) * B
                    cand += [m - 1, m]
            x = s + r.randrange(0, (e - s) // page) * page
            cand += [x + r.choice([0, page - 1, r.randrange(page)])]
            cand = [va for va in cand if va >= 0]
        for s, e in self.holes:
            cand += [s - 1, e]
            # The same table index one 2M/1G/512G span away: where a table that was
            # shared when the hole was punched (or filled) maps, if it was written in
            # place instead of copied.
            for d in (2 * M, G, 512 * G):
                for va in (s - d, s + d, e - 1 - d, e - 1 + d):
                    rec = self.model.lookup(va) if va >= 0 else None
                    if rec is not None and rec.page is not None:
                        cand.append(va)
        return cand


# ----------------------------------------------------------------------------
# Independent software walker (Arm ARM, VMSAv8-64, 48-bit OA, no LPA/LPA2)
# ----------------------------------------------------------------------------
class Walk:
    def __init__(self):
        self.fault = None  # "translation", "address-size", "access-flag"
        self.level = None
        self.pa = None
        self.desc = 0
        self.ap_table = 0
        self.pxn_table = 0
        self.xn_table = 0


class Walker:
    def __init__(self, memory, base, stage, regs):
        self.mem, self.base, self.stage = memory, base, stage
        if stage == 1 and "TTBR1" in regs:  # the upper range: T1SZ, TG1, TTBR1 (table addresses)
            tcr = regs["TCR"]
            self.ias = 64 - ((tcr >> 16) & 0x3F)
            self.g = SHIFT_OF_TG1.get((tcr >> 30) & 3)
            self.ps = PS_BITS.get((tcr >> 32) & 7, 48)
            self.table = regs["TTBR1"] & ((1 << 48) - 2)
        elif stage == 1:
            tcr = regs["TCR"]
            self.ias = 64 - (tcr & 0x3F)
            self.g = SHIFT_OF_TG0.get((tcr >> 14) & 3)
            self.ps = PS_BITS.get((tcr >> 32) & 7, 48)
            self.table = regs["TTBR0"] & ((1 << 48) - 2)
        else:
            vtcr = regs["VTCR"]
            self.ias = 64 - (vtcr & 0x3F)
            self.g = SHIFT_OF_TG0.get((vtcr >> 14) & 3)
            self.ps = PS_BITS.get((vtcr >> 16) & 7, 48)
            self.table = regs["VTTBR"] & ((1 << 48) - 2)
            sl0 = (vtcr >> 6) & 3
        if self.g is None:
            raise ValueError("reserved TG0 encoding")
        self.stride = self.g - 3
        if stage == 1:
            self.start = 3 - (self.ias - self.g - 1) // self.stride
        else:
            self.start = ({0: 2, 1: 1, 2: 0} if self.g == 12 else {0: 3, 1: 2, 2: 1}).get(sl0)
            if self.start is None:
                raise ValueError("reserved VTCR_EL2.SL0 encoding")
        self.ps = min(self.ps, 48)

    def shift(self, level):
        return self.g + self.stride * (3 - level)

    def read(self, pa):
        off = pa - self.base
        if off < 0 or off + 8 > len(self.mem):
            return None
        return struct.unpack_from("<Q", self.mem, off)[0]

    def walk(self, va):
        w = Walk()
        if va >> self.ias:
            w.fault, w.level = "translation", self.start
            return w
        oa_mask = ((1 << 48) - 1) & ~((1 << self.g) - 1)
        table = self.table
        for level in range(self.start, 4):
            sh = self.shift(level)
            if level == self.start:
                idx = (va >> sh) & ((1 << (self.ias - sh)) - 1)
            else:
                idx = (va >> sh) & ((1 << self.stride) - 1)
            desc = self.read(table + 8 * idx)
            w.level = level
            if desc is None:
                w.fault = "outside-image"
                return w
            if desc & 1 == 0:
                w.fault = "translation"
                return w
            is_table = desc & 2 and level < 3
            if is_table:
                nxt = desc & oa_mask
                if nxt >> self.ps:
                    w.fault = "address-size"
                    return w
                if self.stage == 1:
                    w.ap_table |= (desc >> 61) & 3
                    w.pxn_table |= (desc >> 59) & 1
                    w.xn_table |= (desc >> 60) & 1
                table = nxt
                continue
            if level == 3 and desc & 2 == 0:
                w.fault = "translation"  # reserved encoding at level 3
                return w
            if level < 3:
                allowed = [1, 2] if self.g == 12 else [2]
                if level not in allowed:
                    w.fault = "translation"  # block not permitted at this level
                    return w
            out = desc & oa_mask & ~((1 << sh) - 1)
            if out >> self.ps:
                w.fault = "address-size"
                return w
            if not desc & (1 << 10):
                w.fault = "access-flag"
                return w
            w.desc = desc
            w.pa = out | (va & ((1 << sh) - 1))
            return w
        return w

    def permissions(self, w):
        """(R1, W1, R0, W0, X1, X0, attr, sh) implied by a successful walk."""
        d = w.desc
        if self.stage == 1:
            ap2, ap1 = (d >> 7) & 1, (d >> 6) & 1
            ro = ap2 or (w.ap_table & 2)
            el0 = ap1 and not (w.ap_table & 1)
            r1, w1 = True, not ro
            r0, w0 = bool(el0), bool(el0 and not ro)
            pxn = (d >> 53) & 1 or w.pxn_table
            uxn = (d >> 54) & 1 or w.xn_table
            x1 = not pxn and not w0  # EL0-writable implies privileged execute-never
            x0 = not uxn
            return (r1, w1, r0, w0, bool(x1), bool(x0), (d >> 2) & 7, (d >> 8) & 3)
        s2ap = (d >> 6) & 3
        xn = (d >> 54) & 1
        rd, wr = bool(s2ap & 1), bool(s2ap & 2)
        return (rd, wr, rd, wr, not xn, not xn, (d >> 2) & 0xF, (d >> 8) & 3)


# ----------------------------------------------------------------------------
# Unicorn (QEMU) MMU driver
# ----------------------------------------------------------------------------
# A64 encodings (Arm ARM C6): SYS/AT, MRS, ISB, ERET, LDR/STR post-index, SUBS, B.cond.
def enc_at(op1, op2, rt):
    return 0xD5087800 | (op1 << 16) | (op2 << 5) | rt          # SYS #op1, C7, C8, #op2, Xt


def enc_mrs_par(rt):
    return 0xD5387400 | rt                                    # MRS Xt, PAR_EL1 (3,0,7,4,0)


ISB, ERET = 0xD5033FDF, 0xD69F03E0


def enc_ldr_post(rt, rn):
    return 0xF8408400 | (rn << 5) | rt                        # LDR Xt, [Xn], #8


def enc_str_post(rt, rn):
    return 0xF8008400 | (rn << 5) | rt                        # STR Xt, [Xn], #8


def enc_subs1(rd):
    return 0xF1000400 | (rd << 5) | rd                        # SUBS Xd, Xd, #1


def enc_bne(offset):
    return 0x54000001 | (((offset >> 2) & 0x7FFFF) << 5)      # B.NE offset


# (op0, op1, CRn, CRm, op2)
REG = {
    "SCTLR_EL1": (3, 0, 1, 0, 0), "TTBR0_EL1": (3, 0, 2, 0, 0), "TTBR1_EL1": (3, 0, 2, 0, 1),
    "TCR_EL1": (3, 0, 2, 0, 2), "MAIR_EL1": (3, 0, 10, 2, 0), "PAR_EL1": (3, 0, 7, 4, 0),
    "HCR_EL2": (3, 4, 1, 1, 0), "VTTBR_EL2": (3, 4, 2, 1, 0), "VTCR_EL2": (3, 4, 2, 1, 2),
    "SPSR_EL2": (3, 4, 4, 0, 0), "ELR_EL2": (3, 4, 4, 0, 1), "SCR_EL3": (3, 6, 1, 1, 0),
    "SCTLR_EL2": (3, 4, 1, 0, 0), "ID_AA64MMFR0_EL1": (3, 0, 0, 7, 0),
}
PSTATE_EL2H, SPSR_EL1H, SPSR_EL0T = 0x3C9, 0x3C5, 0x3C0  # DAIF masked


class UnicornMMU:
    def __init__(self, memory, base, stage, regs, region, va_base=0):
        self.stage = stage
        self.va_base = va_base  # upper range: probes are va_base + table address
        self.region = region[0]
        self.code = self.region
        self.inbuf = self.region + 0x1000
        self.outbuf = self.region + 0x10000
        uc = Uc(UC_ARCH_ARM64, UC_MODE_ARM)
        uc.ctl_set_cpu_model(A64.UC_CPU_ARM64_A72)
        self.uc = uc
        map_image(uc, memory, base, region)
        self.parange = PS_BITS[self.rd("ID_AA64MMFR0_EL1") & 0xF]
        self.pa_limit = 1 << self.parange  # larger output addresses give address-size faults
        self.narrowed = None
        if stage == 1:
            size_field = (regs["TCR"] >> 16) & 0x3F if "TTBR1" in regs else regs["TCR"] & 0x3F
            self.va_limit = 1 << (64 - size_field)
        else:
            ipa_bits = 64 - (regs["VTCR"] & 0x3F)
            if ipa_bits > self.parange:
                # QEMU faults every stage-2 walk whose IPA size exceeds PARange. For
                # IPAs below 2^PARange the walk is the same with a smaller T0SZ (same
                # SL0, same start table; the dropped index bits are zero), so narrow
                # T0SZ and leave larger IPAs to the software walker.
                regs = dict(regs)
                regs["VTCR"] = (regs["VTCR"] & ~0x3F) | (64 - self.parange)
                self.narrowed = (ipa_bits, self.parange)
                ipa_bits = self.parange
            self.va_limit = 1 << ipa_bits

        # The AT loop: x5 = input VAs, x6 = output PARs, x7 = count.
        if stage == 1:
            ats = [(0, 0), (0, 1), (0, 2), (0, 3)]   # S1E1R, S1E1W, S1E0R, S1E0W
        else:
            ats = [(4, 4), (4, 5), (4, 6), (4, 7)]   # S12E1R, S12E1W, S12E0R, S12E0W
        loop = [enc_ldr_post(0, 5)]
        for op1, op2 in ats:
            loop += [enc_at(op1, op2, 0), ISB, enc_mrs_par(1), enc_str_post(1, 6)]
        loop += [enc_subs1(7)]
        loop.append(enc_bne(-4 * len(loop)))
        self.loop_start = self.code + 16
        self.loop_end = self.loop_start + 4 * len(loop)
        uc.mem_write(self.code, ins([ERET, 0, 0, 0] + loop))

        # Non-secure, EL2 present and AArch64; EL1 AArch64.
        self.wr("SCR_EL3", (1 << 0) | (3 << 4) | (1 << 8) | (1 << 10))
        self.wr("SCTLR_EL2", self.rd("SCTLR_EL2") & ~1)  # EL2 runs with its MMU off
        sctlr = self.rd("SCTLR_EL1") & ~((1 << 19) | (1 << 25) | (1 << 24) | (1 << 1))
        if stage == 1:
            self.wr("HCR_EL2", 1 << 31)                 # RW
            self.wr("MAIR_EL1", regs["MAIR"])
            self.wr("TCR_EL1", regs["TCR"])
            self.wr("TTBR0_EL1", regs.get("TTBR0", 0))
            self.wr("TTBR1_EL1", regs.get("TTBR1", 0))
            self.wr("SCTLR_EL1", sctlr | 1)            # M
        else:
            # VM: stage 2 on; DC: stage 1 off with Normal WB attributes, so the
            # PAR attribute is the stage-2 MemAttr combined with Normal WB.
            self.wr("HCR_EL2", (1 << 31) | (1 << 12) | 1)
            self.wr("VTCR_EL2", regs["VTCR"])
            self.wr("VTTBR_EL2", regs["VTTBR"])
            self.wr("SCTLR_EL1", sctlr & ~1)
        self.ctx = uc.context_save()
        self.intr = []
        uc.hook_add(UC_HOOK_INTR, self._on_intr)

    def _on_intr(self, uc, intno, _data):
        self.intr.append((intno, uc.reg_read(A64.UC_ARM64_REG_PC)))
        uc.emu_stop()

    def rd(self, name):
        op0, op1, crn, crm, op2 = REG[name]
        return self.uc.cpr_read(op0, op1, crn, crm, op2)

    def wr(self, name, value):
        op0, op1, crn, crm, op2 = REG[name]
        self.uc.cpr_write(op0, op1, crn, crm, op2, value)

    def _enter(self, target, spsr):
        # Unicorn starts in EL1. Setting PSTATE.EL=2 and executing ERET (legal
        # at EL1, so it translates) performs a real exception return using
        # SPSR_EL2/ELR_EL2, which also recomputes the emulator's cached EL.
        self.uc.context_restore(self.ctx)
        self.uc.reg_write(A64.UC_ARM64_REG_PSTATE, PSTATE_EL2H)
        self.wr("SPSR_EL2", spsr)
        self.wr("ELR_EL2", target)
        self.intr = []

    def at(self, vas):
        """Return [(par_e1r, par_e1w, par_e0r, par_e0w)] for each VA."""
        vas = [(self.va_base + va) % (1 << 64) for va in vas]
        return at_batches(self, vas, lambda: self._enter(self.loop_start, PSTATE_EL2H), self.code, "Q",
                          (A64.UC_ARM64_REG_X5, A64.UC_ARM64_REG_X6, A64.UC_ARM64_REG_X7, A64.UC_ARM64_REG_PC))

    def can_execute(self, va, el):
        """True if an instruction fetch from `va` at EL1/EL0 is permitted."""
        target = ((self.va_base + va) % (1 << 64)) & ~3
        self._enter(target, SPSR_EL1H if el == 1 else SPSR_EL0T)
        err = None
        try:
            self.uc.emu_start(self.code, self.code + 0x800, count=2)
        except UcError as e:
            err = e
        outcome = fetch_outcome(err, self.intr, target)
        if outcome is not None:
            return outcome
        raise RuntimeError("unexpected outcome executing 0x%x at EL%d: err=%r exceptions=%r"
                           % (target, el, err, self.intr))


def decode_par(par):
    """-> (ok, pa_page, attr, sh, fault_status)."""
    if par & 1:
        return False, None, None, None, (par >> 1) & 0x3F
    return True, par & 0x0000FFFFFFFFF000, (par >> 56) & 0xFF, (par >> 7) & 3, None


def fst_kind(fst):
    kind = fst >> 2
    return {0: "address-size", 1: "translation", 2: "access-flag", 3: "permission"}.get(kind, "fst=0x%x" % fst)


# ----------------------------------------------------------------------------
# Expectations from PROT
# ----------------------------------------------------------------------------
def expected_perms(stage, prot):
    """(R1, W1, R0, W0, X1, X0) implied by PROT under the documented encoding."""
    if stage == 1:
        w = "w" in prot
        el0 = "p" not in prot
        x = "x" in prot
        # A privileged-only mapping is never executable at EL0 (UXN set).
        return (True, w, el0, w and el0, x and not (w and el0), x and el0)
    r, w, x = "r" in prot, "w" in prot, "x" in prot
    return (r, w, r, w, x, x)


def expected_attr(stage, prot):
    """(attr index or MemAttr, SH) for the descriptor; SH None = not specified."""
    if stage == 1:
        if "c" in prot:
            return 1, 0b11
        if "d" in prot:
            return 2, 0b10
        return 0, 0b10
    if "c" in prot:
        return 0xF, None
    if "d" in prot:
        return 0x1, None
    return 0x5, None


def expected_par_attr(stage, prot):
    """ATTR byte PAR_EL1 reports (stage 2: MemAttr combined with HCR_EL2.DC's Normal WB)."""
    idx, _ = expected_attr(stage, prot)
    if stage == 1:
        return EXPECTED_MAIR[idx]
    return {0xF: 0xFF, 0x1: 0x04, 0x5: 0x44}[idx]


# ----------------------------------------------------------------------------
# Running one case
# ----------------------------------------------------------------------------
def check_replies(case, lines, res):
    """Check answer lines against the model; returns the reply-driven model."""
    model = Model()
    finals = []
    tainted = []  # gpu out-of-memory: ranges whose state the generator guessed wrong
    if len(lines) != len(case.ops):
        res.fail(case, "CLI printed %d answer lines for %d operations" % (len(lines), len(case.ops)))
        return model, []
    for op, line in zip(case.ops, lines):
        line = line.strip()
        if op["op"] == "translate":
            rec = model.lookup(op["va"])
            check_translate(case, op, line, "unmapped" if rec is None else "0x%x" % rec.translate(op["va"]),
                            finals, res)
            continue
        verb = "unmapped" if op["op"] == "unmap" else "mapped"
        parsed = parse_reply(line, verb) if line.startswith(verb + " ") else None
        if parsed is None:
            res.fail(case, "`%s` gave a malformed answer %r" % (op["text"], line))
            continue
        n, err = parsed
        size, expect = op["size"], op["expect"]
        good = False
        if expect == "exact":
            # gpu configurations: the exact (bytes, error) the model predicts; in
            # the out-of-memory configuration also `out-of-memory` after a shorter
            # prefix. A range an earlier out-of-memory left in another state than
            # the generator assumed is only checked for a well-formed answer.
            want_n, want_err = op["want"]
            unit = op["page"] or case.cfg.page
            va = op["va"]
            if any(s < va + size and va < e for s, e in tainted):
                good = n <= size and n % case.cfg.page == 0 and (err is None) == (n == size)
                want = "any prefix (an earlier out-of-memory left this range uncertain)"
            else:
                good = (n, err) == (want_n, want_err) or (
                    err in op["alt"] and n <= want_n and n < size and n % unit == 0)
                want = "%s %d%s" % (verb, want_n, " error %s" % want_err if want_err else "")
                if op["alt"]:
                    want += " (or a shorter prefix with error %s)" % "|".join(op["alt"])
            if good and n != want_n:
                tainted.append((va + min(n, want_n), va + max(n, want_n)))
            if good:
                res.ok()
            else:
                res.fail(case, "`%s`" % op["text"], va, want, line)
            if op["op"] != "unmap" and n > 0:
                model.add(va, n, Record(va, op["pa"], n, op["prot"], op["page"]))
            elif op["op"] == "unmap" and n > 0:
                model.remove(va, n)
            continue
        if expect == "ok":
            good = n == size and err is None
        elif expect.startswith("ok-or-"):
            good = (n == size and err is None) or (err in expect[6:].split("|") and n < size
                                                   and n % case.cfg.page == 0)
        else:
            good = n == 0 and err == expect
        if expect == "ok":
            want = "%s %d" % (verb, size)
        elif expect.startswith("ok-or-"):
            want = "%s %d (or a prefix with error %s)" % (verb, size, expect[6:])
        else:
            want = "%s 0 error %s" % (verb, expect)
        if good:
            res.ok()
        else:
            res.fail(case, "`%s`" % op["text"], op["va"], want, line)
        # Follow what the CLI says it did (prefix semantics).
        if op["op"] == "map" and n > 0:
            model.add(op["va"], n, Record(op["va"], op["pa"], op["size"], op["prot"]))
        elif op["op"] == "unmap" and n > 0:
            model.remove(op["va"], n)
    return model, finals


def check_manifest(case, manifest, res):
    cfg = case.cfg
    problems = []
    need = (["TTBR1", "TCR", "MAIR"] if cfg.upper else ["TTBR0", "TCR", "MAIR"]) if cfg.stage == 1 else ["VTTBR", "VTCR"]
    layout = manifest_layout(case, manifest, res, need)
    if layout is None:
        return None
    base, size, root, regs = layout
    if manifest.get("format") != cfg.format:
        problems.append("format=%r, want %r" % (manifest.get("format"), cfg.format))
    if cfg.gpu:  # gpu-lpae exports the arm-lpae-64 stage-1 4K keys too
        for key, want in (("granule", "4k"), ("stage", 1), ("ias", cfg.ias), ("oas", cfg.oas)):
            if manifest.get(key) != want:
                problems.append("%s=%r, want %r" % (key, manifest.get(key), want))
    ps_want = {v: k for k, v in PS_BITS.items()}.get(cfg.oas)
    ias = cfg.ias
    if cfg.dynamic:
        ias = manifest.get("ias")
        if manifest.get("dynamicTop") != "on" or manifest.get("maximumIas") != cfg.ias or not isinstance(ias, int) \
                or not ias <= cfg.ias:
            problems.append("a dynamic-top manifest needs dynamicTop on, maximumIas %d and ias up to it" % cfg.ias)
            ias = cfg.ias
    if cfg.stage == 1 and cfg.upper:
        tcr = regs["TCR"]
        if "TTBR0" in regs or manifest.get("vaRange") != "upper":
            problems.append("an upper-range manifest must have TTBR1 only and vaRange upper")
        if regs["TTBR1"] & ((1 << 48) - 2) != root:
            problems.append("TTBR1 0x%x does not point at root 0x%x" % (regs["TTBR1"], root))
        if (tcr >> 16) & 0x3F != 64 - ias:
            problems.append("TCR.T1SZ=%d, want %d" % ((tcr >> 16) & 0x3F, 64 - ias))
        if (tcr >> 30) & 3 != TG1_OF_SHIFT[cfg.g]:
            problems.append("TCR.TG1=%d, want %d" % ((tcr >> 30) & 3, TG1_OF_SHIFT[cfg.g]))
        if not tcr & (1 << 7) or tcr & (1 << 23):
            problems.append("TCR.EPD0 must be 1 and EPD1 0 (TCR 0x%x)" % tcr)
        if ps_want is not None and (tcr >> 32) & 7 != ps_want:
            problems.append("TCR.IPS=%d, want %d (%d bits)" % ((tcr >> 32) & 7, ps_want, cfg.oas))
    elif cfg.stage == 1:
        tcr = regs["TCR"]
        if regs["TTBR0"] & ((1 << 48) - 2) != root:
            problems.append("TTBR0 0x%x does not point at root 0x%x" % (regs["TTBR0"], root))
        if tcr & 0x3F != 64 - ias:
            problems.append("TCR.T0SZ=%d, want %d" % (tcr & 0x3F, 64 - ias))
        if (tcr >> 14) & 3 != TG0_OF_SHIFT[cfg.g]:
            problems.append("TCR.TG0=%d, want %d" % ((tcr >> 14) & 3, TG0_OF_SHIFT[cfg.g]))
        if ps_want is not None and (tcr >> 32) & 7 != ps_want:
            problems.append("TCR.IPS=%d, want %d (%d bits)" % ((tcr >> 32) & 7, ps_want, cfg.oas))
        mair = regs["MAIR"]
        got = [(mair >> (8 * i)) & 0xFF for i in range(4)]
        if got != EXPECTED_MAIR:
            problems.append("MAIR attr0..3 = %s, want %s" % ([hex(x) for x in got], [hex(x) for x in EXPECTED_MAIR]))
    else:
        vtcr = regs["VTCR"]
        if regs["VTTBR"] & ((1 << 48) - 2) != root:
            problems.append("VTTBR 0x%x does not point at root 0x%x" % (regs["VTTBR"], root))
        if vtcr & 0x3F != 64 - ias:
            problems.append("VTCR.T0SZ=%d, want %d" % (vtcr & 0x3F, 64 - ias))
        if (vtcr >> 14) & 3 != TG0_OF_SHIFT[cfg.g]:
            problems.append("VTCR.TG0=%d, want %d" % ((vtcr >> 14) & 3, TG0_OF_SHIFT[cfg.g]))
        if ps_want is not None and (vtcr >> 16) & 7 != ps_want:
            problems.append("VTCR.PS=%d, want %d (%d bits)" % ((vtcr >> 16) & 7, ps_want, cfg.oas))
    if not (base <= root < base + size):
        problems.append("root 0x%x outside the arena" % root)
    if problems:
        res.fail(case, "manifest: " + "; ".join(problems))
    else:
        res.ok()
    return base, size, root, regs


def compare_probe(case, va, cli, rec, walker, par4, execs, res):
    """Compare one final probe. cli: CLI answer line; rec: model record or None."""
    cfg = case.cfg
    issues = []
    cli_pa = None if cli == "unmapped" else parse_hex(cli)
    # --- software walker ---------------------------------------------------
    w = walker.walk(va)
    if cli_pa is None:
        if w.fault is None:
            issues.append("walker translates to 0x%x, CLI says unmapped" % w.pa)
        elif w.fault != "translation":
            issues.append("walker: %s fault (want translation fault)" % w.fault)
    else:
        if w.fault is not None:
            issues.append("walker: %s fault at level %s, CLI says %s" % (w.fault, w.level, cli))
        elif w.pa != cli_pa:
            issues.append("walker PA 0x%x != CLI %s" % (w.pa, cli))
        else:
            d = w.desc
            if rec is not None:
                want_perm = expected_perms(cfg.stage, rec.prot)
                got = walker.permissions(w)
                if got[:6] != want_perm:
                    issues.append("walker permissions R1,W1,R0,W0,X1,X0=%s, PROT %r implies %s"
                                  % (bits(got[:6]), rec.prot, bits(want_perm)))
                want_idx, want_sh = expected_attr(cfg.stage, rec.prot)
                if got[6] != want_idx:
                    issues.append("descriptor %s=%d, PROT %r implies %d" % (
                        "AttrIndx" if cfg.stage == 1 else "MemAttr", got[6], rec.prot, want_idx))
                if want_sh is not None and got[7] != want_sh:
                    issues.append("descriptor SH=%d, PROT %r implies %d" % (got[7], rec.prot, want_sh))
            if cfg.stage == 1 and not d & (1 << 11):
                issues.append("descriptor nG clear (contract: nG set)")
    # --- hardware (QEMU) AT --------------------------------------------------
    if par4 is not None:
        dec = [decode_par(p) for p in par4]
        names = ["E1R", "E1W", "E0R", "E0W"] if cfg.stage == 1 else ["S12E1R", "S12E1W", "S12E0R", "S12E0W"]
        if cli_pa is None:
            for n, (ok, pa, _, _, fst) in zip(names, dec):
                if ok:
                    issues.append("AT %s translated to 0x%x, CLI says unmapped" % (n, pa | (va & 0xFFF)))
                elif fst_kind(fst) != "translation":
                    issues.append("AT %s: %s fault (FST=0x%x), want translation fault" % (n, fst_kind(fst), fst))
        elif rec is not None:
            want = expected_perms(cfg.stage, rec.prot)
            for n, allowed, (ok, pa, attr, sh, fst) in zip(names, want[:4], dec):
                if ok != allowed:
                    issues.append("AT %s %s, PROT %r says %s" % (
                        n, "succeeded" if ok else "faulted (%s, FST=0x%x)" % (fst_kind(fst), fst),
                        rec.prot, "allowed" if allowed else "denied"))
                    continue
                if not ok:
                    if fst_kind(fst) != "permission":
                        issues.append("AT %s: %s fault (FST=0x%x), want permission fault" % (n, fst_kind(fst), fst))
                    continue
                if (pa | (va & 0xFFF)) != cli_pa:
                    issues.append("AT %s PA 0x%x != CLI %s" % (n, pa | (va & 0xFFF), cli))
                want_attr = expected_par_attr(cfg.stage, rec.prot)
                if attr != want_attr:
                    issues.append("AT %s ATTR=0x%02x, PROT %r implies 0x%02x" % (n, attr, rec.prot, want_attr))
                _, want_sh = expected_attr(cfg.stage, rec.prot)
                if want_sh is not None and sh != want_sh:
                    issues.append("AT %s SH=%d, PROT %r implies %d" % (n, sh, rec.prot, want_sh))
            if execs is not None:
                for el, got in zip((1, 0), execs):
                    wantx = want[4] if el == 1 else want[5]
                    if got != wantx:
                        issues.append("instruction fetch at EL%d %s, PROT %r says %s" % (
                            el, "permitted" if got else "aborted", rec.prot, "allowed" if wantx else "denied"))
        else:  # mapped per the CLI but not per the script model (already reported): PA only
            done = [(n, d) for n, d in zip(names, dec) if d[0]]
            if done and (done[0][1][1] | (va & 0xFFF)) != cli_pa:
                issues.append("AT %s PA 0x%x != CLI %s" % (done[0][0], done[0][1][1] | (va & 0xFFF), cli))
            if not done and any(fst_kind(d[4]) != "permission" for d in dec):
                issues.append("every AT faulted (FST %s), CLI says %s" % ([hex(d[4]) for d in dec], cli))
        if cli_pa is None and execs is not None and any(execs):
            issues.append("instruction fetch permitted at an unmapped address")
    if issues:
        res.fail(case, "; ".join(issues), va,
                 "CLI %s, PROT %r" % (cli, rec.prot if rec else None),
                 "PAR %s" % ([hex(p) for p in par4] if par4 else "n/a"))
    else:
        res.ok()


def pick_harness_region(base, size):
    for cand in (0x100000, 0x40000000, 0x1000000000):
        region = (cand, cand + 0x40000)
        if region[1] <= base or region[0] >= base + size:
            return region
    raise RuntimeError("no room for the harness code page")


# Operations whose first argument is an input address.
IOVA_OPERATIONS = {"map", "map-all", "map-list", "unmap", "protect", "translate", "repeat", "reserve", "release",
                   "estimate", "estimate-reserve"}
SUFFIXES = {"K": K, "M": M, "G": G, "T": 1 << 40}


def upper_script(script, base):
    """The script with every input address moved up by `base` (modulo 2^64): table address t
    becomes the upper-range address base + t, and addresses beyond the table's range stay
    beyond the upper range (below it or past 2^64), so every answer stays the same."""
    out = []
    for line in script.split("\n"):
        tokens = line.split()
        if len(tokens) > 1 and tokens[0] in IOVA_OPERATIONS:
            word = tokens[1]
            if word.lower().startswith("0x"):
                value = int(word, 16)
            elif word[-1:] in SUFFIXES:
                value = int(word[:-1]) * SUFFIXES[word[-1]]
            else:
                value = int(word)
            tokens[1] = "0x%x" % ((base + value) % (1 << 64))
            line = " ".join(tokens)
        out.append(line)
    return "\n".join(out)


def run_case(cfg, index, args, res, workdir):
    memory_base, memory_size = cfg.arena()
    region = pick_harness_region(memory_base, memory_size)
    case = Case(cfg, args.seed, index, memory_base, memory_size, region)
    script = case.generate(n_ops=args.ops, max_probes=args.probes)
    if cfg.upper:
        script = upper_script(script, cfg.va_base)
    cdir = os.path.join(workdir, "%s-case%d" % (cfg.name, index))
    os.makedirs(cdir, exist_ok=True)
    spath = os.path.join(cdir, "script.txt")
    with open(spath, "w") as f:
        f.write(script)
    export = os.path.join(cdir, "export")
    cmd = list(args.pagetable_cmd) + ["run"] + cfg.cli_args() + ["--export", export, spath]
    lines, t_cli = run_cli(case, cmd, res)
    if lines is None:
        return False
    failed_before = res.failed
    model, finals = check_replies(case, lines, res)
    manifest, memory = read_export(case, export, res)
    if manifest is None:
        return False
    m = check_manifest(case, manifest, res)
    if m is None:
        return False
    base, size, root, regs = m
    if len(memory) != size:
        res.fail(case, "memory.bin has %d bytes, manifest.memorySize is %d" % (len(memory), size))
    region = pick_harness_region(base, len(memory))
    walker = Walker(memory, base, cfg.stage, regs)
    problems, groups = scan_groups(walker, cfg.contiguous)  # QEMU takes the bit as a hint only
    for _, problem in problems:
        res.fail(case, "[groups] " + problem, sources=("scan",))
    if not problems:
        res.ok()
    note_groups(cfg.name, groups)
    t1 = time.time()
    pars, execs = {}, {}
    hw = 0
    if not args.no_unicorn and finals:
        mmu = UnicornMMU(memory, base, cfg.stage, regs, region, cfg.va_base)
        if mmu.narrowed:
            note = ("%s: unicorn's PARange is %d bits, so stage-2 IPAs of %d bits are walked by unicorn "
                    "with VTCR_EL2.T0SZ narrowed to %d (IPAs below 2^%d); higher IPAs by the software walker only"
                    % (cfg.name, mmu.parange, mmu.narrowed[0], 64 - mmu.parange, mmu.parange))
            if note not in res.notes:
                res.notes.append(note)
        eligible = [(va, cli) for va, cli in finals if va < mmu.va_limit
                    and (cli == "unmapped" or parse_hex(cli) < mmu.pa_limit)]
        hw = len(eligible)
        for (va, _), par4 in zip(eligible, mmu.at([va for va, _ in eligible])):
            pars[va] = par4
        if not args.no_exec:
            for va, _ in eligible:
                execs[va] = (mmu.can_execute(va, 1), mmu.can_execute(va, 0))
    t_mmu = time.time() - t1
    for va, cli in finals:
        rec = model.lookup(va)
        compare_probe(case, va, cli, rec, walker, pars.get(va), execs.get(va), res)
    ok = res.failed == failed_before
    if args.verbose:
        print("  %-18s case %d: %3d ops, %3d probes (%3d on unicorn), cli %.2fs, mmu %.2fs%s" % (
            cfg.name, index, len(case.ops), len(finals), hw, t_cli, t_mmu,
            "" if ok else "  FAILED (kept in %s)" % cdir))
    if ok and not args.keep:
        shutil.rmtree(cdir, ignore_errors=True)
    elif not ok:
        print("    reproduce: %s --seed %d --config %s --cases %d   (script and export kept in %s)" % (
            sys.argv[0], args.seed, cfg.name, index + 1, cdir))
    return ok


def main(argv=None):
    ap = arg_parser("Compare pagetable arm-lpae-64 and gpu-lpae images with QEMU's ARMv8 MMU (unicorn).", cases=3,
                    ops=40, ops_help="map/unmap/translate operations per script before the final probes",
                    probes_help="maximum final translate probes per script (gpu configurations: twice that)")
    ap.add_argument("--no-exec", action="store_true", help="skip the instruction-fetch (execute permission) probes")
    ap.add_argument("--no-unicorn", action="store_true", help="use the software walker only")
    ap.add_argument("--self-test", action="store_true",
                    help="plant partial, misaligned and non-uniform contiguous groups; check each is caught")
    ap.add_argument("--keep", metavar="DIR", help="keep every script and export under DIR")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)

    if args.list_configs:
        for c in CONFIGS:
            print("%-22s %-11s stage %d granule %-3s ias %d oas %d%s" % (
                c.name, c.format, c.stage, c.granule, c.ias, c.oas, "  (out of memory)" if c.mode == "oom" else ""))
        return 0
    configs = select_configs(ap, args, CONFIGS)
    args.pagetable_cmd = pagetable_command(TOOL, args.pagetable)
    if args.pagetable_cmd is None:
        return 1
    if args.self_test:
        with tempfile.TemporaryDirectory(prefix=TOOL + "-self-test-") as workdir:
            return groups_self_test(TOOL, args.pagetable_cmd, Walker, workdir)
    print("%s: seed %d, %d configuration(s) x %d case(s), pagetable %s" % (
        TOOL, args.seed, len(configs), args.cases, args.pagetable))
    sys.stdout.flush()
    res = Results(args.seed, args.verbose)
    workdir = args.keep or tempfile.mkdtemp(prefix=TOOL + "-")
    os.makedirs(workdir, exist_ok=True)
    t0 = time.time()
    run_cases(configs, args, res, workdir, lambda cfg, i: run_case(cfg, i, args, res, workdir))
    print("note: " + summary())
    return finish(TOOL, args.seed, t0, res.passed, res.failed)


if __name__ == "__main__":
    sys.exit(main())
