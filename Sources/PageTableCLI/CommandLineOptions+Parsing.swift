extension CommandLineOptions {
    /// The result of parsing `run`'s arguments.
    enum Parsed {
        /// `--help` or `-h` was given: print usage and succeed.
        case help
        /// A run to perform.
        case run(CommandLineOptions)
    }

    /// Options that take no value.
    private static let flags: Set<String> = ["stats", "dump", "dump=full", "non-coherent", "export-compact", "explain",
                                                    "dynamic-top"]
    /// Options common to every format that take a value.
    private static let valued: Set<String> = ["format", "memory-base", "memory-size", "export", "dot"]

    /// Parses the arguments after `run`: options in any order (`--name VALUE`, `--stats`,
    /// `--dump`, `--dump=full`, `-v`, a format's flags such as `--svnapot` or `--no-contiguous`), and exactly one SCRIPT (`-` for standard input; after `--`, any argument
    /// is SCRIPT).
    static func parse(_ arguments: some Collection<String>, catalog: FormatCatalog) throws(UsageError) -> Parsed {
        var values: [String: String] = [:]
        var flags: Set<String> = []
        var positionals: [String] = []
        var optionsEnded = false
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") {
                positionals.append(argument)
                continue
            }
            if argument == "--" { optionsEnded = true; continue }
            if argument == "--help" || argument == "-h" { return .help }
            if argument == "-v" { flags.insert("explain"); continue }
            let name = String(argument.dropFirst(2))
            guard argument.hasPrefix("--") else { throw UsageError("unknown option '\(QuotedToken.text(argument))'") }
            if Self.flags.contains(name) {
                flags.insert(name)
            } else if catalog.isFormatFlag(name) {
                guard values.updateValue("on", forKey: name) == nil else {
                    throw UsageError("option '\(argument)' is given more than once")
                }
            } else if Self.valued.contains(name) || catalog.isFormatOption(name) {
                guard let value = remaining.popFirst(), !value.hasPrefix("--") else {
                    throw UsageError("option '\(QuotedToken.text(argument))' needs a value")
                }
                guard values.updateValue(value, forKey: name) == nil else {
                    throw UsageError("option '\(argument)' is given more than once")
                }
            } else {
                throw UsageError("unknown option '\(QuotedToken.text(argument))'")
            }
        }
        guard let formatName = values.removeValue(forKey: "format") else {
            throw UsageError("missing required option '--format' (formats: \(catalog.names))")
        }
        guard let format = catalog.entry(named: formatName) else {
            throw UsageError("unknown format '\(QuotedToken.text(formatName))' for --format (formats: \(catalog.names))")
        }
        guard positionals.count <= 1 else {
            throw UsageError("unexpected argument '\(QuotedToken.text(positionals[1]))' (only one SCRIPT is run)")
        }
        guard let script = positionals.first else {
            throw UsageError("missing SCRIPT (a file, or - for standard input)")
        }
        var options = CommandLineOptions(format: format, formatSettings: FormatSettings(options: [], given: [:]),
                                         script: ScriptSource(argument: script))
        if let base = values.removeValue(forKey: "memory-base") { options.memoryBase = try memoryBase(base) }
        if let size = values.removeValue(forKey: "memory-size") { options.memorySize = try memorySize(size) }
        options.exportDirectory = values.removeValue(forKey: "export")
        options.dotFile = values.removeValue(forKey: "dot")
        options.printsStatistics = flags.contains("stats")
        options.dumpsTable = flags.contains("dump") || flags.contains("dump=full")
        options.dumpsEveryLeaf = flags.contains("dump=full")
        options.explainsFailures = flags.contains("explain")
        options.exportsCompact = flags.contains("export-compact")
        guard !options.exportsCompact || options.exportDirectory != nil else {
            throw UsageError("option '--export-compact' needs '--export DIR'")
        }
        for name in values.keys.sorted() where format.option(named: name) == nil {
            throw UsageError("option '--\(name)' does not apply to format '\(format.name)'")
        }
        options.formatSettings = FormatSettings(options: format.options, given: values)
        options.formatSettings.nonCoherent = flags.contains("non-coherent")
        options.formatSettings.dynamicTop = flags.contains("dynamic-top")
        return .run(options)
    }

    private static func memoryBase(_ text: String) throws(UsageError) -> UInt64 {
        guard let base = try? NumberParser.parse(text) else {
            throw UsageError("bad value '\(QuotedToken.text(text))' for --memory-base (expected an address)")
        }
        guard base % memoryBaseAlignment == 0 else {
            throw UsageError("--memory-base \(base.hexadecimal) is not 4K-aligned")
        }
        return base
    }

    private static func memorySize(_ text: String) throws(UsageError) -> Int {
        guard let size = try? NumberParser.parse(text), let bytes = Int(exactly: size), bytes > 0 else {
            throw UsageError("bad value '\(QuotedToken.text(text))' for --memory-size (expected a positive byte count)")
        }
        return bytes
    }
}

extension FormatCatalog {
    /// Whether some format takes `name` (without dashes) as a bare flag.
    func isFormatFlag(_ name: String) -> Bool {
        entries.contains { $0.option(named: name)?.takesValue == false }
    }
}
