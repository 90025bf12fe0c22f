"""Contiguous groups in ARMv8 long-descriptor images, checked from the raw descriptors.

QEMU (unicorn) treats the Contiguous bit (descriptor bit 52) as a TLB hint only: it never
checks it, and an image whose groups are partial or misaligned still translates there. The
architecture calls such an image a programming error with UNPREDICTABLE results (Arm ARM
D8.6.1, "The Contiguous bit"), so `armv8_mmu_check.py` checks every group itself with
`scan_groups`, written from the Arm ARM alone (the group sizes of the pseudocode's
`ContiguousSize()` for 64-bit descriptors, no FEAT_LPA2):

* every aligned run of a group's entries holds no hinted leaf, or is a complete group;
* a complete group's members are valid leaves of the level's type, all with the bit, with
  identical bits apart from the output address (attributes, RES0 bits), and consecutive
  output addresses whose first is aligned to the group's size;
* no hinted leaf sits at a level where the granule has no group, and none at all in an image
  built with `--no-contiguous` or by `gpu-lpae`.

`self_test` builds one image per granule with a group at every level that has one, checks it
passes, then plants each kind of broken group and checks each is caught.
"""
import json
import os
import subprocess

from e2e_common import K, M, G

CONTIGUOUS = 1 << 52

# (granule shift, ARM level) -> entries per group.
GROUP_ENTRIES = {
    (12, 1): 16, (12, 2): 16, (12, 3): 16,   # 4K: 16G, 32M, 64K
    (14, 2): 32, (14, 3): 128,               # 16K: 1G, 2M
    (16, 2): 32, (16, 3): 32,                # 64K: 16G, 2M (never the 4T L1 blocks)
}

# Totals over a run, for the closing note: config name -> {ARM level: groups}.
GROUP_COUNTS = {}


def level_shift(g, level):
    return g + (g - 3) * (3 - level)


def group_sizes(g):
    """Group sizes in bytes of granule shift `g`, smallest first."""
    return sorted(n << level_shift(g, level) for (gs, level), n in GROUP_ENTRIES.items() if gs == g)


def scan_groups(walker, contiguous):
    """Scan every table reachable from the walker's root (each once). `walker` gives the
    layout: table (root PA), start, ias, g, stride, read(pa) -> 64-bit word or None.
    -> (problems [(kind, message)], groups {ARM level: count})."""
    problems, groups = [], {}
    seen = set()
    stack = [(walker.table, walker.start)]
    while stack:
        table, level = stack.pop()
        if (table, level) in seen:
            continue
        seen.add((table, level))
        sh = level_shift(walker.g, level)
        bits = walker.ias - sh if level == walker.start else walker.stride
        words = [walker.read(table + 8 * i) for i in range(1 << bits)]
        if any(w is None for w in words):
            continue  # outside the image: the walker reports it
        leaf_type = 3 if level == 3 else 1
        for w in words:
            if w & 1 and w & 2 and level < 3:
                stack.append((w & ((1 << 48) - 1) & ~((1 << walker.g) - 1), level + 1))
        hinted = [i for i, w in enumerate(words) if w & 3 == leaf_type and w & CONTIGUOUS]
        if not hinted:
            continue
        where = "L%d table 0x%x" % (level, table)
        n = GROUP_ENTRIES.get((walker.g, level))
        if not contiguous or n is None:
            why = "the image was built without groups" if contiguous is False else "this level has no groups"
            problems.append(("stray", "%s: %d leaves carry the Contiguous bit, but %s (first at item %d)"
                             % (where, len(hinted), why, hinted[0])))
            continue
        oa_bits = ((1 << 48) - 1) & ~((1 << sh) - 1)
        for first in sorted({i - i % n for i in hinted}):
            run = words[first:first + n]
            name = "%s group at item %d (VA bits of %d entries x 0x%x)" % (where, first, n, 1 << sh)
            members = [w for w in run if w & 3 == leaf_type and w & CONTIGUOUS]
            if len(members) != n:
                problems.append(("partial", "%s: only %d of %d entries are hinted leaves" % (name, len(members), n)))
                continue
            base = run[0] & oa_bits
            if base % (n << sh):
                problems.append(("misaligned", "%s: output 0x%x is not aligned to the group's 0x%x bytes"
                                 % (name, base, n << sh)))
            for k, w in enumerate(run):
                if w & ~oa_bits != run[0] & ~oa_bits:
                    problems.append(("attributes", "%s: member %d has bits 0x%x, member 0 0x%x"
                                     % (name, k, w & ~oa_bits, run[0] & ~oa_bits)))
                    break
            for k, w in enumerate(run):
                if w & oa_bits != base + (k << sh):
                    problems.append(("addresses", "%s: member %d maps 0x%x, not 0x%x"
                                     % (name, k, w & oa_bits, base + (k << sh))))
                    break
            groups[level] = groups.get(level, 0) + 1
    return problems, groups


