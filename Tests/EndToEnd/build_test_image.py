#!/usr/bin/env python3
"""Self-made ARMv8 VMSAv8-64 page-table image writer (harness self-test).

This is a small, independent stand-in for `pagetable run --format arm-lpae-64`:
it accepts the same command line and script language, answers one line per
operation, and with `--export DIR` writes `memory.bin` + `manifest.json` in
the same layout. It exists so that `armv8_mmu_check.py` can prove its own
machinery (unicorn setup, AT probing, result decoding) without the Swift CLI:

    python3 Tests/EndToEnd/armv8_mmu_check.py --pagetable Tests/EndToEnd/build_test_image.py

It shares no code with the Swift framework; descriptor layouts follow the Arm
ARM (VMSAv8-64 translation table format descriptors, TCR_EL1, VTCR_EL2) and
the attribute encoding described in Tests/EndToEnd/README.md.

Only the features the harness exercises are implemented: granules 4K/16K/64K,
stage 1 and stage 2, blocks where the architecture (without FEAT_LPA/LPA2)
permits them, block splitting on partial unmap, and stage-2 concatenated
start-level tables.
"""
import argparse
import json
import os
import struct
import sys

GRANULE_SHIFT = {"4k": 12, "16k": 14, "64k": 16}
# TCR_EL1.TG0 / VTCR_EL2.TG0 encodings.
TG0 = {12: 0b00, 16: 0b01, 14: 0b10}
# TCR_EL1.IPS / VTCR_EL2.PS encodings.
PS_ENC = {32: 0, 36: 1, 40: 2, 42: 3, 44: 4, 48: 5}
MAIR = 0xF4_04_FF_44  # attr0 Normal NC, attr1 WB RWA, attr2 Device-nGnRE, attr3 0xf4


def parse_number(text):
    t = text.strip()
    mult = 1
    suffixes = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    if t and t[-1].upper() in suffixes:
        mult = suffixes[t[-1].upper()]
        t = t[:-1]
    if t.lower().startswith("0x"):
        value = int(t[2:], 16)
    else:
        value = int(t, 10)
    return value * mult


class Fail(Exception):
    def __init__(self, name, done=0):
        super().__init__(name)
        self.name = name
        self.done = done


class Geometry:
    def __init__(self, granule, ias, stage):
        self.g = GRANULE_SHIFT[granule]
        self.stride = self.g - 3
        self.ias = ias
        self.stage = stage
        start = 3 - (ias - self.g - 1) // self.stride
        entries = 1 << (ias - self.level_shift(start))
        if stage == 2 and start < 3 and entries <= 16:
            # Go one level down and concatenate start-level tables.
            start += 1
            entries = 1 << (ias - self.level_shift(start))
        if stage == 2 and self.g == 14 and start == 0:
            start = 1
            entries = 1 << (ias - self.level_shift(start))
        self.start = start
        self.start_entries = entries

    def level_shift(self, level):
        return self.g + self.stride * (3 - level)

    def index(self, level, va):
        shift = self.level_shift(level)
        if level == self.start:
            return (va >> shift) & (self.start_entries - 1)
        return (va >> shift) & ((1 << self.stride) - 1)

    def block_levels(self):
        # Levels that may hold a block/page leaf (48-bit OA, no LPA/LPA2).
        levels = [1, 2, 3] if self.g == 12 else [2, 3]
        return [lvl for lvl in levels if lvl >= self.start]

    def sl0(self):
        if self.g == 12:
            return {2: 0, 1: 1, 0: 2}[self.start]
        return {3: 0, 2: 1, 1: 2}[self.start]


