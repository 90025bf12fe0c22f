/// `pagetable bench`: times the standard cases in this process and prints one line per case.
///
/// ```
/// pagetable bench [--json] [--case NAME]... [--repetitions N] [--scaling] [--clock monotonic|thread-cpu]
/// ```
///
/// Each case runs one unmeasured warm-up and then `N` (default 7) measured repetitions on a
/// fresh table; `nsPerOp` is the median. `--scaling` runs `map-4k` and `unmap-4k` at every
/// size from 4 KiB to 4 GiB instead of the standard cases. Run it from a release build:
/// `swift run -c release pagetable bench --json`. `--clock thread-cpu` times with the thread's CPU
/// clock (see ``BenchClock``).
struct BenchCommand {
    /// Print JSON lines instead of a table.
    var json = false
    /// Measured repetitions per case.
    var repetitions = 7
    /// Only these cases (by name), if any are given.
    var caseNames: [String] = []
    /// Run the size sweep instead of the standard cases.
    var scaling = false
    /// The clock timed regions are read with.
    var clock = BenchClock.Source.monotonic

    /// The result of parsing `bench`'s arguments.
    enum Parsed {
        /// `--help` or `-h`: print usage and succeed.
        case help
        /// A benchmark run.
        case run(BenchCommand)
    }

    /// Parses the arguments after `bench`.
    static func parse(_ arguments: some Collection<String>) throws(UsageError) -> Parsed {
        var command = BenchCommand()
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--help", "-h":
                return .help
            case "--json":
                command.json = true
            case "--scaling":
                command.scaling = true
            case "--clock":
                guard let value = remaining.popFirst(), let source = BenchClock.Source(rawValue: value) else {
                    throw UsageError("option '--clock' needs a value: monotonic or thread-cpu")
                }
                command.clock = source
            case "--repetitions", "--case":
                guard let value = remaining.popFirst(), !value.hasPrefix("--") else {
                    throw UsageError("option '\(QuotedToken.text(argument))' needs a value")
                }
                if argument == "--case" {
                    command.caseNames.append(value)
                } else {
                    guard let count = Int(value), (1...1000).contains(count) else {
                        throw UsageError("bad value '\(QuotedToken.text(value))' for --repetitions (expected 1...1000)")
                    }
                    command.repetitions = count
                }
            default:
                throw UsageError(argument.hasPrefix("-") ? "unknown option '\(QuotedToken.text(argument))' for 'bench'"
                                                         : "unexpected argument '\(QuotedToken.text(argument))' for 'bench'")
            }
        }
        let known = Set(BenchCatalog.standard.map(\.name))
        for name in command.caseNames where !known.contains(name) {
            throw UsageError("unknown case '\(QuotedToken.text(name))' for --case (cases: "
                             + BenchCatalog.standard.map(\.name).joined(separator: ", ") + ")")
        }
        return .run(command)
    }

    /// The cases this run measures, in report order.
    var cases: [any BenchCase] {
        let all = scaling ? BenchCatalog.scaling : BenchCatalog.standard
        return caseNames.isEmpty ? all : all.filter { caseNames.contains($0.name) }
    }

    /// Runs the cases at `scale`, writing each JSON line as soon as its case is done (or the
    /// table at the end), and returns the results.
    @discardableResult
    func perform(scale: BenchScale = .standard, standardOutput: TextSink) -> [BenchResult] {
        var results: [BenchResult] = []
        BenchClock.source = clock
        for benchCase in cases {
            let result = BenchRunner.run(benchCase, scale: scale, repetitions: repetitions)
            results.append(result)
            if json { standardOutput.write(BenchReport.jsonLine(result) + "\n") }
        }
        if !json { standardOutput.write(BenchReport.table(results)) }
        return results
    }
}
