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
    private static let valued: Set<String> = ["format", "memory-base", "memory-size", "export", "dot", "image", "memory",
                                              "root"]
    /// Options `check` does not take (it runs no script and writes nothing).
    private static let runOnly: Set<String> = ["stats", "dump", "dump=full", "export-compact", "explain", "export", "dot"]

    /// Parses the arguments after `run`: options in any order (`--name VALUE`, `--stats`,
    /// `--dump`, `--dump=full`, `-v`, a format's flags such as `--svnapot` or `--no-contiguous`), and exactly one SCRIPT (`-` for standard input; after `--`, any argument
    /// is SCRIPT).
    ///
    /// For `check` (`checking`), there is no SCRIPT and the table must be loaded (`--image`,
    /// or `--memory` with `--root` or `--register`).
    static func parse(_ arguments: some Collection<String>, catalog: FormatCatalog,
                      checking: Bool = false) throws(UsageError) -> Parsed {
        var values: [String: String] = [:]
        var flags: Set<String> = []
        var registers: [NamedValue] = []
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
            if argument == "-v" {
                if checking { throw UsageError("option '-v' does not apply to 'check'") }
                flags.insert("explain")
                continue
            }
            let name = String(argument.dropFirst(2))
            guard argument.hasPrefix("--") else { throw UsageError("unknown option '\(QuotedToken.text(argument))'") }
            if checking && runOnly.contains(name) { throw UsageError("option '\(argument)' does not apply to 'check'") }
            if name == "register" {
                guard let value = remaining.popFirst(), !value.hasPrefix("--") else {
                    throw UsageError("option '--register' needs a value (NAME=VALUE)")
                }
                registers.append(try register(value))
            } else if Self.flags.contains(name) {
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
        let image = try imageSource(&values, registers: registers)
        if checking, image == nil {
            throw UsageError("'check' needs a table to check: --image DIR, or --memory FILE with --root or --register")
        }
        let format: FormatEntry?
        if case .exported = image {
            guard values["format"] == nil else {
                throw UsageError("option '--image' takes the format from the manifest: drop '--format'")
            }
            for name in values.keys.sorted() where !["memory-size", "export", "dot"].contains(name) {
                throw UsageError("option '--\(name)' does not apply with '--image' (the manifest gives the format, its "
                    + "options and the memory)")
            }
            guard !flags.contains("non-coherent") else {
                throw UsageError("option '--non-coherent' does not apply with '--image' (the manifest says it)")
            }
            format = nil
        } else {
            guard let formatName = values.removeValue(forKey: "format") else {
                throw UsageError("missing required option '--format' (formats: \(catalog.names))")
            }
            guard let entry = catalog.entry(named: formatName) else {
                throw UsageError("unknown format '\(QuotedToken.text(formatName))' for --format (formats: \(catalog.names))")
            }
            format = entry
        }
        let script: ScriptSource?
        if checking {
            if let extra = positionals.first {
                throw UsageError("unexpected argument '\(QuotedToken.text(extra))' ('check' runs no SCRIPT)")
            }
            script = nil
        } else {
            guard positionals.count <= 1 else {
                throw UsageError("unexpected argument '\(QuotedToken.text(positionals[1]))' (only one SCRIPT is run)")
            }
            guard let argument = positionals.first else {
                throw UsageError("missing SCRIPT (a file, or - for standard input)")
            }
            script = ScriptSource(argument: argument)
        }
        var options = CommandLineOptions(format: format, formatSettings: FormatSettings(options: [], given: [:]),
                                         script: script)
        options.image = image
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
        guard let format else { return .run(options) }
        for name in values.keys.sorted() where format.option(named: name) == nil {
            throw UsageError("option '--\(name)' does not apply to format '\(format.name)'")
        }
        options.formatSettings = FormatSettings(options: format.options, given: values)
        options.formatSettings.nonCoherent = flags.contains("non-coherent")
        options.formatSettings.dynamicTop = flags.contains("dynamic-top")
        return .run(options)
    }

    /// The image `--image` or `--memory` names, taking those options and `--root` out of
    /// `values`; `nil` if neither is given. Checks the combinations.
    private static func imageSource(_ values: inout [String: String],
                                    registers: [NamedValue]) throws(UsageError) -> ImageSource? {
        let directory = values.removeValue(forKey: "image")
        let file = values.removeValue(forKey: "memory")
        let root = values.removeValue(forKey: "root")
        if let directory {
            for (given, name) in [(file != nil, "--memory"), (root != nil, "--root"), (!registers.isEmpty, "--register"),
                                  (values["memory-base"] != nil, "--memory-base")] where given {
                throw UsageError("option '\(name)' does not apply with '--image' (the manifest gives the memory and the root)")
            }
            return .exported(directory: directory)
        }
        guard let file else {
            for (given, name) in [(root != nil, "--root"), (!registers.isEmpty, "--register")] where given {
                throw UsageError("option '\(name)' needs '--memory FILE' (the memory the root is in)")
            }
            return nil
        }
        guard values["memory-base"] != nil else {
            throw UsageError("option '--memory FILE' needs '--memory-base ADDR' (the physical address of its first byte)")
        }
        switch (root, registers.isEmpty) {
        case (nil, true):
            throw UsageError("option '--memory FILE' needs '--root ADDR' or '--register NAME=VALUE' (where the top table is)")
        case (.some, false):
            throw UsageError("give the root either with '--root' or with '--register', not both")
        case (let root?, true):
            guard let address = try? NumberParser.parse(root) else {
                throw UsageError("bad value '\(QuotedToken.text(root))' for --root (expected an address)")
            }
            return .raw(file: file, root: .address(address))
        case (nil, false):
            return .raw(file: file, root: .registers(registers))
        }
    }

    /// `NAME=VALUE` of `--register`.
    private static func register(_ text: String) throws(UsageError) -> NamedValue {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, let value = try? NumberParser.parse(parts[1]) else {
            throw UsageError("bad value '\(QuotedToken.text(text))' for --register (expected NAME=VALUE, for example TTBR0=0x80000000)")
        }
        return NamedValue(name: String(parts[0]), value: value)
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
