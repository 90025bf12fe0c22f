#!/usr/bin/env python3
"""Side-by-side comparison of `pagetable bench` (Swift, release) with the C baseline (-O2).

Builds both, then runs them alternately ROUNDS times on this machine (Swift, C, Swift, C, ...
so that background load hits both alike), takes the median of each case's nsPerOp over the
rounds (each round's figure is itself a median over 7 repetitions) and prints a table with
the ratio Swift / C per case: the ratio of the medians, and the median of each round's ratio
("paired": a round's two runs are neighbours in time, so load that drifts disturbs it less).

    Tests/Benchmarks/compare.py                  # standard cases, 5 rounds
    Tests/Benchmarks/compare.py --rounds 9 --markdown
    Tests/Benchmarks/compare.py --scaling --plot docs/images/map-scaling.png
    Tests/Benchmarks/compare.py --c-args=--cold  # pass extra options to the C program
    Tests/Benchmarks/compare.py --wait-idle 60   # on a shared machine: measure when the CPUs are idle
    Tests/Benchmarks/compare.py --clock thread-cpu  # both programs time with the thread's CPU clock
    Tests/Benchmarks/compare.py --case map-one-4k --case translate  # only these cases

Only the Python standard library is needed; --plot needs matplotlib.
"""

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRATCH = os.path.join(ROOT, ".build-bench")
C_DIR = os.path.join(ROOT, "Tests", "Benchmarks", "baseline-c")
SWIFT_BINARY = os.path.join(SCRATCH, "release", "pagetable")
C_BINARY = os.path.join(C_DIR, ".build-c", "lpae-bench")


def build():
    subprocess.run(["swift", "build", "-c", "release", "--scratch-path", SCRATCH, "--product", "pagetable"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["make", "-s", "-C", C_DIR], check=True, stdout=subprocess.DEVNULL)


def machine_description():
    """The machine the figures come from, read from it at run time: CPU, cores, caches, memory,
    kernel and compilers (Linux; fields it cannot read are left out)."""
    lines = []
    def read(path):
        try:
            with open(path) as f:
                return f.read()
        except OSError:
            return ""
    cpuinfo = read("/proc/cpuinfo")
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "")
    if model:
        lines.append(("CPU", f"{model}, {os.cpu_count()} logical CPUs"
                      + (", under a hypervisor" if " hypervisor" in cpuinfo else "")))
    caches = []
    for index in range(8):
        base = f"/sys/devices/system/cpu/cpu0/cache/index{index}/"
        level, kind, size = read(base + "level").strip(), read(base + "type").strip(), read(base + "size").strip()
        if level:
            caches.append(f"L{level}{'d' if kind == 'Data' else 'i' if kind == 'Instruction' else ''} {size}")
    if caches:
        lines.append(("caches (per CPU 0)", ", ".join(caches)))
    memory = next((line.split()[1] for line in read("/proc/meminfo").splitlines() if line.startswith("MemTotal")), "")
    if memory:
        lines.append(("memory", f"{int(memory) // (1 << 20)} GiB"))
    lines.append(("kernel", os.uname().sysname + " " + os.uname().release))
    for name, command in (("Swift", ["swift", "--version"]), ("C compiler", ["cc", "--version"])):
        try:
            result = subprocess.run(command, capture_output=True, text=True)
            output = result.stdout + result.stderr
            first = next((line for line in output.splitlines() if line.strip()), "")
            if first:
                lines.append((name, first.strip()))
        except OSError:
            pass
    return lines


def busy_fraction(interval=0.5):
    """Share of all CPUs' time spent busy over `interval` seconds (from /proc/stat)."""
    def sample():
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait
    total0, idle0 = sample()
    time.sleep(interval)
    total1, idle1 = sample()
    return 1 - (idle1 - idle0) / max(total1 - total0, 1)


