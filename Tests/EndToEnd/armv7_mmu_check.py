#!/usr/bin/env python3
"""End-to-end check of `pagetable --format arm-v7s` images (ARMv7 short-descriptor
translation tables) against an independent ARMv7 MMU: QEMU's VMSAv7 table walker as
shipped in the `unicorn` package (cortex-a15 model).

For every configuration and case the harness
  1. generates a seeded random script (4K small pages, 64K large pages, 1M sections and
     16M supersections, with block-aligned and misaligned PAs so that the leaf choice
     varies; unmaps; operations that must fail; `map-all`; `fail-alloc` episodes; translate
     probes),
  2. runs `pagetable run --format arm-v7s ... --export DIR SCRIPT`,
  3. checks every answer line against its own interval model of the script,
  4. loads DIR/memory.bin at manifest.memoryBase into unicorn, programs TTBR0, TTBCR,
     DACR, PRRR, NMRR and SCTLR from the manifest with MCR instructions, and for every
     final `translate` probe runs ATS1CPR/ATS1CPW/ATS1CUR/ATS1CUW from Hyp mode (whose
     own MMU is off) and reads PAR; execute permission is probed by ERET-ing to the
     address in Non-secure SVC (PL1) and User (PL0) mode and observing whether the fetch
     is translated or raises a prefetch abort,
  5. walks the image with a small Python walker written from the ARM ARM (VMSAv7
     short-descriptor format, SCTLR.AFE = 1, TEX remap) for the probes, and scans the
     whole image (every L1 and L2 entry) against the script model, including the memory
     attributes, which this QEMU version does not report in PAR.

Everything (instruction encodings, register layouts, expectations) is written from the
ARM Architecture Reference Manual (ARMv7-A/R); nothing is taken from the Swift sources
under test. Only dependency: `unicorn` (pip).

Exit status 0 when everything agrees, 1 on any mismatch. The last line is
`armv7-mmu-check: N passed, M failed`.
"""
import os
import pickle
import random
import shutil
import struct
import sys
import tempfile
import time

try:
    from unicorn import Uc, UcError, UC_ARCH_ARM, UC_MODE_ARM, UC_HOOK_INTR
    from unicorn import arm_const as A32
except ImportError:  # pragma: no cover
    sys.exit("armv7-mmu-check: the `unicorn` Python package is required (pip install unicorn)")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import (  # noqa: E402  (shared with armv8_mmu_check.py)
    K, M, Model, Results, arg_parser, at_batches, bits, block_cut, check_translate, choose_probes,
    fetch_outcome, finish, fmt_num, ins, manifest_layout, map_image, pagetable_command, parse_hex,
    parse_reply, pick_cut, probe_candidates, random_probe, read_export, run_cases, run_cli, script_text,
    select_configs, translate_op)

TOOL = "armv7-mmu-check"

PAGE = 4 * K
VA_LIMIT = PA_LIMIT = 1 << 32
LEAF_SIZES = [64 * K, 1 * M, 16 * M]   # large page, section, supersection (4K pages always fit)
DEFAULT_MEMORY_BASE, DEFAULT_MEMORY_SIZE, DEFAULT_ZONE = 0x80000000, 64 * M, 1 * M