def note_groups(config, groups):
    counts = GROUP_COUNTS.setdefault(config, {})
    for level, n in groups.items():
        counts[level] = counts.get(level, 0) + n


def summary():
    """One line: the groups each configuration's images held."""
    parts = []
    for config, counts in sorted(GROUP_COUNTS.items()):
        if counts:
            parts.append("%s %s" % (config, " ".join("L%d:%d" % (l, counts[l]) for l in sorted(counts))))
    return "contiguous groups checked: " + ("; ".join(parts) if parts else "none")


# ----------------------------------------------------------------------------
# Self-test: planted broken groups must be caught
# ----------------------------------------------------------------------------
# Per granule: CLI options and a script with one group at every level that has one.
SELF_TEST_IMAGES = [
    ("4k", ["--granule", "4k", "--ias", "48"],
     ["map 0x10000 0x40010000 64K rw", "map 0x2000000 0x42000000 32M rwx", "map 0x400000000 0x800000000 16G r"],
     {3: 1, 2: 1, 1: 1}),
    ("16k", ["--granule", "16k", "--ias", "48"],
     ["map 0x200000 0x40200000 2M rw", "map 0x40000000 0x100000000 1G rd"], {3: 1, 2: 1}),
    ("64k", ["--granule", "64k", "--ias", "48"],
     ["map 0x200000 0x40200000 2M rwc", "map 0x400000000 0x800000000 16G rw"], {3: 1, 2: 1}),
    ("4k-s2", ["--granule", "4k", "--stage", "2", "--ias", "40"],
     ["map 0x10000 0x40010000 64K rw", "map 0x400000000 0x800000000 16G rw"], {3: 1, 1: 1}),
]


def build(pagetable_cmd, workdir, name, options, lines):
    """Run the CLI on `lines` with `options`: -> (memory bytearray, base, stage, registers)."""
    script = os.path.join(workdir, name + ".pt")
    export = os.path.join(workdir, name)
    with open(script, "w") as f:
        f.write("\n".join(lines) + "\n")
    cmd = list(pagetable_cmd) + ["run", "--format", "arm-lpae-64", "--memory-size", "1M"] + options + [
        "--export", export, script]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(cmd), proc.stderr.strip()))
    with open(os.path.join(export, "manifest.json")) as f:
        manifest = json.load(f)
    with open(os.path.join(export, "memory.bin"), "rb") as f:
        memory = bytearray(f.read())
    regs = {k: int(v, 16) for k, v in manifest["registers"].items()}
    stage = 2 if "VTTBR" in regs else 1
    return memory, int(manifest["memoryBase"], 16), stage, regs