def wait_for_idle(limit):
    """Waits (up to `limit` seconds) until other processes leave the CPUs mostly idle, so that a
    round is not measured while, say, a compiler runs on the other core."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if busy_fraction() < 0.15:
            return True
        time.sleep(1)
    return False


def run(command):
    """Runs one benchmark program; returns its JSON lines keyed by (case, bytes)."""
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    results = {}
    for line in output.splitlines():
        if line.strip():
            record = json.loads(line)
            results[(record["case"], record["bytes"])] = record
    return results


def size_name(size):
    for shift, suffix in ((40, "T"), (30, "G"), (20, "M"), (10, "K")):
        if size >= 1 << shift and size % (1 << shift) == 0:
            return f"{size >> shift}{suffix}"
    return str(size)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="alternating runs of each program (default 5)")
    parser.add_argument("--scaling", action="store_true", help="map-4k/unmap-4k from 4 KiB to 4 GiB")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--plot", metavar="PNG", help="with --scaling: plot ns/page against size")
    parser.add_argument("--no-build", action="store_true", help="use the binaries as they are")
    parser.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                        help="before each run, wait up to SECONDS for the CPUs to be idle (shared machines)")
    parser.add_argument("--clock", choices=["monotonic", "thread-cpu"], default="monotonic",
                        help="the clock both programs time with (thread-cpu: the thread's CPU time)")
    parser.add_argument("--case", action="append", default=[], metavar="NAME", help="only this case (repeatable)")
    parser.add_argument("--repetitions", type=int, default=7, help="repetitions per case in each run (default 7)")
    parser.add_argument("--machine", action="store_true", help="first print the machine (read from it)")
    parser.add_argument("--swift-args", default="", help="extra arguments for pagetable bench")
    parser.add_argument("--c-args", default="", help="extra arguments for the C program")
    options = parser.parse_args()

    if options.machine:
        for name, value in machine_description():
            print(f"| {name} | {value} |" if options.markdown else f"{name}: {value}")
        print()
    if not options.no_build:
        build()
    mode = ["--scaling"] if options.scaling else []
    mode += ["--clock", options.clock, "--repetitions", str(options.repetitions)]
    for name in options.case:
        mode += ["--case", name]
    swift_command = [SWIFT_BINARY, "bench", "--json"] + mode + shlex.split(options.swift_args)
    c_command = [C_BINARY, "--json"] + mode + shlex.split(options.c_args)

    swift_rounds, c_rounds = [], []
    for round_number in range(options.rounds):
        print(f"round {round_number + 1}/{options.rounds}", file=sys.stderr)
        if options.wait_idle and not wait_for_idle(options.wait_idle):
            print("  (machine still busy; measuring anyway)", file=sys.stderr)
        swift_rounds.append(run(swift_command))
        if options.wait_idle and not wait_for_idle(options.wait_idle):
            print("  (machine still busy; measuring anyway)", file=sys.stderr)
        c_rounds.append(run(c_command))

    rows = []
    for key in swift_rounds[0]:
        swift_values = [r[key]["nsPerOp"] for r in swift_rounds]
        swift_record = swift_rounds[0][key]
        if key not in c_rounds[0]:
            # Cases the C baseline does not implement (other formats): Swift figures only.
            rows.append({
                "case": key[0], "size": size_name(key[1]), "bytes": key[1], "ops": swift_record["ops"],
                "swift": statistics.median(swift_values), "c": None, "ratio": None, "paired": None,
                "swift_spread": (min(swift_values), max(swift_values)), "c_spread": None,
                "tables": swift_record["tables"],
            })
            continue
        c_values = [r[key]["nsPerOp"] for r in c_rounds]
        c_record = c_rounds[0][key]
        if swift_record.get("checksum") != c_record.get("checksum"):
            print(f"warning: {key[0]}: the two programs computed different answers", file=sys.stderr)
        if swift_record["tables"] != c_record["tables"]:
            print(f"warning: {key[0]}: {swift_record['tables']} tables in Swift, {c_record['tables']} in C",
                  file=sys.stderr)
        swift_median, c_median = statistics.median(swift_values), statistics.median(c_values)
        # Each round's Swift run and C run are neighbours in time: the median of their ratios
        # is less disturbed by load that drifts over the rounds than the ratio of medians.
        paired = statistics.median(s / c for s, c in zip(swift_values, c_values) if c > 0)
        rows.append({
            "case": key[0], "size": size_name(key[1]), "bytes": key[1], "ops": swift_record["ops"],
            "swift": swift_median, "c": c_median, "ratio": swift_median / c_median, "paired": paired,
            "swift_spread": (min(swift_values), max(swift_values)), "c_spread": (min(c_values), max(c_values)),
            "tables": swift_record["tables"],
        })

    header = ["case", "size", "ops", "Swift ns/op", "C ns/op", "Swift/C", "paired", "Swift range", "C range",
              "tables"]
    cells = [[row["case"], row["size"], str(row["ops"]), f"{row['swift']:.3f}",
              f"{row['c']:.3f}" if row["c"] is not None else "-",
              f"{row['ratio']:.2f}x" if row["ratio"] is not None else "-",
              f"{row['paired']:.2f}x" if row["paired"] is not None else "-",
              "%.3f-%.3f" % row["swift_spread"], "%.3f-%.3f" % row["c_spread"] if row["c_spread"] else "-",
              str(row["tables"])] for row in rows]
    if options.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join(" --- " if i < 2 else " ---: " for i in range(len(header))) + "|")
        for line in cells:
            print("| " + " | ".join(line) + " |")
    else:
        widths = [max(len(h), *(len(line[i]) for line in cells)) for i, h in enumerate(header)]
        for line in [header] + cells:
            print("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths))))
    print(f"(median over {options.rounds} alternating rounds; each round's figure is the median of its "
          f"repetitions; Swift/C is the ratio of the medians, paired the median of each round's ratio; "
          f"ranges are the rounds' lowest and highest)", file=sys.stderr)

    if options.plot:
        plot(rows, options.plot)


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 4.5))
    for case, marker in (("map-4k", "o"), ("unmap-4k", "s")):
        points = [row for row in rows if row["case"] == case]
        if not points:
            continue
        sizes = [row["bytes"] for row in points]
        axes.plot(sizes, [row["swift"] for row in points], marker=marker, label=f"{case} Swift")
        if all(row["c"] is not None for row in points):
            axes.plot(sizes, [row["c"] for row in points], marker=marker, linestyle="--", label=f"{case} C -O2")
    axes.set_xscale("log", base=2)
    axes.set_yscale("log")
    ticks = [row["bytes"] for row in rows if row["case"] == "map-4k"]
    axes.set_xticks(ticks, [size_name(t) for t in ticks])
    axes.set_xlabel("mapping size (one call; 4 KiB pages)")
    axes.set_ylabel("ns per 4 KiB page (median)")
    axes.set_title("ARM LPAE 4K, ias 39: cost per page against mapping size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    figure.savefig(path, dpi=110)
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