class Config:
    def __init__(self, name, memory_base=None, memory_size=None, zone=None, coherent=True, mode="normal"):
        self.name, self.memory_base, self.memory_size = name, memory_base, memory_size
        self.zone, self.coherent, self.mode = zone, coherent, mode

    def arena(self):
        return (self.memory_base if self.memory_base is not None else DEFAULT_MEMORY_BASE,
                self.memory_size if self.memory_size is not None else DEFAULT_MEMORY_SIZE)

    def zone_bytes(self):
        return self.zone if self.zone is not None else DEFAULT_ZONE

    def cli_args(self):
        args = []
        if self.zone is not None:
            args += ["--table-zone-size", str(self.zone)]
        if self.memory_base is not None:
            args += ["--memory-base", "0x%x" % self.memory_base]
        if self.memory_size is not None:
            args += ["--memory-size", str(self.memory_size)]
        if not self.coherent:
            args += ["--non-coherent"]
        return args

    def describe(self):
        base, size = self.arena()
        return "memory 0x%x+%dK, zone %dK, %s walks, %s" % (
            base, size // K, self.zone_bytes() // K, "coherent" if self.coherent else "non-coherent", self.mode)


CONFIGS = [
    Config("default"),                                                   # CLI defaults: 0x80000000, 64M, zone 1M
    Config("small-arena", memory_base=0x40000000, memory_size=4 * M, zone=512 * K),
    Config("high-base", memory_base=0xF8000000, memory_size=8 * M, zone=256 * K),
    Config("low-base", memory_base=0x01000000, memory_size=2 * M, zone=256 * K),
    Config("non-coherent", memory_size=4 * M, coherent=False),
    Config("fault-inject", memory_size=4 * M, zone=512 * K, mode="faults"),
    Config("tight-zone", memory_size=1 * M, zone=16 * K, mode="oom"),    # 16 L2 tables: maps run out
]


def slots(va, size):
    """The 1M L1 slots [va, va+size) touches."""
    return range(va >> 20, ((va + size - 1) >> 20) + 1) if size > 0 else range(0)


# ----------------------------------------------------------------------------
# Interval model of what is mapped (the Model itself: e2e_common)
# ----------------------------------------------------------------------------
class Record:
    def __init__(self, iova, pa, size, prot, certain=True):
        self.iova, self.pa, self.size, self.prot, self.certain = iova, pa, size, prot, certain


# ----------------------------------------------------------------------------
# Random script generation
# ----------------------------------------------------------------------------
MAP_KINDS = [("pages", 4), ("large", 2), ("large-mispa", 1), ("section", 2), ("section-mispa", 1),
             ("super", 1), ("super-mispa", 1), ("mixed", 2)]
L1_ONLY_KINDS = ("section", "super", "super-mispa")   # leaves need no L2 table
INVALID_PROTS = ["w", "wx", "x", "-", "wp", "rcd", "xc", "wd", "cd", "xp"]


class Case:
    def __init__(self, cfg, seed, index, pa_forbidden):
        self.cfg = cfg
        self.rng = random.Random("%d:%s:%d" % (seed, cfg.name, index))
        self.index = index
        self.ops = []
        self.model = Model()       # the generator's idea of what is mapped
        self.reserved = []         # ranges in an uncertain state: never reused
        self.holes = []            # ranges that must be unmapped at the end (unless remapped)
        self.touched = set()       # 1M slots any map ever covered (an L2 table may exist there)
        self.pa_forbidden = pa_forbidden

    # -- choices ------------------------------------------------------------
    def prot(self):
        r = self.rng
        p = "r" + ("w" if r.random() < 0.5 else "") + ("x" if r.random() < 0.45 else "")
        p += r.choice(["", "", "c", "d"])
        p += "p" if r.random() < 0.4 else ""
        letters = list(p)
        r.shuffle(letters)  # letter order must not matter
        return "".join(letters)

    def is_free(self, va, size):
        if va < 0 or size <= 0 or va + size > VA_LIMIT:
            return False
        if self.model.overlaps(va, va + size):
            return False
        return not any(s < va + size and va < e for s, e in self.reserved)

    def untouched(self, va, size):
        return not any(s in self.touched for s in slots(va, size))

    def free_va(self, size, align, untouched=False):
        r = self.rng
        for _ in range(60):
            x = r.random()
            if self.model.live and x < 0.5:
                _, end, _ = r.choice(self.model.live)
                gap = r.choice([0, 0, 1, 2, 7, 16]) * PAGE
                va = (end + gap + align - 1) // align * align
            elif x < 0.56:
                va = r.choice([0, (VA_LIMIT - size) // align * align])
            else:
                va = r.randrange(0, max(1, (VA_LIMIT - size) // align)) * align
            if not self.is_free(va, size):
                continue
            if untouched and not self.untouched(va, size):
                continue
            return va
        return None

    def free_pa(self, size, align, offset=0, not_align=None):
        """A PA = k*align + offset for [PA, PA+size), optionally not a multiple of not_align."""
        r = self.rng
        for _ in range(100):
            hi = (PA_LIMIT - size - offset) // align
            lo = 16 * M // align
            if hi <= lo:
                return None
            k = hi - r.randrange(0, 4) if r.random() < 0.1 else r.randrange(lo, hi)
            pa = k * align + offset
            if not_align and pa % not_align == 0:
                pa += align if align < not_align else 0
                if pa % not_align == 0:
                    continue
            if pa < 16 * M or pa + size > PA_LIMIT:
                continue
            if any(s < pa + size and pa < e for s, e in self.pa_forbidden):
                continue
            return pa
        return None

    # -- ops ------------------------------------------------------------------
    def add_map(self, va, pa, size, prot, expect, all_or_nothing=False, text=None):
        verb = "map-all" if all_or_nothing else "map"
        if text is None:
            text = "%s %s %s %s %s" % (verb, fmt_num(self.rng, va), fmt_num(self.rng, pa),
                                       fmt_num(self.rng, size), prot)
        self.ops.append({"op": verb, "va": va, "pa": pa, "size": size, "prot": prot,
                         "expect": expect, "text": text})
        for s in slots(va, min(size, max(0, VA_LIMIT - va))):
            self.touched.add(s)
        kind = expect[0]
        if kind == "ok":
            self.model.add(va, size, Record(va, pa, size, prot))
        elif kind in ("ok-or", "all-or"):
            # Uncertain outcome: keep it out of every later exact expectation.
            self.model.add(va, size, Record(va, pa, size, prot, certain=False))
            self.reserved.append((va, va + size))
        elif kind in ("exact", "exact-or-oom"):
            n = expect[1]
            if n:
                self.model.add(va, n, Record(va, pa, size, prot, certain=(kind == "exact")))
                if kind != "exact":
                    self.reserved.append((va, va + n))
            if n < size and va + size <= VA_LIMIT:
                self.holes.append((va + n, va + size))

    def add_unmap(self, va, size, expect, text=None):
        if text is None:
            text = "unmap %s %s" % (fmt_num(self.rng, va), fmt_num(self.rng, size))
        self.ops.append({"op": "unmap", "va": va, "size": size, "expect": expect, "text": text})
        kind = expect[0]
        if kind == "ok":
            self.model.remove(va, size)
            self.holes.append((va, va + size))
        elif kind == "ok-or":
            self.model.remove(va, size)
            self.reserved.append((va, va + size))
        elif kind == "exact" and expect[1]:
            self.model.remove(va, expect[1])
            self.holes.append((va, va + expect[1]))

    def add_translate(self, va, final):
        self.ops.append(translate_op(self.rng, va, final))

    def add_fail_alloc(self, arg):
        self.ops.append({"op": "fail-alloc", "text": "fail-alloc %s" % arg})

    def map_expect(self, kind, in_episode):
        if kind in L1_ONLY_KINDS:
            return ("ok",)   # sections and supersections need no table memory
        if in_episode or self.cfg.mode == "oom":
            return ("ok-or", "out-of-memory")
        return ("ok",)

    def gen_map(self, in_episode=False):
        r = self.rng
        if not in_episode and r.random() < 0.15 and self.gen_reuse():
            return
        kind = r.choices([k for k, _ in MAP_KINDS], weights=[w for _, w in MAP_KINDS])[0]
        va = pa = None
        if kind == "pages":
            size = r.randint(1, 8) * PAGE
            va, pa = self.free_va(size, PAGE), self.free_pa(size, PAGE)
        elif kind == "large":
            size = r.randint(1, 3) * 64 * K
            va, pa = self.free_va(size, 64 * K), self.free_pa(size, 64 * K)
        elif kind == "large-mispa":
            size = r.randint(1, 2) * 64 * K
            va, pa = self.free_va(size, 64 * K), self.free_pa(size, PAGE, not_align=64 * K)
        elif kind == "section":
            size = r.randint(1, 2) * M
            va, pa = self.free_va(size, M), self.free_pa(size, M)
        elif kind == "section-mispa":
            size = M
            va, pa = self.free_va(size, M), self.free_pa(size, 64 * K, not_align=M)
        elif kind == "super":
            size = 16 * M * (2 if r.random() < 0.2 else 1)
            va, pa = self.free_va(size, 16 * M), self.free_pa(size, 16 * M)
        elif kind == "super-mispa":
            size = 16 * M
            va, pa = self.free_va(size, 16 * M), self.free_pa(size, M, not_align=16 * M)
        else:  # mixed: pages (and large pages) up to an L-aligned boundary, L-sized leaves, pages after
            big = r.choice([64 * K, M, M, 16 * M])
            pre = r.randint(1, 40) * PAGE
            if pre >= big:
                pre = big - PAGE
            body = big * (r.randint(0, 2) if big < 16 * M else 1)
            post = r.randint(0, 40) * PAGE
            size = pre + body + post
            region = self.free_va(big + body + post, big)
            pbase = self.free_pa(big + body + post, big)
            if region is not None and pbase is not None:
                va, pa = region + big - pre, pbase + big - pre
            kind = "mixed"
        if va is None or pa is None:
            return
        all_or_nothing = r.random() < 0.15
        expect = self.map_expect(kind, in_episode)
        if all_or_nothing and expect[0] == "ok-or":
            expect = ("all-or", expect[1])
        self.add_map(va, pa, size, self.prot(), expect, all_or_nothing)

    def certain_live(self):
        return [t for t in self.model.live if t[2].certain]

    def gen_reuse(self):
        """Map into a range unmapped earlier, with the largest leaf that fits there: turns
        L1 entries from sections into tables and back, reuses emptied L2 tables."""
        r = self.rng
        if not self.holes:
            return False
        s, e = r.choice(self.holes)
        for align in (16 * M, M, 64 * K, PAGE):
            a = (s + align - 1) // align * align
            if a + align > e:
                continue
            size = r.randint(1, max(1, min(4, (e - a) // align))) * align
            if not self.is_free(a, size):
                return False
            mis = r.random() < 0.3 and align > PAGE
            pa = self.free_pa(size, PAGE if mis else align, not_align=align if mis else None)
            if pa is None:
                return False
            kind = "section" if align >= M and not mis else "pages"
            expect = self.map_expect(kind, False)
            self.add_map(a, pa, size, self.prot(), expect, r.random() < 0.2 and expect[0] == "ok")
            return True
        return False

    def gen_unmap_span(self):
        """Unmap across two adjacent mappings."""
        r = self.rng
        live = sorted(self.certain_live(), key=lambda t: t[0])
        pairs = [(x, y) for x, y in zip(live, live[1:]) if x[1] == y[0]]
        if not pairs:
            return False
        (s1, e1, r1), (s2, e2, r2) = r.choice(pairs)
        a = s1 + r.randrange(0, (e1 - s1) // PAGE) * PAGE
        b = e2 - r.randrange(0, (e2 - s2) // PAGE) * PAGE
        cut = block_cut(r1, a, b, LEAF_SIZES) or block_cut(r2, a, b, LEAF_SIZES)
        self.add_unmap(a, b - a, ("ok-or", "partial-leaf") if cut else ("ok",))
        return True

    def gen_unmap(self):
        r = self.rng
        live = self.certain_live()
        if not live:
            return
        if r.random() < 0.2 and self.gen_unmap_span():
            return
        s, e, rec = r.choice(live)
        a, b = pick_cut(r, s, e, PAGE)
        self.add_unmap(a, b - a, ("ok-or", "partial-leaf") if block_cut(rec, a, b, LEAF_SIZES) else ("ok",))

    def gen_error_op(self):
        r = self.rng
        oom = self.cfg.mode == "oom"
        choice = r.random()
        live = self.certain_live()
        if choice < 0.18 and live:
            # Map onto a mapped page: nothing is mapped.
            s, e, _ = r.choice(live)
            va = s + r.randrange(0, (e - s) // PAGE) * PAGE
            size = min(PAGE * r.randint(1, 4), VA_LIMIT - va)
            pa = self.free_pa(size, PAGE)
            if pa is not None:
                self.add_map(va, pa, size, self.prot(), ("exact", 0, "already-mapped"), r.random() < 0.3)
        elif choice < 0.36 and live:
            # Map free pages that run into a mapping: `map` keeps the exact prefix,
            # `map-all` undoes it.
            s, e, _ = r.choice(live)
            j = r.randint(1, 4)
            va = s - j * PAGE
            if not self.is_free(va, j * PAGE):
                return
            size = min((j + r.randint(1, 3)) * PAGE, VA_LIMIT - va)
            pa = self.free_pa(size, PAGE)
            if pa is None:
                return
            if r.random() < 0.4:
                self.add_map(va, pa, size, self.prot(), ("exact-or-oom" if oom else "exact", 0, "already-mapped"), True)
            else:
                self.add_map(va, pa, size, self.prot(), ("exact-or-oom" if oom else "exact", j * PAGE, "already-mapped"))
        elif choice < 0.5:
            size = PAGE * r.randint(1, 2)
            va = self.free_va(size, PAGE)
            pa = self.free_pa(size, PAGE)
            if va is not None and pa is not None:
                self.add_map(va, pa, size, r.choice(INVALID_PROTS),
                             ("exact", 0, "invalid-attributes"), r.random() < 0.3)
        elif choice < 0.6:
            va = self.free_va(PAGE * 2, PAGE)
            if va is not None:
                self.add_unmap(va, PAGE * r.randint(1, 2), ("exact", 0, "not-mapped"))
        elif choice < 0.7 and live:
            # Unmap pages that run into a hole: the exact prefix is unmapped.
            s, e, rec = r.choice(live)
            j = r.randint(1, max(1, min(4, (e - s) // PAGE)))
            m = r.randint(1, 3)
            if not self.is_free(e, m * PAGE) or block_cut(rec, e - j * PAGE, e, LEAF_SIZES):
                return
            self.add_unmap(e - j * PAGE, (j + m) * PAGE, ("exact", j * PAGE, "not-mapped"))
        else:
            va = self.free_va(PAGE, PAGE)
            pa = self.free_pa(PAGE, PAGE)
            if va is None or pa is None:
                return
            kind = r.choice(["va-range", "pa-range", "va-straddle", "pa-straddle", "unmap-range",
                             "misaligned-va", "misaligned-pa", "misaligned-size", "unmap-misaligned"])
            if kind == "va-range":
                self.add_map(VA_LIMIT + r.randrange(0, 4) * PAGE, pa, PAGE, "r", ("exact", 0, "out-of-range"))
            elif kind == "pa-range":
                self.add_map(va, PA_LIMIT + r.randrange(0, 4) * M, PAGE, "r", ("exact", 0, "out-of-range"))
            elif kind == "va-straddle":
                if self.is_free(VA_LIMIT - PAGE, PAGE):
                    self.add_map(VA_LIMIT - PAGE, pa, 2 * PAGE, "r", ("exact", 0, "out-of-range"))
            elif kind == "pa-straddle":
                self.add_map(va, PA_LIMIT - PAGE, 2 * PAGE, "rw", ("exact", 0, "out-of-range"))
            elif kind == "unmap-range":
                self.add_unmap(VA_LIMIT + r.randrange(0, 4) * PAGE, PAGE, ("exact", 0, "out-of-range"))
            elif kind == "misaligned-va":
                self.add_map(va + 0x10, pa, PAGE, "r", ("exact", 0, "misaligned"))
            elif kind == "misaligned-pa":
                self.add_map(va, pa + 0x800, PAGE, "r", ("exact", 0, "misaligned"))
            elif kind == "misaligned-size":
                self.add_map(va, pa, PAGE + 0x200, "r", ("exact", 0, "misaligned"))
            elif live:
                s, e, _ = r.choice(live)
                if r.random() < 0.5:
                    self.add_unmap(s + 0x10, PAGE, ("exact", 0, "misaligned"))
                else:
                    self.add_unmap(s, PAGE + 0x200, ("exact", 0, "misaligned"))

    def gen_fail_alloc(self):
        """A `fail-alloc` episode; the exact answers follow from which L1 slots are new."""
        r = self.rng
        scenario = r.choice(["first-table", "second-table", "second-table", "l1-only", "generic"])
        if scenario == "first-table":
            n = r.randint(1, 8)
            va = self.free_va(n * PAGE, PAGE, untouched=True)
            pa = self.free_pa(n * PAGE, PAGE, not_align=64 * K)
            if va is None or pa is None:
                return
            self.add_fail_alloc(1)
            self.add_map(va, pa, n * PAGE, self.prot(), ("exact", 0, "out-of-memory"), r.random() < 0.4)
        elif scenario == "second-table":
            j, m = r.randint(1, 8), r.randint(1, 8)
            region = self.free_va(2 * M, M, untouched=True)
            if region is None:
                return
            va = region + M - j * PAGE
            # PA and VA differ modulo 64K, so no large page can be used: one L2 table per slot.
            pa = self.free_pa((j + m) * PAGE, PAGE, not_align=None)
            if pa is None:
                return
            if (pa - va) % (64 * K) == 0:
                pa += PAGE
            self.add_fail_alloc(2)
            if r.random() < 0.4:
                self.add_map(va, pa, (j + m) * PAGE, self.prot(), ("exact", 0, "out-of-memory"), True)
            else:
                self.add_map(va, pa, (j + m) * PAGE, self.prot(), ("exact", j * PAGE, "out-of-memory"))
        elif scenario == "l1-only":
            self.add_fail_alloc(1)
            big = r.choice([M, 16 * M])
            size = big * r.randint(1, 2)
            va, pa = self.free_va(size, big), self.free_pa(size, big)
            if va is not None and pa is not None:
                self.add_map(va, pa, size, self.prot(), ("ok",), r.random() < 0.3)
        else:
            self.add_fail_alloc(r.randint(1, 3))
            for _ in range(r.randint(1, 3)):
                self.gen_map(in_episode=True)
        self.add_fail_alloc("off")

    def generate(self, n_ops=40, max_probes=160):
        r = self.rng
        for i in range(n_ops):
            x = r.random()
            if self.cfg.mode == "oom":
                # Mostly maps: page maps may run out of L2 tables part-way.
                if x < 0.75:
                    self.gen_map()
                elif x < 0.85:
                    self.gen_error_op()
                else:
                    self.add_translate(self.pick_probe(), final=False)
                continue
            episode = 0.25 if self.cfg.mode == "faults" else 0.04
            if i < 6 or x < 0.5:
                self.gen_map()
            elif x < 0.7:
                self.gen_unmap()
            elif x < 0.82:
                self.gen_error_op()
            elif x < 0.82 + episode:
                self.gen_fail_alloc()
            else:
                self.add_translate(self.pick_probe(), final=False)
        for va in self.final_probes(max_probes):
            self.add_translate(va, final=True)
        return script_text(self.ops)

    def pick_probe(self):
        return random_probe(self.rng, self.model, VA_LIMIT)

    def final_probes(self, max_probes):
        cand = probe_candidates(self.rng, self.model, self.holes, VA_LIMIT, 4)
        return choose_probes(self.rng, cand, VA_LIMIT, max_probes)


# ----------------------------------------------------------------------------
# Independent software walker (ARM ARM ARMv7-A/R, VMSAv7 short-descriptor format)
# ----------------------------------------------------------------------------
CACHE_NAMES = {0: "NC", 1: "WB-WA", 2: "WT", 3: "WB"}
KIND_NAMES = ("small", "large", "section", "supersection")


class Walk:
    def __init__(self):
        self.fault = None     # "translation", "access-flag", "domain", "outside-image", "ttbr1"
        self.level = None     # 1 (L1) or 2 (L2)
        self.pa = None
        self.kind = None      # small / large / section / supersection
        self.desc = 0
        self.desc_pa = None
        self.l1 = 0
        self.l1_pa = None
        self.domain = 0


class Walker:
    def __init__(self, memory, base, regs):
        self.mem, self.base = memory, base
        self.n = regs["TTBCR"] & 7
        self.ttb = regs["TTBR0"] & (0xFFFFFFFF << (14 - self.n)) & 0xFFFFFFFF
        self.dacr, self.prrr, self.nmrr = regs["DACR"], regs["PRRR"], regs["NMRR"]
        self.sctlr = regs["SCTLR"]
        self.afe = bool(self.sctlr >> 29 & 1)
        self.tre = bool(self.sctlr >> 28 & 1)

    def read(self, pa):
        off = pa - self.base
        if off < 0 or off + 4 > len(self.mem):
            return None
        return struct.unpack_from("<I", self.mem, off)[0]

    def walk(self, va):
        w = Walk()
        w.level = 1
        if self.n and va >> (32 - self.n):
            w.fault = "ttbr1"
            return w
        idx = (va >> 20) & ((1 << (12 - self.n)) - 1)
        w.l1_pa = self.ttb + 4 * idx
        d = self.read(w.l1_pa)
        if d is None:
            w.fault = "outside-image"
            return w
        w.l1 = d
        t = d & 3
        if t == 0:
            w.fault = "translation"
            return w
        if t == 1:
            w.domain = (d >> 5) & 0xF
            w.level = 2
            w.desc_pa = (d & 0xFFFFFC00) + 4 * ((va >> 12) & 0xFF)
            e = self.read(w.desc_pa)
            if e is None:
                w.fault = "outside-image"
                return w
            w.desc = e
            if e & 3 == 0:
                w.fault = "translation"
                return w
            if e & 2:
                w.kind, w.pa = "small", (e & 0xFFFFF000) | (va & 0xFFF)
            else:
                w.kind, w.pa = "large", (e & 0xFFFF0000) | (va & 0xFFFF)
        else:
            w.desc, w.desc_pa = d, w.l1_pa
            if d & (1 << 18):
                w.kind = "supersection"
                w.domain = 0
                w.pa = (d & 0xFF000000) | (va & 0xFFFFFF) | ((d >> 20) & 0xF) << 32 | ((d >> 5) & 0xF) << 36
            else:
                w.kind = "section"
                w.domain = (d >> 5) & 0xF
                w.pa = (d & 0xFFF00000) | (va & 0xFFFFF)
        dom = (self.dacr >> (2 * w.domain)) & 3
        if dom in (0, 2):
            w.fault = "domain"
            return w
        if self.afe and not self.fields(w)["ap"] & 1:
            w.fault = "access-flag"
            return w
        return w

    def fields(self, w):
        d = w.desc
        if w.kind in ("section", "supersection"):
            return {"b": d >> 2 & 1, "c": d >> 3 & 1, "tex": d >> 12 & 7, "ap": (d >> 10 & 3) | (d >> 15 & 1) << 2,
                    "s": d >> 16 & 1, "ng": d >> 17 & 1, "xn": d >> 4 & 1, "pxn": d & 1, "ns": d >> 19 & 1}
        f = {"b": d >> 2 & 1, "c": d >> 3 & 1, "ap": (d >> 4 & 3) | (d >> 9 & 1) << 2,
             "s": d >> 10 & 1, "ng": d >> 11 & 1, "pxn": w.l1 >> 2 & 1, "ns": w.l1 >> 3 & 1}
        if w.kind == "small":
            f.update(tex=d >> 6 & 7, xn=d & 1)
        else:
            f.update(tex=d >> 12 & 7, xn=d >> 15 & 1)
        return f

    def permissions(self, w):
        """(R1, W1, R0, W0, X1, X0) for a successful walk."""
        f = self.fields(w)
        dom = (self.dacr >> (2 * w.domain)) & 3
        if dom == 3:  # manager: no permission checks
            r1 = w1 = r0 = w0 = True
        else:
            ap = f["ap"]
            if self.afe:  # simplified model: AP[2] read-only, AP[1] PL0 access
                ro, user = ap >> 2 & 1, ap >> 1 & 1
                r1, w1, r0, w0 = True, not ro, bool(user), bool(user and not ro)
            else:
                table = {0: (0, 0, 0, 0), 1: (1, 1, 0, 0), 2: (1, 1, 1, 0), 3: (1, 1, 1, 1),
                         5: (1, 0, 0, 0), 6: (1, 0, 1, 0), 7: (1, 0, 1, 0)}
                r1, w1, r0, w0 = (bool(x) for x in table.get(ap, (0, 0, 0, 0)))
        x1 = r1 and not f["xn"] and not f["pxn"]
        x0 = r0 and not f["xn"]
        return (r1, w1, r0, w0, bool(x1), bool(x0))

    def memattr(self, w):
        """(type, inner, outer, shareability) per TEX remap (SCTLR.TRE = 1)."""
        f = self.fields(w)
        if not self.tre:
            return ("TRE-clear", f["tex"], f["c"], f["b"])
        n = (f["tex"] & 1) << 2 | f["c"] << 1 | f["b"]
        tr = (self.prrr >> (2 * n)) & 3
        if tr == 0:
            return ("strongly-ordered", None, None, "shareable")
        if tr == 1:
            return ("device", None, None, "shareable" if (self.prrr >> (16 + f["s"])) & 1 else "non-shareable")
        if tr == 3:
            return ("reserved-TR", n, None, None)
        inner = CACHE_NAMES[(self.nmrr >> (2 * n)) & 3]
        outer = CACHE_NAMES[(self.nmrr >> (16 + 2 * n)) & 3]
        if not (self.prrr >> (18 + f["s"])) & 1:
            share = "non-shareable"
        else:
            share = "inner" if (self.prrr >> (24 + n)) & 1 else "outer"
        return ("normal", inner, outer, share)

    def key(self, w):
        return self.permissions(w) + (self.memattr(w),)

    def hygiene(self, w, va):
        """Contract bits of a leaf beyond permissions and attributes; list of problems."""
        f = self.fields(w)
        p = []
        if not f["ng"]:
            p.append("nG clear (contract: nG set)")
        if f["ns"]:
            p.append("NS set in a secure table")
        if f["pxn"]:
            p.append("PXN set (the format never uses PXN)")
        if w.domain != 0:
            p.append("domain %d (want 0)" % w.domain)
        if w.kind == "supersection" and (w.desc >> 20 & 0xF or w.desc >> 5 & 0xF):
            p.append("supersection PA[39:32] bits set")
        if w.kind in ("section", "supersection") and w.desc >> 9 & 1:
            p.append("IMP bit 9 set")
        if w.kind == "large" and w.desc >> 6 & 7:
            p.append("large page bits 8:6 (SBZ) set")
        if w.level == 2 and (w.l1 >> 4 & 1 or w.l1 >> 9 & 1):
            p.append("L1 table descriptor SBZ/IMP bits set")
        # Contiguous groups: all 16 members identical.
        if w.kind in ("large", "supersection"):
            first = w.desc_pa & ~0x3F
            members = [self.read(first + 4 * i) for i in range(16)]
            if any(m != w.desc for m in members):
                p.append("%s group at 0x%x has differing members %s" % (
                    w.kind, first, [hex(m) if m is not None else None for m in members]))
        return p

    # -- whole-image scan ------------------------------------------------------
    def scan(self, zone):
        """Every valid leaf: ([(va, size, pa, key, kind)], [(va, problem)], stats)."""
        leaves, problems = [], []
        stats = {k: 0 for k in KIND_NAMES}
        stats["l2-tables"] = stats["empty-l2-tables"] = 0
        entries = 1 << (12 - self.n)
        if self.read(self.ttb) is None or self.read(self.ttb + 4 * entries - 4) is None:
            return leaves, [(0, "L1 table 0x%x outside the image" % self.ttb)], stats
        l1 = struct.unpack_from("<%dI" % entries, self.mem, self.ttb - self.base)
        zlo, zhi = zone
        if zlo <= self.ttb < zhi:
            problems.append((0, "the L1 table 0x%x is inside the L2 table zone [0x%x, 0x%x)" % (self.ttb, zlo, zhi)))
        seen_tables = {}
        for i, d in enumerate(l1):
            t = d & 3
            if t == 0:
                continue
            va = i << 20
            if t == 1:
                table = d & 0xFFFFFC00
                stats["l2-tables"] += 1
                if table in seen_tables:
                    problems.append((va, "L2 table 0x%x is also linked from the L1 entry of 0x%x" % (
                        table, seen_tables[table])))
                seen_tables[table] = va
                if self.ttb < table + 1024 and table < self.ttb + 4 * entries:
                    problems.append((va, "L2 table 0x%x overlaps the L1 table" % table))
                if self.read(table) is None or self.read(table + 1020) is None:
                    problems.append((va, "L2 table 0x%x outside the image" % table))
                    continue
                if not (zlo <= table and table + 1024 <= zhi):
                    problems.append((va, "L2 table 0x%x outside the table zone [0x%x, 0x%x)" % (table, zlo, zhi)))
                l2 = struct.unpack_from("<256I", self.mem, table - self.base)
                if not any(x & 3 for x in l2):
                    stats["empty-l2-tables"] += 1
                for j, e in enumerate(l2):
                    if e & 3 == 0:
                        continue
                    pva = va | j << 12
                    w = self.walk(pva)
                    stats["small" if e & 2 else "large"] += 1
                    self._leaf(w, pva, PAGE, leaves, problems)
            else:
                w = self.walk(va)
                if d & (1 << 18):
                    stats["supersection"] += 1
                else:
                    stats["section"] += 1
                self._leaf(w, va, M, leaves, problems)
        return leaves, problems, stats

    def _leaf(self, w, va, size, leaves, problems):
        if w.fault is not None:
            problems.append((va, "%s fault at L%d (descriptor 0x%x)" % (w.fault, w.level, w.desc or w.l1)))
            return
        for p in self.hygiene(w, va):
            problems.append((va, "%s leaf 0x%x: %s" % (w.kind, w.desc, p)))
        leaves.append((va, size, w.pa, self.key(w), w.kind))


def merge(segments):
    """[(start, end, pa, key)] sorted -> merged where VA and PA continue and the key is equal."""
    out = []
    for s, e, pa, key in sorted(segments, key=lambda t: t[0]):
        if out and out[-1][1] == s and out[-1][3] == key and out[-1][2] + (s - out[-1][0]) == pa:
            out[-1] = (out[-1][0], e, out[-1][2], key)
        else:
            out.append((s, e, pa, key))
    return out


# ----------------------------------------------------------------------------
# Unicorn (QEMU) MMU driver
# ----------------------------------------------------------------------------
# A32 encodings (ARM ARM A8.8): MCR/MRC/MRRC, ISB, MSR (banked and SPSR), ERET, MOVS PC, LR,
# LDR/STR post-indexed, SUBS, BNE, MOV.
def enc_mcr(opc1, rt, crn, crm, opc2, load=0):
    return 0xEE000010 | opc1 << 21 | load << 20 | crn << 16 | rt << 12 | 15 << 8 | opc2 << 5 | crm


def enc_mrc(opc1, rt, crn, crm, opc2):
    return enc_mcr(opc1, rt, crn, crm, opc2, 1)


def enc_mrrc(rt, rt2, crm, opc1=0):
    return 0xEC500F00 | rt2 << 16 | rt << 12 | opc1 << 4 | crm


ISB, ERET, MOVS_PC_LR, MOV_LR_R10 = 0xF57FF06F, 0xE160006E, 0xE1B0F00E, 0xE1A0E00A
MSR_ELR_HYP_R0 = 0xE12EF300


def enc_msr_spsr(rn):
    return 0xE16FF000 | rn                       # MSR SPSR_fsxc, Rn


def enc_ldr_post(rt, rn):
    return 0xE4900004 | rn << 16 | rt << 12      # LDR Rt, [Rn], #4


def enc_str_post(rt, rn):
    return 0xE4800004 | rn << 16 | rt << 12      # STR Rt, [Rn], #4


def enc_subs1(rd):
    return 0xE2500001 | rd << 16 | rd << 12      # SUBS Rd, Rd, #1


def enc_bne(offset):
    return 0x1A000000 | ((offset - 8) >> 2) & 0xFFFFFF


# CP15 (opc1, CRn, CRm, opc2)
CP15 = {"SCTLR": (0, 1, 0, 0), "SCR": (0, 1, 1, 0), "TTBR0": (0, 2, 0, 0), "TTBR1": (0, 2, 0, 1),
        "TTBCR": (0, 2, 0, 2), "DACR": (0, 3, 0, 0), "PRRR": (0, 10, 2, 0), "NMRR": (0, 10, 2, 1),
        "VBAR": (0, 12, 0, 0), "TLBIALL": (0, 8, 7, 0), "HSCTLR": (4, 1, 0, 0), "HCR": (4, 1, 1, 0),
        "HVBAR": (4, 12, 0, 0)}
MODE_SVC, MODE_MON, MODE_HYP, MODE_USR = 0x13, 0x16, 0x1A, 0x10
MASK_AIF = 0x1C0
# SCTLR bits the harness clears before OR-ing in the exported value: M, A, C, I, V, WXN,
# UWXN, EE, TRE, AFE, TE.
SCTLR_CLEAR = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 12) | (1 << 13) | (1 << 19) | (1 << 20) | \
              (1 << 25) | (1 << 28) | (1 << 29) | (1 << 30)


def mcr(name, rt):
    opc1, crn, crm, opc2 = CP15[name]
    return enc_mcr(opc1, rt, crn, crm, opc2)


def mrc(name, rt):
    opc1, crn, crm, opc2 = CP15[name]
    return enc_mrc(opc1, rt, crn, crm, opc2)


class UnicornMMU:
    """QEMU's ARMv7 MMU with the exported table as the Non-secure PL1&0 stage-1 regime.

    Unicorn starts the cortex-a15 in Non-secure SVC mode. The harness makes it Secure
    (SCR = 0, the one register written through unicorn's API) and enters Monitor mode;
    from there MCR instructions set SCR.NS and SCR.HCE and program the Non-secure TTBR0,
    TTBCR, DACR, PRRR, NMRR and SCTLR from the manifest, and MOVS PC, LR enters Hyp mode.
    Hyp mode has its own translation regime (HSCTLR.M = 0), so the harness's code needs no
    mapping in the image, and the ATS1C* operations executed there translate through the
    Non-secure PL1&0 stage 1 (HCR.VM = 0): the table under test. Per the architecture, an
    operation executed in Hyp mode returns the 64-bit PAR format."""

    def __init__(self, memory, base, regs, region):
        self.region = region[0]
        self.code = self.region
        self.loop_start = self.code + 0x100
        self.exec_stub = self.code + 0x300
        self.vectors = self.code + 0x400
        self.inbuf = self.region + 0x1000
        self.outbuf = self.region + 0x10000
        uc = Uc(UC_ARCH_ARM, UC_MODE_ARM)
        uc.ctl_set_cpu_model(A32.UC_CPU_ARM_CORTEX_A15)
        self.uc = uc
        map_image(uc, memory, base, region)
        self.intr = []
        uc.hook_add(UC_HOOK_INTR, self._on_intr)

        sctlr = (self.uc.cpr_read(15, 0, 1, 0, 0, 0, False) & ~SCTLR_CLEAR) | regs["SCTLR"]
        hsctlr = self.uc.cpr_read(15, 4, 1, 0, 0, 0, False) & ~1
        self.programmed = {"TTBR0": regs["TTBR0"], "TTBCR": regs["TTBCR"], "DACR": regs["DACR"],
                           "PRRR": regs["PRRR"], "NMRR": regs["NMRR"], "SCTLR": sctlr}
        # r0 SCR, r1 TTBR0, r2 zero, r3 TTBCR, r4 DACR, r5 PRRR, r6 NMRR, r7 SCTLR,
        # r8 vectors, r9 SPSR (Hyp), r10 Hyp entry, r11 HSCTLR
        values = [(1 << 0) | (1 << 8), regs["TTBR0"], 0, regs["TTBCR"], regs["DACR"], regs["PRRR"],
                  regs["NMRR"], sctlr, self.vectors, MASK_AIF | MODE_HYP, self.loop_start - 0x80, hsctlr]
        setup = [mcr("SCR", 0), ISB,                       # NS = 1, HCE = 1: MCRs now reach the NS copies
                 mcr("TTBR0", 1), mcr("TTBR1", 2), mcr("TTBCR", 3), mcr("DACR", 4),
                 mcr("PRRR", 5), mcr("NMRR", 6), mcr("HCR", 2), mcr("HSCTLR", 11),
                 mcr("HVBAR", 8), mcr("VBAR", 8), mcr("TLBIALL", 2), mcr("SCTLR", 7), ISB,
                 enc_msr_spsr(9), MOV_LR_R10, MOVS_PC_LR]
        # Hyp: read the programmed registers back (r0..r5).
        readback = [mrc("TTBR0", 0), mrc("TTBCR", 1), mrc("DACR", 2), mrc("PRRR", 3), mrc("NMRR", 4),
                    mrc("SCTLR", 5)]
        # The AT loop: r5 = input VAs, r6 = output PARs (64-bit), r7 = count.
        loop = [enc_ldr_post(0, 5)]
        for op2 in range(4):   # ATS1CPR, ATS1CPW, ATS1CUR, ATS1CUW
            loop += [enc_mcr(0, 0, 7, 8, op2), ISB, enc_mrrc(1, 2, 7), enc_str_post(1, 6), enc_str_post(2, 6)]
        loop += [enc_subs1(7)]
        loop.append(enc_bne(-4 * len(loop)))
        self.loop_end = self.loop_start + 4 * len(loop)
        # Execute probe: r0 target, r1 SPSR (SVC or User, Non-secure); ERET from Hyp.
        stub = [MSR_ELR_HYP_R0, enc_msr_spsr(1), ERET]
        uc.mem_write(self.code, ins(setup))
        uc.mem_write(self.loop_start - 0x80, ins(readback))
        uc.mem_write(self.loop_start, ins(loop))
        uc.mem_write(self.exec_stub, ins(stub))

        uc.cpr_write(15, 0, 1, 1, 0, 0, False, 0)          # SCR = 0: Secure
        uc.reg_write(A32.UC_ARM_REG_CPSR, MASK_AIF | MODE_MON)
        if uc.reg_read(A32.UC_ARM_REG_CPSR) & 0x1F != MODE_MON:
            raise RuntimeError("could not enter Monitor mode")
        for i, v in enumerate(values):
            uc.reg_write(A32.UC_ARM_REG_R0 + i, v)
        uc.emu_start(self.code, self.loop_start, count=len(setup) + len(readback))
        pc, cpsr = uc.reg_read(A32.UC_ARM_REG_PC), uc.reg_read(A32.UC_ARM_REG_CPSR)
        if self.intr or pc != self.loop_start - 0x80 + 4 * len(readback) or cpsr & 0x1F != MODE_HYP:
            raise RuntimeError("setup did not reach Hyp mode (pc=0x%x cpsr=0x%x exceptions=%r)" % (pc, cpsr, self.intr))
        self.readback = {name: uc.reg_read(A32.UC_ARM_REG_R0 + i)
                         for i, name in enumerate(["TTBR0", "TTBCR", "DACR", "PRRR", "NMRR", "SCTLR"])}
        self.ctx = uc.context_save()

    def register_problems(self):
        return ["%s programmed 0x%x, reads back 0x%x" % (k, v, self.readback[k])
                for k, v in self.programmed.items() if self.readback[k] != v]

    def _on_intr(self, uc, intno, _data):
        self.intr.append((intno, uc.reg_read(A32.UC_ARM_REG_PC)))
        uc.emu_stop()

    def at(self, vas):
        """[(par_cpr, par_cpw, par_cur, par_cuw)] (64-bit PARs) for each VA."""
        return at_batches(self, vas, self._restart, self.loop_start, "I",
                          (A32.UC_ARM_REG_R5, A32.UC_ARM_REG_R6, A32.UC_ARM_REG_R7, A32.UC_ARM_REG_PC))

    def _restart(self):
        """Back to Hyp mode right after the setup."""
        self.uc.context_restore(self.ctx)
        self.intr = []

    def can_execute(self, va, pl):
        """True if an instruction fetch from `va` at PL1 (SVC) / PL0 (User) is permitted."""
        target = va & ~3
        self._restart()
        self.uc.reg_write(A32.UC_ARM_REG_R0, target)
        self.uc.reg_write(A32.UC_ARM_REG_R1, MASK_AIF | (MODE_SVC if pl == 1 else MODE_USR))
        err = None
        try:
            self.uc.emu_start(self.exec_stub, self.exec_stub + 0x100, count=4)
        except UcError as e:
            err = e
        outcome = fetch_outcome(err, self.intr, target)
        if outcome is not None:
            return outcome
        if err is None and not self.intr and self.uc.reg_read(A32.UC_ARM_REG_PC) != target:
            return True  # executed (the PA has backing memory)
        raise RuntimeError("unexpected outcome executing 0x%x at PL%d: err=%r exceptions=%r"
                           % (target, pl, err, self.intr))


QEMU_ABORT = "qemu-abort"   # stands for the four PARs of a probe that made QEMU abort


def _in_child(work):
    """Run work() in a forked child. -> (result, None) or (None, what the child printed when it died)."""
    errf = tempfile.TemporaryFile()
    rfd, wfd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child: never returns
        code = 0
        try:
            os.close(rfd)
            os.dup2(errf.fileno(), 1)   # QEMU prints its assertion on stdout
            os.dup2(errf.fileno(), 2)
            try:
                data = pickle.dumps(("ok", work()))
            except BaseException as e:  # reported by the parent
                data = pickle.dumps(("error", "%r" % (e,)))
            with os.fdopen(wfd, "wb") as f:
                f.write(data)
        except BaseException:
            code = 1
        os._exit(code)
    os.close(wfd)
    with os.fdopen(rfd, "rb") as f:
        data = f.read()
    _, status = os.waitpid(pid, 0)
    if data:
        tag, value = pickle.loads(data)
        if tag == "error":
            raise RuntimeError("unicorn: " + value)
        return value, None
    errf.seek(0)
    text = errf.read().decode("utf-8", "replace").strip()
    return None, "%s (wait status 0x%x)" % (text or "no output", status)


def run_hardware(memory, base, regs, region, vas, exec_vas):
    """AT and fetch probes on unicorn, each group in a forked child: unicorn's QEMU aborts the
    process (internals.h: arm_fi_to_lfsc has no long-format code for a domain fault) when an AT
    executed in Hyp mode meets a domain fault. A batch that aborts is bisected; the addresses
    that abort on their own get QEMU_ABORT instead of their PARs.
    -> (register problems, {va: pars}, {va: (x1, x0)}, notes)"""
    notes = []

    def at_work(chunk):
        def work():
            mmu = UnicornMMU(memory, base, regs, region)
            return mmu.register_problems(), mmu.at(chunk)
        return work

    pars = {}
    problems = []

    def bisect(chunk):
        nonlocal problems
        out, crash = _in_child(at_work(chunk))
        if out is not None:
            problems = out[0]
            pars.update(zip(chunk, out[1]))
        elif len(chunk) == 1:
            pars[chunk[0]] = QEMU_ABORT
        else:
            if len(chunk) == len(vas):
                notes.append("unicorn aborted during a batch of %d AT probes: %s; bisecting to the addresses "
                             "that abort" % (len(vas), crash.splitlines()[-1] if crash else ""))
            bisect(chunk[:len(chunk) // 2])
            bisect(chunk[len(chunk) // 2:])

    bisect(list(vas))
    execs = {}
    if exec_vas:
        def exec_work():
            mmu = UnicornMMU(memory, base, regs, region)
            return [(mmu.can_execute(va, 1), mmu.can_execute(va, 0)) for va in exec_vas]
        res, crash = _in_child(exec_work)
        if res is None:
            raise RuntimeError("unicorn aborted during the fetch probes: %s" % crash)
        execs = dict(zip(exec_vas, res))
    return problems, pars, execs, notes


def decode_par(par, va):
    """-> (ok, pa, fault_kind, level, raw). Both PAR formats (64-bit when PAR.LPAE = 1)."""
    lpae = par >> 11 & 1
    if par & 1:
        if lpae:
            fst = (par >> 1) & 0x3F
            kind = {0: "address-size", 1: "translation", 2: "access-flag", 3: "permission",
                    15: "domain"}.get(fst >> 2, "fst=0x%x" % fst)
            return False, None, kind, fst & 3, par
        fs = ((par >> 5) & 1) << 4 | (par >> 1) & 0xF
        kind, level = {5: ("translation", 1), 7: ("translation", 2), 3: ("access-flag", 1), 6: ("access-flag", 2),
                       9: ("domain", 1), 11: ("domain", 2), 13: ("permission", 1), 15: ("permission", 2)
                       }.get(fs, ("fs=0x%x" % fs, None))
        return False, None, kind, level, par
    if lpae:
        return True, (par & 0xFFFFFFF000) | (va & 0xFFF), None, None, par   # PA[39:12]
    if par & 2:   # supersection: PA[31:24] (and the extended bits) only
        return True, (par & 0xFF000000) | (va & 0xFFFFFF) | ((par >> 16) & 0xFF) << 32, None, None, par
    return True, (par & 0xFFFFF000) | (va & 0xFFF), None, None, par


# ----------------------------------------------------------------------------
# Expectations from PROT
# ----------------------------------------------------------------------------
def expected_perms(prot):
    """(R1, W1, R0, W0, X1, X0) implied by PROT (`r` is always required on this format)."""
    w = "w" in prot
    user = "p" not in prot
    x = "x" in prot
    return (True, w, user, w and user, x, x and user)


def expected_memattr(prot):
    """(type, inner, outer, shareability) PROT asks for: `c` Normal write-back write-allocate
    inner shareable, `d` Device (shareable), otherwise Normal non-cacheable outer shareable."""
    if "c" in prot:
        return ("normal", "WB-WA", "WB-WA", "inner")
    if "d" in prot:
        return ("device", None, None, "shareable")
    return ("normal", "NC", "NC", "outer")


def expected_key(prot):
    return expected_perms(prot) + (expected_memattr(prot),)


# ----------------------------------------------------------------------------
# Running one case
# ----------------------------------------------------------------------------
def reply_matches(expect, n, err, size):
    kind = expect[0]
    if kind == "ok":
        return n == size and err is None
    if kind == "ok-or":
        return (n == size and err is None) or (err == expect[1] and n < size and n % PAGE == 0)
    if kind == "all-or":
        return (n == size and err is None) or (n == 0 and err == expect[1])
    if kind == "exact":
        return n == expect[1] and err == expect[2]
    if kind == "exact-or-oom":
        return (n == expect[1] and err == expect[2]) or (err == "out-of-memory" and n <= expect[1] and n % PAGE == 0)
    raise ValueError(expect)


def describe_expect(verb, expect, size):
    kind = expect[0]
    if kind == "ok":
        return "%s %d" % (verb, size)
    if kind == "ok-or":
        return "%s %d (or a prefix with error %s)" % (verb, size, expect[1])
    if kind == "all-or":
        return "%s %d or %s 0 error %s" % (verb, size, verb, expect[1])
    text = "%s %d error %s" % (verb, expect[1], expect[2])
    if kind == "exact-or-oom":
        text += " (or a shorter prefix with error out-of-memory)"
    return text


def check_replies(case, lines, res):
    """Check answer lines against the model; returns the reply-driven model and final probes."""
    model = Model()
    finals = []
    if len(lines) != len(case.ops):
        res.fail(case, "CLI printed %d answer lines for %d operations" % (len(lines), len(case.ops)),
                 sources=("reply",))
        return model, []
    for op, line in zip(case.ops, lines):
        line = line.strip()
        if op["op"] == "translate":
            rec = model.lookup(op["va"])
            check_translate(case, op, line, "unmapped" if rec is None else "0x%x" % (rec.pa + op["va"] - rec.iova),
                            finals, res)
            continue
        if op["op"] == "fail-alloc":
            if line == "ok":
                res.ok()
            else:
                res.fail(case, "`%s`" % op["text"], None, "ok", line, sources=("reply",))
            continue
        verb = "unmapped" if op["op"] == "unmap" else "mapped"
        parsed = parse_reply(line, verb)
        if parsed is None:
            res.fail(case, "`%s` gave a malformed answer %r" % (op["text"], line), sources=("reply",))
            continue
        n, err = parsed
        if op["expect"] is None or reply_matches(op["expect"], n, err, op["size"]):
            res.ok()
        else:
            res.fail(case, "`%s`" % op["text"], op["va"], describe_expect(verb, op["expect"], op["size"]), line,
                     sources=("reply",))
        # Follow what the CLI says it did (prefix semantics).
        if op["op"] in ("map", "map-all") and n > 0:
            model.add(op["va"], n, Record(op["va"], op["pa"], op["size"], op["prot"]))
        elif op["op"] == "unmap" and n > 0:
            model.remove(op["va"], n)
    return model, finals


def check_manifest(case, manifest, res):
    cfg = case.cfg
    problems = []
    layout = manifest_layout(case, manifest, res, ["TTBR0", "TTBCR", "DACR", "PRRR", "NMRR", "SCTLR"])
    if layout is None:
        return None
    base, size, root, regs = layout
    if manifest.get("format") != "arm-v7s":
        problems.append("format=%r" % manifest.get("format"))
    want_base, want_size = cfg.arena()
    if (base, size) != (want_base, want_size):
        problems.append("memory 0x%x+0x%x, asked for 0x%x+0x%x" % (base, size, want_base, want_size))
    zone = manifest.get("table-zone-size")
    if zone is not None and int(zone) != cfg.zone_bytes():
        problems.append("table-zone-size %s, asked for %d" % (zone, cfg.zone_bytes()))
    ttbr0, ttbcr, dacr, sctlr = regs["TTBR0"], regs["TTBCR"], regs["DACR"], regs["SCTLR"]
    if root % (16 * K):
        problems.append("root 0x%x is not 16K aligned" % root)
    if not (base <= root and root + 16 * K <= base + size):
        problems.append("root 0x%x outside the arena" % root)
    if ttbr0 & 0xFFFFC000 != root:
        problems.append("TTBR0 0x%x does not point at root 0x%x" % (ttbr0, root))
    irgn = (ttbr0 & 1) << 1 | (ttbr0 >> 6) & 1     # IRGN[1] is bit 0, IRGN[0] bit 6 (MP extensions)
    rgn = (ttbr0 >> 3) & 3
    if cfg.coherent:
        if (irgn, rgn, ttbr0 >> 1 & 1, ttbr0 >> 5 & 1) != (1, 1, 1, 1):
            problems.append("TTBR0 walk attributes IRGN=%d RGN=%d S=%d NOS=%d, want write-back write-allocate "
                            "inner shareable (1, 1, 1, 1)" % (irgn, rgn, ttbr0 >> 1 & 1, ttbr0 >> 5 & 1))
    elif (irgn, rgn) != (0, 0):
        problems.append("--non-coherent: TTBR0 IRGN=%d RGN=%d, want non-cacheable walks (0, 0)" % (irgn, rgn))
    if ttbcr & 7 or ttbcr >> 31 & 1 or ttbcr >> 4 & 1:
        problems.append("TTBCR 0x%x: want N=0, EAE=0, PD0=0" % ttbcr)
    if dacr & 3 != 1:
        problems.append("DACR 0x%x: domain 0 is not a client domain" % dacr)
    for bit, name, want in ((0, "M", 1), (28, "TRE", 1), (29, "AFE", 1), (25, "EE", 0), (19, "WXN", 0), (20, "UWXN", 0)):
        if (sctlr >> bit) & 1 != want:
            problems.append("SCTLR.%s=%d, want %d" % (name, (sctlr >> bit) & 1, want))
    if problems:
        res.fail(case, "manifest: " + "; ".join(problems), sources=("manifest",))
    else:
        res.ok()
    zone_lo = base
    zone_hi = base + (int(zone) if zone is not None else cfg.zone_bytes())
    return base, size, root, regs, (zone_lo, zone_hi)


def compare_probe(case, va, cli, rec, walker, par4, execs, res):
    """Compare one final probe. cli: CLI answer line; rec: model record or None."""
    issues = []   # (source, text)
    cli_pa = None if cli == "unmapped" else parse_hex(cli)
    # --- software walker ---------------------------------------------------
    w = walker.walk(va)
    if cli_pa is None:
        if w.fault is None:
            issues.append(("walker", "walker translates to 0x%x, CLI says unmapped" % w.pa))
        elif w.fault != "translation":
            issues.append(("walker", "walker: %s fault at L%d (want translation fault)" % (w.fault, w.level)))
    else:
        if w.fault is not None:
            issues.append(("walker", "walker: %s fault at L%d, CLI says %s" % (w.fault, w.level, cli)))
        elif w.pa != cli_pa:
            issues.append(("walker", "walker PA 0x%x (%s) != CLI %s" % (w.pa, w.kind, cli)))
        elif rec is not None:
            got = walker.permissions(w)
            want = expected_perms(rec.prot)
            if got != want:
                issues.append(("walker", "walker permissions R1,W1,R0,W0,X1,X0=%s, PROT %r implies %s"
                               % (bits(got), rec.prot, bits(want))))
            got_attr, want_attr = walker.memattr(w), expected_memattr(rec.prot)
            if got_attr != want_attr:
                issues.append(("walker", "memory attributes %s (TEX remap of %s leaf 0x%x), PROT %r implies %s"
                               % (got_attr, w.kind, w.desc, rec.prot, want_attr)))
    # --- hardware (QEMU) AT ----------------------------------------------------
    names = ["ATS1CPR", "ATS1CPW", "ATS1CUR", "ATS1CUW"]
    if par4 == QEMU_ABORT:
        issues.append(("AT", "unicorn's QEMU aborted on the AT probes of this address (it does so on a "
                             "domain fault in Hyp mode), CLI says %s" % cli))
    elif par4 is not None:
        dec = [decode_par(p, va) for p in par4]
        if cli_pa is None:
            for n, (ok, pa, kind, level, _) in zip(names, dec):
                if ok:
                    issues.append(("AT", "%s translated to 0x%x, CLI says unmapped" % (n, pa)))
                elif kind != "translation":
                    issues.append(("AT", "%s: %s fault, want translation fault" % (n, kind)))
                elif w.fault == "translation" and level != w.level:
                    issues.append(("walker", "%s: translation fault at L%d, walker says L%d" % (n, level, w.level)))
        elif rec is not None:
            want = expected_perms(rec.prot)
            for n, allowed, (ok, pa, kind, level, _) in zip(names, want[:4], dec):
                if ok != allowed:
                    issues.append(("AT", "%s %s, PROT %r says %s" % (
                        n, "succeeded" if ok else "faulted (%s fault at L%s)" % (kind, level),
                        rec.prot, "allowed" if allowed else "denied")))
                    continue
                if not ok:
                    if kind != "permission":
                        issues.append(("AT", "%s: %s fault, want permission fault" % (n, kind)))
                    continue
                if pa != cli_pa:
                    issues.append(("AT", "%s PA 0x%x != CLI %s" % (n, pa, cli)))
            if execs is not None:
                for pl, got in zip((1, 0), execs):
                    wantx = want[4] if pl == 1 else want[5]
                    if got != wantx:
                        issues.append(("fetch", "instruction fetch at PL%d %s, PROT %r says %s" % (
                            pl, "permitted" if got else "aborted", rec.prot, "allowed" if wantx else "denied")))
        else:  # mapped per the CLI but not per the script model (already reported): PA only
            done = [(n, d) for n, d in zip(names, dec) if d[0]]
            if done and done[0][1][1] != cli_pa:
                issues.append(("AT", "%s PA 0x%x != CLI %s" % (done[0][0], done[0][1][1], cli)))
            if not done and any(d[2] != "permission" for d in dec):
                issues.append(("AT", "every AT faulted (%s), CLI says %s" % ([d[2] for d in dec], cli)))
        if cli_pa is None and execs is not None and any(execs):
            issues.append(("fetch", "instruction fetch permitted at an unmapped address"))
    if issues:
        res.fail(case, "; ".join("[%s] %s" % i for i in issues), va,
                 "CLI %s, PROT %r" % (cli, rec.prot if rec else None),
                 "PAR %s, walker %s" % ([hex(p) for p in par4] if isinstance(par4, tuple) else par4 or "n/a",
                                        "%s fault L%d" % (w.fault, w.level) if w.fault else
                                        "%s leaf 0x%x -> 0x%x" % (w.kind, w.desc, w.pa)),
                 sources=sorted({s for s, _ in issues}))
    else:
        res.ok()


def compare_scan(case, model, walker, zone, res):
    """Scan the whole image and compare every mapping with the script model."""
    leaves, problems, stats = walker.scan(zone)
    for k, v in stats.items():
        res.stats[k] = res.stats.get(k, 0) + v
    got = merge([(va, va + size, pa, key) for va, size, pa, key, _ in leaves])
    want = merge([(s, e, r.pa + (s - r.iova), expected_key(r.prot)) for s, e, r in model.intervals()])
    diffs = []
    if got != want:
        cuts = sorted({x for seg in got + want for x in seg[:2]})

        def at(segs, x):
            for s, e, pa, key in segs:
                if s <= x < e:
                    return pa + (x - s), key
            return None

        for x in cuts:
            g, m = at(got, x), at(want, x)
            if g != m:
                diffs.append((x, g, m))
                if len(diffs) >= 3:
                    break

    def show(t):
        if t is None:
            return "unmapped"
        pa, key = t
        return "0x%x perms R1,W1,R0,W0,X1,X0=%s attrs %s" % (pa, bits(key[:6]), key[6])

    for x, g, m in diffs:
        res.fail(case, "image scan: mapping from 0x%x differs from the script model" % x, x, show(m), show(g),
                 sources=("scan",))
    if problems:
        first = problems[0]
        res.fail(case, "image scan: %d leaf/table problem(s), first at 0x%x: %s" % (len(problems), first[0], first[1]),
                 first[0], sources=("scan",))
    if not diffs and not problems:
        res.ok()
    return stats, leaves


def compare_sweep(case, model, vas, pars, res):
    """Hardware AT results at the ends of every leaf against the script model (one verdict)."""
    names = ["ATS1CPR", "ATS1CPW", "ATS1CUR", "ATS1CUW"]
    bad = []
    for va in vas:
        rec = model.lookup(va)
        par4 = pars.get(va)
        if par4 is None:
            continue
        if par4 == QEMU_ABORT:
            bad.append((va, "model %s" % ("unmapped" if rec is None else "0x%x" % (rec.pa + va - rec.iova)),
                        "unicorn's QEMU aborted (a domain fault)"))
            continue
        dec = [decode_par(p, va) for p in par4]
        if rec is None:
            if any(d[0] for d in dec):
                bad.append((va, "unmapped", "a leaf: %s" % [hex(d[1]) if d[0] else d[2] for d in dec]))
            continue
        want_pa = rec.pa + va - rec.iova
        want = expected_perms(rec.prot)[:4]
        got = tuple(d[0] for d in dec)
        pas = {d[1] for d in dec if d[0]}
        if got != want or pas != {want_pa}:
            bad.append((va, "0x%x, %s=%s (PROT %r)" % (want_pa, "/".join(names), bits(want), rec.prot),
                        "%s, %s" % (sorted(hex(x) for x in pas),
                                    "/".join("ok" if d[0] else d[2] for d in dec))))
    for va, want, got in bad[:3]:
        res.fail(case, "[AT] leaf sweep: unicorn differs from the script model", va, want, got, sources=("AT",))
    if len(bad) > 3:
        res.fail(case, "[AT] leaf sweep: %d more addresses differ" % (len(bad) - 3), sources=("AT",))
    if not bad:
        res.ok()


# ----------------------------------------------------------------------------
# Planting bugs (self-test)
# ----------------------------------------------------------------------------
PLANTS = {
    # name: (what, caught by the hardware model too)
    "ap-readonly": ("flip AP[2] (read-only) of one leaf", True),
    "ap-user": ("flip AP[1] (PL0 access) of one leaf", True),
    "access-flag": ("flip AP[0] (access flag) of one leaf", True),
    "xn": ("flip XN of one leaf", True),
    "pa": ("flip PA bit 28 of one leaf", True),
    "domain": ("set the domain of one L1 descriptor to 1 (DACR: no access)", True),
    "drop": ("zero one leaf descriptor", True),
    "memattr": ("flip C of one leaf (TEX remap index: different memory type)", False),
    "stray-section": ("write a section into an empty L1 entry (no probe there)", True),
}


def plant(memory, base, walker, finals, model, kind, rng):
    """Corrupt one descriptor in `memory` (a bytearray copy); returns a description or None."""
    if kind == "stray-section":
        # A mapping where the script left nothing and no probe looks: only the scan and
        # the hardware leaf sweep can see it.
        probed = {va >> 20 for va, _ in finals}
        start = rng.randrange(4096)
        for k in range(4096):
            i = (start + k) % 4096
            addr = walker.ttb + 4 * i
            if i in probed or walker.read(addr) != 0:
                continue
            new = (0x70000000 + (i << 20)) & 0xFFF00000 | 0xC02   # AP[1:0] = 11, section
            struct.pack_into("<I", memory, addr - base, new)
            return "planted stray-section at VA 0x%x: L1 entry at 0x%x 0x00000000 -> 0x%08x" % (i << 20, addr, new)
        return None
    cands = [va for va, cli in finals if cli != "unmapped" and model.lookup(va) is not None]
    rng.shuffle(cands)
    for va in cands:
        w = walker.walk(va)
        if w.fault is not None:
            continue
        l1 = w.kind in ("section", "supersection")
        addr, old = w.desc_pa, w.desc
        if kind == "ap-readonly":
            new = old ^ (1 << (15 if l1 else 9))
        elif kind == "ap-user":
            new = old ^ (1 << (11 if l1 else 5))
        elif kind == "access-flag":
            new = old ^ (1 << (10 if l1 else 4))
        elif kind == "xn":
            new = old ^ (1 << (4 if l1 else (0 if w.kind == "small" else 15)))
        elif kind == "pa":
            new = old ^ (1 << 28)
        elif kind == "domain":
            if w.kind == "supersection":
                continue   # bits 8:5 hold PA[39:36] there
            addr, old = w.l1_pa, w.l1
            new = (old & ~(0xF << 5)) | (1 << 5)
        elif kind == "drop":
            new = 0
        elif kind == "memattr":
            new = old ^ (1 << 3)
        else:
            raise ValueError(kind)
        struct.pack_into("<I", memory, addr - base, new)
        return "planted %s at VA 0x%x (%s leaf): descriptor at 0x%x 0x%08x -> 0x%08x" % (
            kind, va, w.kind, addr, old, new)
    return None


# ----------------------------------------------------------------------------
def pick_harness_region(base, size, avoid=()):
    for cand in (0x100000, 0x40000000, 0xC0000000, 0x7FF00000, 0xFFE00000):
        region = (cand, cand + 0x40000)
        if all(region[1] <= s or region[0] >= e for s, e in [(base, base + size)] + list(avoid)):
            return region
    raise RuntimeError("no room for the harness code page")


# ----------------------------------------------------------------------------
# Given scripts (--script): hidden or hand-written scenarios
# ----------------------------------------------------------------------------
def parse_number(token):
    t = token.strip().lower()
    unit = 1
    if t and t[-1] in "kmgt":
        unit = 1 << (10 * ("kmgt".index(t[-1]) + 1))
        t = t[:-1]
    return (int(t, 16) if t.startswith("0x") else int(t, 10)) * unit


def parse_script(text):
    """A CLI script -> harness ops (no expectations: the answers are taken as they come)."""
    ops = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        w = line.split()
        try:
            if w[0] in ("map", "map-all") and len(w) == 5:
                ops.append({"op": w[0], "va": parse_number(w[1]), "pa": parse_number(w[2]),
                            "size": parse_number(w[3]), "prot": w[4], "expect": None, "text": line})
            elif w[0] == "unmap" and len(w) == 3:
                ops.append({"op": "unmap", "va": parse_number(w[1]), "size": parse_number(w[2]),
                            "expect": None, "text": line})
            elif w[0] == "translate" and len(w) == 2:
                ops.append({"op": "translate", "va": parse_number(w[1]), "final": False, "text": line})
            elif w[0] == "fail-alloc" and len(w) == 2:
                ops.append({"op": "fail-alloc", "text": line})
            else:
                raise ValueError("unknown operation")
        except ValueError as e:
            raise SystemExit("armv7-mmu-check: %s line %d: %r: %s" % ("script", number, raw, e))
    return ops


class ScriptCase:
    """A given script, plus final probes derived from the mappings it leaves."""

    def __init__(self, cfg, ops, seed):
        self.cfg, self.ops, self.index = cfg, ops, 0
        self.rng = random.Random("%d:script" % seed)

    def add_probes(self, model, max_probes):
        r = self.rng
        cand = []
        for s, e, _ in model.intervals():
            cand += [s, e - 1, r.randrange(s, e), e, s - 1]
            cand += [x for x in range((s + M - 1) & ~(M - 1), e, M)][:8]   # each 1M slot start
        for op in self.ops:
            if op["op"] in ("unmap", "map", "map-all") and op["va"] < VA_LIMIT:
                end = min(op["va"] + op["size"], VA_LIMIT)
                cand += [op["va"], end - 1, op["va"] + (end - op["va"]) // 2]
            elif op["op"] == "translate":
                cand.append(op["va"])
        cand += [r.randrange(0, VA_LIMIT) for _ in range(8)]
        for va in choose_probes(r, cand, VA_LIMIT, max_probes):
            self.ops.append({"op": "translate", "va": va, "final": True, "text": "translate 0x%x" % va})


def run_case(cfg, index, args, res, workdir, plant_kind=None):
    memory_base, memory_size = cfg.arena()
    cdir = os.path.join(workdir, "%s-case%d%s" % (cfg.name, index, "-" + plant_kind if plant_kind else ""))
    os.makedirs(cdir, exist_ok=True)
    spath = os.path.join(cdir, "script.txt")
    export = os.path.join(cdir, "export")
    cmd = list(args.pagetable_cmd) + ["run", "--format", "arm-v7s"] + cfg.cli_args() + ["--export", export, spath]
    avoid = []
    if args.script_ops is not None:
        # A given script: run it once to learn what it leaves mapped, then again with
        # final probes appended.
        case = ScriptCase(cfg, [dict(op) for op in args.script_ops], args.seed)
        with open(spath, "w") as f:
            f.write(script_text(case.ops))
        first, _ = run_cli(case, cmd, res)
        if first is None:
            return False
        model0, _ = check_replies(case, first, Results(args.seed, False, quiet=True))
        case.add_probes(model0, args.probes)
        avoid = [(op["pa"], op["pa"] + op["size"]) for op in case.ops if op["op"] in ("map", "map-all")]
        script = script_text(case.ops)
    else:
        region = pick_harness_region(memory_base, memory_size)
        forbidden = [(0, 16 * M), (memory_base, memory_base + memory_size), region]
        case = Case(cfg, args.seed, index, forbidden)
        script = case.generate(n_ops=args.ops, max_probes=args.probes)
    with open(spath, "w") as f:
        f.write(script)
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
    base, size, root, regs, zone = m
    if len(memory) != size:
        res.fail(case, "memory.bin has %d bytes, manifest.memorySize is %d" % (len(memory), size),
                 sources=("manifest",))
    region = pick_harness_region(base, len(memory), avoid)
    if plant_kind:
        memory = bytearray(memory)
        note = plant(memory, base, Walker(memory, base, regs), finals, model, plant_kind,
                     random.Random("%d:%s" % (args.seed, plant_kind)))
        if note is None:
            raise RuntimeError("nothing to plant %s into" % plant_kind)
        res.notes.append(note)
        with open(os.path.join(cdir, "memory-planted.bin"), "wb") as f:
            f.write(memory)
    walker = Walker(memory, base, regs)
    stats, leaves = compare_scan(case, model, walker, zone, res)
    t1 = time.time()
    pars, execs = {}, {}
    sweep = []
    if not args.no_unicorn and finals:
        # Besides the probes: the first and last byte of every leaf the scan found, so the
        # hardware model also sees every mapping in the image (AT only; capped).
        final_set = {va for va, _ in finals}
        sweep = sorted({x for va, size, _, _, _ in leaves for x in (va, va + size - 1)} - final_set)
        if len(sweep) > args.sweep:
            sweep = sorted(random.Random("%d:%s:%d:sweep" % (args.seed, cfg.name, index)).sample(sweep, args.sweep))
        vas = [va for va, _ in finals] + sweep
        problems, pars, execs, notes = run_hardware(memory, base, regs, region, vas,
                                                    [] if args.no_exec else [va for va, _ in finals])
        if problems:
            res.fail(case, "unicorn register read-back: " + "; ".join(problems), sources=("AT",))
        for n in notes:
            res.notes.append("%s case %d: %s" % (cfg.name, index, n))
    t_mmu = time.time() - t1
    for va, cli in finals:
        compare_probe(case, va, cli, model.lookup(va), walker, pars.get(va), execs.get(va), res)
    if sweep:
        compare_sweep(case, model, sweep, pars, res)
    ok = res.failed == failed_before
    if args.verbose:
        print("  %-13s case %d: %3d ops, %3d probes, leaves %s, cli %.2fs, mmu %.2fs%s" % (
            cfg.name, index, len(case.ops), len(finals),
            "/".join(str(stats[k]) for k in KIND_NAMES), t_cli, t_mmu,
            "" if ok else "  FAILED (kept in %s)" % cdir))
    if ok and not args.keep:
        shutil.rmtree(cdir, ignore_errors=True)
    elif not ok and not plant_kind:
        print("    reproduce: %s --seed %d --config %s --cases %d%s   (script and export kept in %s)" % (
            sys.argv[0], args.seed, cfg.name, index + 1,
            " --script %s" % args.script if args.script else "", cdir))
    return ok


def self_test(args, workdir):
    """Plant each bug kind in a copy of a fresh export; each must be caught."""
    cfg = next(c for c in CONFIGS if c.name == "small-arena")
    caught = missed = 0
    for kind, (what, hw) in PLANTS.items():
        res = Results(args.seed, False, quiet=True)
        run_case(cfg, 0, args, res, workdir, plant_kind=kind)
        by_hw = sum(res.sources.get(s, 0) for s in ("AT", "fetch"))
        by_sw = sum(res.sources.get(s, 0) for s in ("walker", "scan"))
        other = sum(v for s, v in res.sources.items() if s not in ("AT", "fetch", "walker", "scan"))
        good = by_sw > 0 and (by_hw > 0) == hw and other == 0
        caught, missed = caught + good, missed + (not good)
        print("plant %-12s %-62s hardware %3d, software %3d  %s" % (
            kind, "(" + what + ")", by_hw, by_sw, "caught" if good else "NOT CAUGHT AS EXPECTED"))
        for n in res.notes:
            print("    " + n)
        first_hw = next((m for m in res.messages if "[AT]" in m or "[fetch]" in m), None)
        if first_hw:
            print("    e.g. " + first_hw.splitlines()[0][:220])
        if args.verbose:
            for msg in res.messages:
                print("    " + msg.replace("\n", "\n    "))
    return caught, missed


def main(argv=None):
    ap = arg_parser("Compare pagetable arm-v7s images with QEMU's ARMv7 MMU (unicorn).", cases=4, ops=60,
                    ops_help="operations per script before the final probes (default 60)",
                    probes_help="maximum final translate probes per script")
    ap.add_argument("--sweep", type=int, default=4096,
                    help="at most this many leaf ends per case also translated on unicorn (default 4096)")
    ap.add_argument("--no-exec", action="store_true", help="skip the instruction-fetch (execute permission) probes")
    ap.add_argument("--no-unicorn", action="store_true", help="use the software walker only")
    ap.add_argument("--plant", choices=sorted(PLANTS), help="corrupt one descriptor of every export copy (must fail)")
    ap.add_argument("--self-test", action="store_true",
                    help="plant every kind of bug in turn and check each is caught")
    ap.add_argument("--script", metavar="FILE",
                    help="check a given script instead of random ones (once per --config, default `default`; "
                         "final probes are appended; answers are not judged, only their consistency)")
    ap.add_argument("--table-zone-size", metavar="BYTES",
                    help="with --script: override the configuration's table zone size")
    ap.add_argument("--keep", metavar="DIR", help="keep every script and export under DIR")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)

    if args.list_configs:
        for c in CONFIGS:
            print("%-13s %s" % (c.name, c.describe()))
        return 0
    configs = select_configs(ap, args, CONFIGS)
    args.script_ops = None
    if args.script:
        with open(args.script) as f:
            args.script_ops = parse_script(f.read())
        if not args.config:
            configs = [c for c in CONFIGS if c.name == "default"]
        if args.table_zone_size:
            configs = [Config(c.name, c.memory_base, c.memory_size, parse_number(args.table_zone_size),
                              c.coherent, c.mode) for c in configs]
        args.cases = 1
        if args.self_test or args.plant:
            ap.error("--script cannot be combined with --self-test or --plant")
    args.pagetable_cmd = pagetable_command(TOOL, args.pagetable)
    if args.pagetable_cmd is None:
        return 1
    workdir = args.keep or tempfile.mkdtemp(prefix=TOOL + "-")
    os.makedirs(workdir, exist_ok=True)
    t0 = time.time()
    if args.self_test:
        print("%s: self-test, seed %d, pagetable %s" % (TOOL, args.seed, args.pagetable))
        caught, missed = self_test(args, workdir)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        return finish(TOOL, args.seed, t0, caught, missed)
    print("%s: seed %d, %d configuration(s) x %d case(s), pagetable %s%s" % (
        TOOL, args.seed, len(configs), args.cases, args.pagetable, ", planting %s" % args.plant if args.plant else ""))
    sys.stdout.flush()
    res = Results(args.seed, args.verbose)
    run_cases(configs, args, res, workdir, lambda cfg, i: run_case(cfg, i, args, res, workdir, plant_kind=args.plant))
    s = res.stats
    if s:
        print("%s: leaves seen: %d small pages, %d large pages, %d sections, %d supersections; "
              "%d L2 tables (%d empty)" % (TOOL, s.get("small", 0), s.get("large", 0), s.get("section", 0),
                                           s.get("supersection", 0), s.get("l2-tables", 0),
                                           s.get("empty-l2-tables", 0)))
    return finish(TOOL, args.seed, t0, res.passed, res.failed)


if __name__ == "__main__":
    sys.exit(main())