class Image:
    def __init__(self, geo, oas, base, size):
        self.geo = geo
        self.oas = oas
        self.base = base
        self.mem = bytearray(size)
        self.next_free = 0
        root_bytes = max(geo.start_entries * 8, 1 << geo.g)
        self.root = self.alloc(root_bytes)

    def alloc(self, nbytes):
        align = max(nbytes, 1 << self.geo.g)
        off = (self.next_free + align - 1) & ~(align - 1)
        if off + nbytes > len(self.mem):
            raise Fail("out-of-memory")
        self.next_free = off + nbytes
        return self.base + off

    def rd(self, pa):
        return struct.unpack_from("<Q", self.mem, pa - self.base)[0]

    def wr(self, pa, value):
        struct.pack_into("<Q", self.mem, pa - self.base, value)

    def oa_mask(self):
        return ((1 << 48) - 1) & ~((1 << self.geo.g) - 1)

    def leaf_attrs(self, prot):
        if self.geo.stage == 1:
            if "c" in prot:
                idx, sh = 1, 0b11
            elif "d" in prot:
                idx, sh = 2, 0b10
            else:
                idx, sh = 0, 0b10
            a = (idx << 2) | (sh << 8) | (1 << 10) | (1 << 11)
            if "w" not in prot:
                a |= 1 << 7  # AP[2]: read-only
            if "p" not in prot:
                a |= 1 << 6  # AP[1]: EL0 access
            if "x" not in prot:
                a |= (1 << 53) | (1 << 54)  # PXN, UXN
            elif "p" in prot:
                a |= 1 << 54  # UXN: EL0 never executes a privileged-only mapping
            return a
        memattr = 0xF if "c" in prot else (0x1 if "d" in prot else 0x5)
        sh = 0b11 if "c" in prot else 0b10
        a = (memattr << 2) | (sh << 8) | (1 << 10)
        if "r" in prot:
            a |= 1 << 6
        if "w" in prot:
            a |= 1 << 7
        if "x" not in prot:
            a |= 1 << 54
        return a

    # -- walking -------------------------------------------------------
    def table_slot(self, va, level, create):
        """Return the descriptor address for `va` at `level` or None."""
        geo = self.geo
        table = self.root
        for lvl in range(geo.start, level):
            slot = table + 8 * geo.index(lvl, va)
            desc = self.rd(slot)
            if desc & 0b11 == 0b11:
                table = desc & self.oa_mask()
                continue
            if desc & 1:
                raise Fail("already-mapped")  # a block is in the way
            if not create:
                return None
            new = self.alloc(1 << geo.g)
            self.wr(slot, new | 0b11)
            table = new
        return table + 8 * geo.index(level, va)

    def find_leaf(self, va):
        geo = self.geo
        table = self.root
        for lvl in range(geo.start, 4):
            slot = table + 8 * geo.index(lvl, va)
            desc = self.rd(slot)
            if desc & 1 == 0:
                return None
            if lvl < 3 and desc & 0b11 == 0b11:
                table = desc & self.oa_mask()
                continue
            return lvl, slot, desc
        return None

    def map(self, va, pa, size, prot):
        geo = self.geo
        page = 1 << geo.g
        if va % page or pa % page or size % page or size == 0:
            raise Fail("misaligned")
        if va + size > (1 << geo.ias) or pa + size > (1 << self.oas):
            raise Fail("out-of-range")
        if "r" not in prot and "w" not in prot:
            raise Fail("invalid-attributes")
        if geo.stage == 1 and "w" in prot and "r" not in prot:
            raise Fail("invalid-attributes")
        if geo.stage == 2 and "p" in prot:
            raise Fail("invalid-attributes")
        if "c" in prot and "d" in prot:
            raise Fail("invalid-attributes")
        attrs = self.leaf_attrs(prot)
        done = 0
        while done < size:
            cva, cpa, left = va + done, pa + done, size - done
            for level in geo.block_levels():
                bs = 1 << geo.level_shift(level)
                if cva % bs == 0 and cpa % bs == 0 and left >= bs:
                    try:
                        slot = self.table_slot(cva, level, create=True)
                    except Fail as f:
                        raise Fail(f.name, done)
                    if level == 3 or self.rd(slot) & 0b11 != 0b11:
                        break
                    # A (possibly empty) next-level table sits here: use smaller leaves.
            if self.rd(slot) & 1:
                raise Fail("already-mapped", done)
            self.wr(slot, cpa | attrs | (0b11 if level == 3 else 0b01))
            done += bs
        return done

    def unmap(self, va, size):
        geo = self.geo
        page = 1 << geo.g
        if va % page or size % page or size == 0:
            raise Fail("misaligned")
        done = 0
        while done < size:
            cva, left = va + done, size - done
            leaf = self.find_leaf(cva)
            if leaf is None:
                raise Fail("not-mapped", done)
            level, slot, desc = leaf
            bs = 1 << geo.level_shift(level)
            if cva % bs or left < bs:
                # Split the block into a next-level table with identical attributes.
                new = self.alloc(1 << geo.g)
                nbs = 1 << geo.level_shift(level + 1)
                attrs = desc & ~self.oa_mask() & ~0b11
                out = desc & self.oa_mask()
                for i in range(1 << geo.stride):
                    self.wr(new + 8 * i, (out + i * nbs) | attrs | (0b11 if level + 1 == 3 else 0b01))
                self.wr(slot, new | 0b11)
                continue
            self.wr(slot, 0)
            done += bs
        return done

    def translate(self, va):
        leaf = self.find_leaf(va)
        if leaf is None:
            return None
        level, _, desc = leaf
        bs = 1 << self.geo.level_shift(level)
        return (desc & self.oa_mask() & ~(bs - 1)) | (va & (bs - 1))

    def registers(self):
        geo = self.geo
        if geo.stage == 1:
            tcr = (64 - geo.ias) | (1 << 8) | (1 << 10) | (3 << 12) | (TG0[geo.g] << 14)
            tcr |= (1 << 23) | (0b10 << 30) | (PS_ENC[self.oas] << 32)
            return {"TTBR0": self.root, "TCR": tcr, "MAIR": MAIR}
        vtcr = (64 - geo.ias) | (geo.sl0() << 6) | (1 << 8) | (1 << 10) | (3 << 12)
        vtcr |= (TG0[geo.g] << 14) | (PS_ENC[self.oas] << 16) | (1 << 31)
        return {"VTTBR": self.root, "VTCR": vtcr}

    def export(self, directory):
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "memory.bin"), "wb") as f:
            f.write(self.mem)
        manifest = {
            "format": "arm-lpae-64",
            "memoryBase": hex(self.base),
            "memorySize": len(self.mem),
            "root": hex(self.root),
            "registers": {k: hex(v) for k, v in self.registers().items()},
        }
        with open(os.path.join(directory, "manifest.json"), "w") as f:
            json.dump(manifest, f, indent=2)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run")
    run.add_argument("--format", default="arm-lpae-64")
    run.add_argument("--granule", default="4k", choices=sorted(GRANULE_SHIFT))
    run.add_argument("--stage", type=int, default=1, choices=(1, 2))
    run.add_argument("--ias", type=int, default=48)
    run.add_argument("--oas", type=int, default=48)
    run.add_argument("--memory-base", default="0x80000000")
    run.add_argument("--memory-size", default="64M")
    run.add_argument("--no-contiguous", action="store_true")  # this stand-in never writes groups
    run.add_argument("--export")
    run.add_argument("script")
    args = ap.parse_args(argv)
    if args.format != "arm-lpae-64":
        sys.exit("unsupported format")
    geo = Geometry(args.granule, args.ias, args.stage)
    img = Image(geo, args.oas, parse_number(args.memory_base), parse_number(args.memory_size))
    text = sys.stdin.read() if args.script == "-" else open(args.script).read()
    out = []
    for raw in text.splitlines():
        words = raw.split("#", 1)[0].split()
        if not words:
            continue
        op = words[0]
        try:
            if op == "map":
                prot = words[4] if len(words) > 4 else ""
                n = img.map(parse_number(words[1]), parse_number(words[2]), parse_number(words[3]), prot)
                out.append("mapped %d" % n)
            elif op == "unmap":
                n = img.unmap(parse_number(words[1]), parse_number(words[2]))
                out.append("unmapped %d" % n)
            elif op == "translate":
                pa = img.translate(parse_number(words[1]))
                out.append("unmapped" if pa is None else "0x%x" % pa)
            else:
                sys.exit("unknown operation: " + raw)
        except Fail as f:
            out.append("%s %d error %s" % ("mapped" if op == "map" else "unmapped", f.done, f.name))
    print("\n".join(out))
    if args.export:
        img.export(args.export)


if __name__ == "__main__":
    main(sys.argv[1:])
