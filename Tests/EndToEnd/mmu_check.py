#!/usr/bin/env python3
"""End-to-end MMU check with per-architecture drivers: exported `pagetable` images are loaded
into QEMU's own MMU code (the `unicorn` package) and real loads, stores and instruction
fetches at several privilege levels are compared with what the script mapped.

    python3 Tests/EndToEnd/mmu_check.py --arch riscv   # riscv_driver.py
    python3 Tests/EndToEnd/mmu_check.py --arch x86-64  # x86_driver.py

A driver describes its configurations (CLI options, leaf sizes, address limits, PROTs), the
permission rules of its architecture, and a machine: a unicorn CPU with the image loaded and
paging on, which runs one access at one privilege level. Everything else -- scripts, the
interval model, answers, probes, planted-bug self-tests -- is here and in e2e_common.py, so
the ARM drivers can move in later.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

try:
    import unicorn  # noqa: F401
except ImportError:
    print("mmu-check: the unicorn package is missing (python3 -m pip install unicorn)")
    print("mmu-check: 0 passed, 1 failed")
    sys.exit(1)

import e2e_common as common  # noqa: E402

TOOL = "mmu-check"


class Record:
    """One `map` of the script: where, to where, how big, with which PROT."""

    def __init__(self, iova, pa, size, prot):
        self.iova, self.pa, self.size, self.prot = iova, pa, size, prot


class Case:
    def __init__(self, cfg, index):
        self.cfg, self.index = cfg, index


# ----------------------------------------------------------------------------
# Scripts
# ----------------------------------------------------------------------------
def canonical(cfg, va):
    """The script's address for table address `va` (the low input bits the model keeps): with
    sign extension (RISC-V stage 1, x86-64) the upper half of the input range is the upper,
    sign-extended half of the 64-bit space, which is what the tool takes and the hardware walks."""
    bits = cfg.input_limit.bit_length() - 1
    if getattr(cfg, "sign_extends", True) and va >> (bits - 1):
        return va | (2 ** 64 - (1 << bits))
    return va


def translate(rng, cfg, va, final):
    """A `translate` of table address `va`, written as the canonical address."""
    op = common.translate_op(rng, canonical(cfg, va), final)
    op["va"] = va
    return op


def generate(rng, cfg, ops_count):
    """-> (ops, model): a random script of maps (valid, invalid PROT, onto a mapping), unmaps
    that never cut a leaf, and translates; each op carries the answer the model expects.
    The model keeps table addresses; the script names canonical ones (``canonical``)."""
    model = common.Model()
    ops = []
    page = cfg.leaf_sizes[0]
    big = cfg.leaf_sizes[1:]
    windows = [rng.randrange(0, cfg.input_limit // common.G) * common.G for _ in range(3)]
    if getattr(cfg, "sign_extends", True):  # One window in each half, whatever the seed.
        half = cfg.input_limit // 2 // common.G
        windows[0] = rng.randrange(0, half) * common.G
        windows[1] = rng.randrange(half, 2 * half) * common.G
    for _ in range(ops_count):
        r = rng.random()
        if r < 0.55:
            size = rng.choice(cfg.leaf_sizes[:3] if rng.random() < 0.9 else cfg.leaf_sizes)
            count = rng.randint(1, 4 if size == page else 2)
            length = size * count
            if size >= common.G:
                va = rng.randrange(0, cfg.input_limit // size) * size
            else:
                va = rng.choice(windows) + rng.randrange(0, common.G // size) * size
            if va + length > cfg.input_limit:
                continue
            low, high = max(1, cfg.pa_low // size), cfg.pa_limit // size - count
            if high <= low:
                continue  # no output range for this leaf size (the driver's memory is smaller)
            pa = rng.randrange(low, high) * size
            if rng.random() < 0.2 and page < size <= common.G:  # a misaligned PA: smaller leaves
                pa += (size >> 9 if size == common.G else page) * rng.randint(1, 15)
            if model.overlaps(va, va + length):
                continue
            if rng.random() < 0.1:
                prot = rng.choice(cfg.invalid_prots)
                ops.append({"op": "map", "text": "map 0x%x 0x%x %s %s" % (canonical(cfg, va), pa, common.fmt_num(rng, length), prot),
                            "want": "mapped 0 error invalid-attributes"})
                continue
            prot = rng.choice(cfg.valid_prots)
            ops.append({"op": "map", "text": "map 0x%x 0x%x %s %s" % (canonical(cfg, va), pa, common.fmt_num(rng, length), prot),
                        "want": "mapped %d" % length})
            model.add(va, length, Record(va, pa, length, prot))
        elif r < 0.6 and model.live:
            s, e, rec = rng.choice(model.live)
            ops.append({"op": "map", "text": "map 0x%x 0x%x 4K %s" % (canonical(cfg, s), cfg.pa_low, cfg.valid_prots[0]),
                        "want": "mapped 0 error already-mapped"})
        elif r < 0.85 and model.live:
            s, e, rec = rng.choice(model.live)
            a, b = common.pick_cut(rng, s, e, page)
            if common.block_cut(rec, a, b, big):
                a, b = s, e
                if common.block_cut(rec, a, b, big):
                    continue
            ops.append({"op": "unmap", "text": "unmap 0x%x %s" % (canonical(cfg, a), common.fmt_num(rng, b - a)),
                        "want": "unmapped %d" % (b - a)})
            model.remove(a, b - a)
        else:
            va = common.random_probe(rng, model, cfg.input_limit)
            op = translate(rng, cfg, va, False)
            op["want"] = expected_translation(model, va)
            ops.append(op)
    return ops, model


def expected_translation(model, va):
    rec = model.lookup(va)
    return "unmapped" if rec is None else "0x%x" % (rec.pa + va - rec.iova)


def holes(model, limit):
    out, cursor = [], 0
    for s, e, _ in model.intervals():
        if s > cursor:
            out.append((cursor, s))
        cursor = e
    if cursor < limit:
        out.append((cursor, limit))
    return out


# ----------------------------------------------------------------------------
# One case
# ----------------------------------------------------------------------------
def run_case(driver, cfg, index, args, res, workdir, plant=None):
    """Generate, run and check one script; with `plant`, corrupt the harness's model first
    (a planted bug the check must notice). -> number of failures this case recorded."""
    before = res.failed
    rng = random.Random("%d/%s/%d" % (args.seed, cfg.name, index))
    case = Case(cfg, index)
    ops, model = generate(rng, cfg, args.ops)
    cand = common.probe_candidates(rng, model, holes(model, cfg.input_limit), cfg.input_limit, 8)
    finals = common.choose_probes(rng, cand, cfg.input_limit, args.probes)
    for va in finals:
        op = translate(rng, cfg, va, True)
        op["want"] = expected_translation(model, va)
        ops.append(op)
    folder = os.path.join(workdir, "%s-%d" % (cfg.name, index))
    os.makedirs(folder, exist_ok=True)
    script = os.path.join(folder, "script.pt")
    with open(script, "w") as f:
        f.write(common.script_text(ops))
    export = os.path.join(folder, "export")
    lines, _ = common.run_cli(case, args.command + ["run", "--format", driver.FORMAT] + cfg.args
                              + ["--export", export, script], res)
    if lines is None:
        return res.failed - before
    if len(lines) != len(ops):
        res.fail(case, "%d answer lines for %d operations" % (len(lines), len(ops)), sources=("reply",))
        return res.failed - before
    for op, line in zip(ops, lines):
        if op["op"] == "translate":
            common.check_translate(case, op, line, op["want"], [], res)
        elif line != op["want"]:
            res.fail(case, "`%s` answered %r" % (op["text"], line), expected=op["want"], got=line, sources=("reply",))
        else:
            res.ok()
    manifest, memory = common.read_export(case, export, res)
    if manifest is None:
        return res.failed - before
    layout = common.manifest_layout(case, manifest, res, driver.REGISTERS[cfg.stage])
    if layout is None:
        return res.failed - before
    if plant:
        plant(rng, model)
    machine = driver.Machine(cfg, manifest, memory, layout, finals)
    check_hardware(driver, machine, case, model, finals, res, args)
    if res.failed == before and not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return res.failed - before


def check_hardware(driver, machine, case, model, vas, res, args):
    """Loads, stores and fetches at every privilege level of the configuration at every probe
    VA. Drivers whose machine runs a whole batch at once (`batch`) get every request together."""
    cfg = case.cfg
    privileges = getattr(cfg, "privileges", driver.PRIVILEGES)
    kinds = ("load", "store", "fetch") if args.exec else ("load", "store")
    requests, wants = [], []
    for va in vas:
        rec = model.lookup(va)
        word = va & ~7
        pa = None if rec is None else rec.pa + word - rec.iova
        hardware_va = canonical(cfg, word)
        for priv in privileges:
            for kind in kinds:
                allowed = rec is not None and driver.allowed(cfg, rec.prot, priv, kind)
                requests.append((kind, hardware_va, priv, pa))
                wants.append(("ok" if allowed else "fault", rec))
    if getattr(machine, "batch", False):
        outcomes = machine.access_all(requests)
    else:
        outcomes = [machine.access(kind, va, priv, pa) for kind, va, priv, pa in requests]
    for (kind, va, priv, pa), (want, rec), got in zip(requests, wants, outcomes):
        if got != want:
            res.fail(case, "%s at 0x%x as %s (%s): QEMU says %s" % (
                kind, va, priv, "unmapped" if rec is None else "%s -> 0x%x" % (rec.prot, pa), got),
                va, want, got, sources=(kind,))
        else:
            res.ok()


# Dirty tracking, for drivers whose emulator updates dirty state (DIRTY_ARGS): the same maps
# exported twice with tracking, once followed by `hw-write`s; stores done by the emulator on
# the first image must change exactly the descriptor words `hw-write` changed in the second.
DIRTY_MAPS = ["map 0x200000 0x40200000 2M rw", "map 0x1000 0x40001000 4K rw", "map 0x2000 0x40002000 4K rw",
              "map 0x3000 0x40003000 4K r"]
DIRTY_STORES = [(0x1008, 0x40001008, "ok"), (0x200010, 0x40200010, "ok"), (0x3000, 0x40003000, "fault")]


def run_dirty_case(driver, cfg, args, res, workdir):
    case = Case(cfg, 0)
    folder = os.path.join(workdir, "%s-dirty" % cfg.name)
    os.makedirs(folder, exist_ok=True)
    images = []
    for name, extra in (("plain", []), ("written", ["hw-write 0x%x" % va for va, _, _ in DIRTY_STORES])):
        script, export = os.path.join(folder, name + ".pt"), os.path.join(folder, name)
        with open(script, "w") as f:
            f.write("\n".join(DIRTY_MAPS + extra) + "\n")
        lines, _ = common.run_cli(case, args.command + ["run", "--format", driver.FORMAT] + cfg.args + driver.DIRTY_ARGS
                                  + ["--export", export, script], res)
        if lines is None:
            return
        want = ["mapped %d" % size for size in (2 << 20, 4096, 4096, 4096)] + [w for _, _, w in DIRTY_STORES][:len(extra)]
        if lines != want:
            res.fail(case, "dirty-tracking script answered %r" % lines, expected=want, got=lines, sources=("reply",))
            return
        manifest, memory = common.read_export(case, export, res)
        if manifest is None:
            return
        images.append((manifest, memory))
    (manifest, plain), (_, written) = images
    layout = common.manifest_layout(case, manifest, res, driver.REGISTERS[cfg.stage])
    if layout is None:
        return
    base, _, root, _ = layout
    machine = driver.Machine(cfg, manifest, plain, layout, [va for va, _, _ in DIRTY_STORES])
    for va, pa, want in DIRTY_STORES:
        got = machine.access("store", canonical(cfg, va), driver.PRIVILEGES[0], pa)
        if got != want:
            res.fail(case, "dirty-tracking store at 0x%x: %s" % (va, got), va, want, got, sources=("store",))
    after = bytes(machine.uc.mem_read(base, len(plain)))
    harness_slot = root - base + 8 * machine.harness_index
    words = lambda image: {o: image[o:o + 8] for o in range(0, len(plain), 8) if image[o:o + 8] != plain[o:o + 8]}
    emulated, predicted = words(after), words(written)
    emulated.pop(harness_slot, None)
    if emulated != predicted:
        res.fail(case, "descriptors after the emulator's stores differ from hw-write's", expected=sorted(
            (hex(base + o), v.hex()) for o, v in predicted.items()), got=sorted((hex(base + o), v.hex()) for o, v in emulated.items()),
            sources=("store",))
    elif not predicted:
        res.fail(case, "hw-write changed no descriptor", sources=("reply",))
    else:
        res.ok()
        shutil.rmtree(folder, ignore_errors=True)


# ----------------------------------------------------------------------------
# Planted bugs: the model is made to lie; the check must notice every time.
# ----------------------------------------------------------------------------
def plant_wrong_address(rng, model):
    s, e, rec = max(model.live, key=lambda t: t[1] - t[0])
    model.live = [(a, b, r) if r is not rec else (a, b, Record(r.iova, r.pa + 0x1000 * 16, r.size, r.prot))
                  for a, b, r in model.live]


def plant_dropped_mapping(rng, model):
    s, e, rec = max(model.live, key=lambda t: t[1] - t[0])
    model.remove(s, e - s)


def plant_wrong_permission(rng, model):
    live = []
    for a, b, r in model.live:
        flipped = r.prot.replace("w", "") if "w" in r.prot else r.prot + "w"
        live.append((a, b, Record(r.iova, r.pa, r.size, flipped)))
    model.live = live


def plant_wrong_privilege(rng, model):
    live = []
    for a, b, r in model.live:
        flipped = r.prot.replace("p", "") if "p" in r.prot else r.prot + "p"
        live.append((a, b, Record(r.iova, r.pa, r.size, flipped)))
    model.live = live


PLANTS = [("wrong-address", plant_wrong_address), ("dropped-mapping", plant_dropped_mapping),
          ("wrong-permission", plant_wrong_permission), ("wrong-privilege", plant_wrong_privilege)]


def self_test(driver, configs, args, workdir):
    """Every planted bug in every configuration must be noticed. -> (passed, failed)."""
    passed = failed = 0
    for cfg in configs:
        if not cfg.privilege_test:
            plants = [p for p in PLANTS if p[0] != "wrong-privilege"]
        else:
            plants = PLANTS
        for name, plant in plants:
            quiet = common.Results(args.seed, False, quiet=True)
            caught = run_case(driver, cfg, 1000, args, quiet, workdir, plant)
            if caught > 0:
                passed += 1
            else:
                failed += 1
                print("SELF-TEST FAILED seed=%d config=%s: planted %s went unnoticed" % (args.seed, cfg.name, name))
    return passed, failed


def main():
    ap = common.arg_parser(__doc__.splitlines()[0], cases=3, ops=40,
                           ops_help="operations per script (default 40)",
                           probes_help="final probe addresses per script (default 160)")
    ap.add_argument("--arch", required=True, choices=["riscv", "riscv-system", "x86-64"],
                    help="riscv and x86-64: unicorn; riscv-system: qemu-system-riscv64 (G-stage, Svnapot, Svpbmt)")
    ap.add_argument("--no-exec", dest="exec", action="store_false", help="skip the instruction-fetch probes")
    ap.add_argument("--no-self-test", dest="self_test", action="store_false", help="skip the planted-bug self-tests")
    ap.add_argument("--keep", metavar="DIR", help="keep every script and export in DIR")
    ap.add_argument("-v", dest="verbose", action="store_true")
    args = ap.parse_args()
    if args.arch == "riscv":
        import riscv_driver as driver
    elif args.arch == "riscv-system":
        import riscv_system_driver as driver
    else:
        import x86_driver as driver
    tool = "%s-%s" % (TOOL, args.arch)
    configs = driver.configurations()
    if args.list_configs:
        for c in configs:
            print(c.name)
        return 0
    configs = common.select_configs(ap, args, configs)
    command = common.pagetable_command(tool, args.pagetable)
    if command is None:
        return 1
    args.command = command
    t0 = time.time()
    print("%s: seed %d" % (tool, args.seed))
    workdir = args.keep or tempfile.mkdtemp(prefix="mmu-check-")
    res = common.Results(args.seed, args.verbose)
    common.run_cases(configs, args, res, workdir, lambda cfg, i: run_case(driver, cfg, i, args, res, workdir))
    if hasattr(driver, "DIRTY_ARGS"):
        for cfg in configs:
            run_dirty_case(driver, cfg, args, res, workdir)
    passed, failed = res.passed, res.failed
    if args.self_test:
        caught, missed = self_test(driver, configs, args, workdir)
        print("%s: self-test: %d planted bugs caught, %d missed" % (tool, caught, missed))
        failed += missed
    if failed and not args.keep:
        print("%s: scripts and exports kept in %s" % (tool, workdir))
    elif not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return common.finish(tool, args.seed, t0, passed, failed)


if __name__ == "__main__":
    sys.exit(main())
