"""What the end-to-end MMU checks `armv8_mmu_check.py` and `armv7_mmu_check.py` share.

Only logic that is the same for both architectures lives here: number spellings, the
interval model of a script, the choice of probes and of unmap cuts, running the CLI and
reading its export, counting results, the run loop and its summary, and the two
architecture-neutral pieces of the unicorn drivers. Configurations, script generators,
walkers, instruction encodings, unicorn drivers and expectations stay in the scripts.

The scripts import this module from their own directory; it needs the `unicorn` package,
which each script checks for first.
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import time
import traceback

from unicorn.unicorn_const import UC_ERR_FETCH_UNMAPPED

K, M, G, T = 1 << 10, 1 << 20, 1 << 30, 1 << 40
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def parse_hex(v):
    if isinstance(v, int):
        return v
    v = v.strip().lower()
    return int(v[2:] if v.startswith("0x") else v, 16)


def fmt_num(rng, v, tera=False):
    """Render a number in one of the CLI's accepted spellings (`tera`: T too)."""
    choice = rng.random()
    for suffix, unit in ((("T", T),) if tera else ()) + (("G", G), ("M", M), ("K", K)):
        if v and v % unit == 0 and choice < 0.4:
            return "%d%s" % (v // unit, suffix)
    if choice < 0.6 and v < (1 << 40):
        return "%d" % v
    return "0x%x" % v


def bits(t):
    return "".join("1" if x else "0" for x in t)


# ----------------------------------------------------------------------------
# Interval model of what is mapped
# ----------------------------------------------------------------------------
class Model:
    def __init__(self):
        self.live = []  # (start, end, record), non-overlapping

    def add(self, start, n, rec):
        if n > 0:
            self.live.append((start, start + n, rec))

    def remove(self, start, n):
        end = start + n
        out = []
        for s, e, r in self.live:
            if e <= start or s >= end:
                out.append((s, e, r))
                continue
            if s < start:
                out.append((s, start, r))
            if e > end:
                out.append((end, e, r))
        self.live = out

    def lookup(self, va):
        for s, e, r in self.live:
            if s <= va < e:
                return r
        return None

    def overlaps(self, start, end):
        return any(s < end and start < e for s, e, _ in self.live)

    def intervals(self):
        return sorted(self.live, key=lambda t: t[0])


# ----------------------------------------------------------------------------
# Random script generation: unmap cuts and probes
# ----------------------------------------------------------------------------
def block_cut(rec, a, b, leaf_sizes):
    """True if [a,b) might cut through a leaf of `rec` larger than a page: one of
    `leaf_sizes` wherever the mapping's VA and PA are congruent modulo that size."""
    for bs in leaf_sizes:
        if (rec.iova - rec.pa) % bs:
            continue
        x = (rec.iova + bs - 1) // bs * bs
        while x + bs <= rec.iova + rec.size:
            inside = a <= x and x + bs <= b
            disjoint = b <= x or a >= x + bs
            if not inside and not disjoint:
                return True
            x += bs
    return False


def pick_cut(rng, s, e, page):
    """[a, b) to unmap from the mapped range [s, e): all of it, a prefix, a suffix or a
    middle part, in whole pages."""
    pages = (e - s) // page
    mode = rng.choice(["whole", "prefix", "suffix", "middle"])
    if mode == "whole" or pages == 1:
        a, b = s, e
    elif mode == "prefix":
        a, b = s, s + rng.randint(1, pages - 1) * page
    elif mode == "suffix":
        a, b = s + rng.randint(1, pages - 1) * page, e
    else:
        lo = rng.randint(0, pages - 1)
        hi = rng.randint(lo + 1, pages)
        a, b = s + lo * page, s + hi * page
    if (b - a) > 64 * page and mode != "whole" and rng.random() < 0.5:
        b = a + rng.randint(1, 8) * page  # keep some small cuts inside large ranges
    return a, b


def translate_op(rng, va, final):
    return {"op": "translate", "va": va, "final": final,
            "text": "translate %s" % ("0x%x" % va if rng.random() < 0.8 else "%d" % va)}


def random_probe(rng, model, limit):
    """A mid-script probe: mostly inside a mapping, otherwise anywhere below `limit`."""
    if model.live and rng.random() < 0.7:
        s, e, _ = rng.choice(model.live)
        return rng.randrange(s, e)
    return rng.randrange(0, limit)


def probe_candidates(rng, model, holes, limit, word):
    """Final probe candidates: the ends of every mapping, two addresses inside it (one
    `word` aligned) and its neighbours; the ends of every hole and one address inside;
    eight random addresses below `limit`."""
    cand = []
    for s, e, _ in model.intervals():
        cand += [s, e - 1, rng.randrange(s, e), (s + rng.randrange(0, e - s)) & ~(word - 1)]
        cand += [e, s - 1]
    for s, e in holes:
        cand += [s, rng.randrange(s, e), e - 1]
    cand += [rng.randrange(0, limit) for _ in range(8)]
    return cand


def choose_probes(rng, cand, limit, max_probes):
    """The distinct candidates in [0, limit), in order; a random max_probes of them when
    there are more."""
    seen, out = set(), []
    for va in cand:
        if 0 <= va < limit and va not in seen:
            seen.add(va)
            out.append(va)
    if len(out) > max_probes:
        out = rng.sample(out, max_probes)
    return out


def script_text(ops):
    return "\n".join(op["text"] for op in ops) + "\n"


# ----------------------------------------------------------------------------
# Results, the CLI and its export
# ----------------------------------------------------------------------------
class Results:
    def __init__(self, seed, verbose, quiet=False):
        self.passed = 0
        self.failed = 0
        self.seed = seed
        self.verbose = verbose
        self.quiet = quiet
        self.notes = []
        self.sources = {}      # source -> count of failures (AT, fetch, walker, scan, reply, manifest)
        self.messages = []
        self.stats = {}

    def ok(self):
        self.passed += 1

    def fail(self, case, what, address=None, expected=None, got=None, sources=("other",)):
        self.failed += 1
        for s in sources:
            self.sources[s] = self.sources.get(s, 0) + 1
        addr = "" if address is None else " address=0x%x" % address
        msg = "MISMATCH seed=%d config=%s case=%d%s: %s" % (self.seed, case.cfg.name, case.index, addr, what)
        if expected is not None or got is not None:
            msg += "\n    expected: %s\n    got:      %s" % (expected, got)
        self.messages.append(msg)
        if not self.quiet:
            print(msg)
            sys.stdout.flush()


def run_cli(case, cmd, res):
    """Run the CLI: -> (its non-blank answer lines, seconds), or (None, None) when it exits
    with an error (a failure)."""
    t0 = time.time()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seconds = time.time() - t0
    if proc.returncode != 0:
        res.fail(case, "CLI exited with status %d: %s (command: %s)" % (
            proc.returncode, proc.stderr.strip()[:400], " ".join(cmd)), sources=("reply",))
        return None, None
    return [l for l in proc.stdout.splitlines() if l.strip()], seconds


def parse_reply(line, verb):
    """'mapped 4096' / 'mapped 0 error already-mapped' -> (bytes, error or None)."""
    words = line.split()
    if not words or words[0] != verb or len(words) not in (2, 4) or not words[1].isdigit():
        return None
    if len(words) == 4 and words[2] != "error":
        return None
    return int(words[1]), (words[3] if len(words) == 4 else None)


def check_translate(case, op, line, want, finals, res):
    """A `translate` answer against `want` ("unmapped" or "0x..."), the script model's;
    final probes and their answers are collected in `finals`."""
    if op["final"]:
        finals.append((op["va"], line))
    if line != want:
        res.fail(case, "`%s` answered %r, the script model says %r" % (op["text"], line, want),
                 op["va"], want, line, sources=("reply",))
    else:
        res.ok()


def read_export(case, export, res):
    """-> (manifest, memory) of an export directory, or (None, None) (a failure)."""
    try:
        with open(os.path.join(export, "manifest.json")) as f:
            manifest = json.load(f)
        with open(os.path.join(export, "memory.bin"), "rb") as f:
            memory = f.read()
    except (OSError, ValueError) as e:
        res.fail(case, "export unreadable: %r" % (e,), sources=("manifest",))
        return None, None
    return manifest, memory


def manifest_layout(case, manifest, res, need):
    """-> (base, size, root, registers) from the manifest, or None (a failure) when it is
    malformed or lacks one of the registers `need` names."""
    regs = {}
    try:
        base = parse_hex(manifest["memoryBase"])
        size = int(manifest["memorySize"])
        root = parse_hex(manifest["root"])
        for k, v in manifest["registers"].items():
            regs[k] = parse_hex(v)
    except (KeyError, ValueError, TypeError, AttributeError) as e:
        res.fail(case, "manifest.json is malformed: %r" % (e,), sources=("manifest",))
        return None
    missing = [k for k in need if k not in regs]
    if missing:
        res.fail(case, "manifest registers lack %s (have %s)" % (missing, sorted(regs)), sources=("manifest",))
        return None
    return base, size, root, regs


# ----------------------------------------------------------------------------
# Unicorn: the architecture-neutral pieces
# ----------------------------------------------------------------------------
EXCP_PREFETCH_ABORT = 3  # QEMU's exception number for a prefetch (instruction) abort
AT_BATCH = 4096  # VAs per run of the AT loop


def ins(words):
    return b"".join(w.to_bytes(4, "little") for w in words)


def map_image(uc, memory, base, region):
    """Map the exported memory at `base` and the harness region [region[0], region[1])."""
    mbase = base & ~0xFFF
    msize = (base + len(memory) - mbase + 0xFFF) & ~0xFFF
    uc.mem_map(mbase, msize)
    uc.mem_write(base, bytes(memory))
    uc.mem_map(region[0], region[1] - region[0])


def at_batches(mmu, vas, restart, begin, va_format, regs):
    """Run a unicorn driver's AT loop over `vas` in batches. mmu: the driver (uc, inbuf,
    outbuf, loop_end, intr); restart(): back to the state the loop starts from; the batch's
    VAs are stored at mmu.inbuf as `va_format` ("Q" or "I") words; regs: the registers
    (VA pointer, PAR pointer, count, PC); the loop runs from `begin` to mmu.loop_end and
    stores four 64-bit PARs per VA at mmu.outbuf. -> [(PAR, PAR, PAR, PAR)] for each VA."""
    va_reg, par_reg, count_reg, pc_reg = regs
    uc = mmu.uc
    result = []
    for i in range(0, len(vas), AT_BATCH):
        chunk = vas[i:i + AT_BATCH]
        restart()
        uc.mem_write(mmu.inbuf, struct.pack("<%d%s" % (len(chunk), va_format), *chunk))
        uc.reg_write(va_reg, mmu.inbuf)
        uc.reg_write(par_reg, mmu.outbuf)
        uc.reg_write(count_reg, len(chunk))
        uc.emu_start(begin, mmu.loop_end)
        pc = uc.reg_read(pc_reg)
        if pc != mmu.loop_end or mmu.intr:
            raise RuntimeError("AT loop did not complete (pc=0x%x, exceptions=%r)" % (pc, mmu.intr))
        raw = uc.mem_read(mmu.outbuf, 32 * len(chunk))
        pars = struct.unpack("<%dQ" % (4 * len(chunk)), raw)
        result += [tuple(pars[4 * j:4 * j + 4]) for j in range(len(chunk))]
    return result


def fetch_outcome(err, intr, target):
    """How an instruction fetch from `target` ended: True when it was translated and
    permitted (the target PA has no backing memory, so unicorn reports an unmapped fetch),
    False when it raised a prefetch abort, None when neither is clear. err: the UcError
    the run ended with (or None); intr: the recorded (exception, pc) pairs."""
    if err is not None and err.errno == UC_ERR_FETCH_UNMAPPED and not intr:
        return True
    if any(n == EXCP_PREFETCH_ABORT and pc == target for n, pc in intr):
        return False
    return None


# ----------------------------------------------------------------------------
# Command line and the run
# ----------------------------------------------------------------------------
def arg_parser(description, cases, ops, ops_help, probes_help):
    """The options both checks start with, in their --help order."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--pagetable", default=os.path.join(REPO, ".build", "debug", "pagetable"),
                    help="pagetable executable (default: <repo>/.build/debug/pagetable); a .py file runs with this Python")
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: time based, printed)")
    ap.add_argument("--cases", type=int, default=cases, help="random scripts per configuration (default %d)" % cases)
    ap.add_argument("--ops", type=int, default=ops, help=ops_help)
    ap.add_argument("--probes", type=int, default=160, help=probes_help)
    ap.add_argument("--config", action="append", help="run only these configurations (repeatable)")
    ap.add_argument("--list-configs", action="store_true")
    return ap


def select_configs(ap, args, configs):
    """The configurations --config names (all without it); also fills in a time-based seed."""
    if args.config:
        unknown = set(args.config) - {c.name for c in configs}
        if unknown:
            ap.error("unknown configuration(s): %s (see --list-configs)" % ", ".join(sorted(unknown)))
        configs = [c for c in configs if c.name in args.config]
    if args.seed is None:
        args.seed = int(time.time() * 1000) % 1000000007
    return configs


def pagetable_command(tool, path):
    """The command that runs the CLI at `path` (a .py file runs with this Python), or None
    after printing the failed result when there is none."""
    if not os.path.exists(path):
        print("%s: pagetable executable not found at %s (build it first, or pass --pagetable)" % (tool, path))
        print("%s: 0 passed, 1 failed" % tool)
        return None
    return [sys.executable, path] if path.endswith(".py") else [path]


def run_cases(configs, args, res, workdir, run_case):
    """run_case(cfg, i) for every case (a harness or emulator exception is a failure too),
    then remove the empty work directory and print the notes."""
    for cfg in configs:
        for i in range(args.cases):
            try:
                run_case(cfg, i)
            except Exception as e:  # a harness or emulator problem is a failure too
                res.failed += 1
                print("MISMATCH seed=%d config=%s case=%d: harness error: %r" % (args.seed, cfg.name, i, e))
                traceback.print_exc()
    if not args.keep:
        try:
            os.rmdir(workdir)  # only succeeds when every case passed and was removed
        except OSError:
            pass
    for note in res.notes:
        print("note: " + note)


def finish(tool, seed, t0, passed, failed):
    """Print the closing lines (the last: `TOOL: N passed, M failed`); -> the exit status."""
    print("%s: seed %d, %.1fs" % (tool, seed, time.time() - t0))
    print("%s: %d passed, %d failed" % (tool, passed, failed))
    return 0 if failed == 0 else 1


# ----------------------------------------------------------------------------
# Data probes (mmu_check.py and its drivers)
# ----------------------------------------------------------------------------
PATTERN_MAGIC = 0x5A5A_C3C3_0F0F_9696


def pattern(pa):
    """The word a data probe stores at physical address `pa` before it loads through the
    MMU: a load that returns it read exactly that physical word."""
    return (pa ^ PATTERN_MAGIC) & (2 ** 64 - 1)