def hinted_groups(walker, memory, base):
    """(PA of the group's first entry, entries, level shift) of every group, by level."""
    found = {}
    stack = [(walker.table, walker.start)]
    while stack:
        table, level = stack.pop()
        sh = level_shift(walker.g, level)
        bits = walker.ias - sh if level == walker.start else walker.stride
        for i in range(1 << bits):
            w = walker.read(table + 8 * i)
            if w & 3 == 3 and level < 3:
                stack.append((w & ((1 << 48) - 1) & ~((1 << walker.g) - 1), level + 1))
            elif w & 1 and w & CONTIGUOUS and i % GROUP_ENTRIES[(walker.g, level)] == 0:
                found.setdefault(level, []).append((table + 8 * i, GROUP_ENTRIES[(walker.g, level)], sh))
    return found


def plants(memory, base, entry, n, sh):
    """-> [(plant name, kind it must be reported as, planted memory copy)] for the group at PA `entry`."""
    def word(mem, k):
        return int.from_bytes(mem[entry - base + 8 * k:entry - base + 8 * k + 8], "little")

    def put(mem, k, value):
        mem[entry - base + 8 * k:entry - base + 8 * k + 8] = value.to_bytes(8, "little")

    out = []

    def plant(name, kind, change):
        mem = bytearray(memory)
        change(mem)
        out.append((name, kind, mem))

    plant("member-unhinted", "partial", lambda mem: put(mem, 1, word(mem, 1) & ~CONTIGUOUS))
    plant("member-invalid", "partial", lambda mem: put(mem, n - 1, 0))
    plant("hint-past-end", "partial",  # the entry after the group joins it: a hinted run across two groups
          lambda mem: put(mem, n, word(mem, n - 1) + (1 << sh)))
    plant("misaligned-output", "misaligned",
          lambda mem: [put(mem, k, word(mem, k) + (1 << sh)) for k in range(n)])
    plant("member-attributes", "attributes", lambda mem: put(mem, 2, word(mem, 2) ^ (1 << 7)))
    plant("member-address", "addresses", lambda mem: put(mem, 3, word(mem, 3) + (1 << sh)))
    return out


def self_test(tool, pagetable_cmd, make_walker, workdir):
    """Build the SELF_TEST_IMAGES, check they pass (and their `--no-contiguous` twins hold no
    hint), plant every kind of broken group into each and check it is reported as that kind.
    Prints one line per check; -> exit status."""
    passed = failed = 0

    def result(ok, text):
        nonlocal passed, failed
        passed, failed = passed + ok, failed + (not ok)
        print("  %s %s" % ("ok  " if ok else "FAIL", text))

    for name, options, lines, want in SELF_TEST_IMAGES:
        memory, base, stage, regs = build(pagetable_cmd, workdir, name, options, lines)
        walker = make_walker(memory, base, stage, regs)
        problems, groups = scan_groups(walker, True)
        result(not problems and groups == want, "%s: clean image, groups by level %s (want %s)%s"
               % (name, groups, want, "; " + problems[0][1] if problems else ""))
        plain, pbase, pstage, pregs = build(pagetable_cmd, workdir, name + "-nocontig", options + ["--no-contiguous"],
                                            lines)
        pwalker = make_walker(plain, pbase, pstage, pregs)
        problems, groups = scan_groups(pwalker, False)
        result(not problems and not groups, "%s --no-contiguous: no Contiguous bit anywhere" % name)
        problems, _ = scan_groups(walker, False)
        result(any(k == "stray" for k, _ in problems), "%s: groups in an image that should have none are caught" % name)
        for level, entries in sorted(hinted_groups(walker, memory, base).items()):
            entry, n, sh = entries[0]
            for plant_name, kind, planted in plants(memory, base, entry, n, sh):
                problems, _ = scan_groups(make_walker(planted, base, stage, regs), True)
                kinds = sorted({k for k, _ in problems})
                result(kind in kinds, "%s L%d %s: reported as %s (want %s)" % (name, level, plant_name, kinds, kind))
    print("%s: self-test: %d passed, %d failed" % (tool, passed, failed))
    return 0 if failed == 0 else 1
