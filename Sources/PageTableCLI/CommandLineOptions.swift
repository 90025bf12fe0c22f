/// What `pagetable run` was asked to do, after parsing and validating its arguments.
struct CommandLineOptions {
    /// Default physical base of the simulated memory.
    static let defaultMemoryBase: UInt64 = 0x8000_0000
    /// Default size of the simulated memory.
    static let defaultMemorySize = 64 << 20
    /// The alignment `--memory-base` needs.
    static let memoryBaseAlignment: UInt64 = 4096

    /// The format to build (`--format`); `nil` with `--image`, whose manifest names it.
    var format: FormatEntry?
    /// The table to load instead of building an empty one (`--image`, `--memory`), if any.
    var image: ImageSource?
    /// The format's option values, defaults filled in.
    var formatSettings: FormatSettings
    /// Physical base of the simulated memory (`--memory-base`).
    var memoryBase = defaultMemoryBase
    /// Size of the simulated memory in bytes (`--memory-size`); with an image, the size of the
    /// free memory after it.
    var memorySize = defaultMemorySize
    /// Whether to print statistics after the answers (`--stats`).
    var printsStatistics = false
    /// Whether to print the table tree after that (`--dump`).
    var dumpsTable = false
    /// Whether the tree has one line per leaf (`--dump=full`) rather than one per run of leaves.
    var dumpsEveryLeaf = false
    /// Whether `memory.bin` holds only the range holding the tables (`--export-compact`).
    var exportsCompact = false
    /// Whether every failed answer's reason goes to standard error (`--explain`, `-v`).
    var explainsFailures = false
    /// Where to write the image, if anywhere (`--export`).
    var exportDirectory: String?
    /// Where to write the Graphviz digraph of the table tree, if anywhere (`--dot`).
    var dotFile: String?
    /// The script (the one positional argument); `nil` for `check`.
    var script: ScriptSource?
}

/// A table found in memory, loaded instead of an empty table being built.
enum ImageSource: Equatable {
    /// `--image DIR`: `DIR/memory.bin` and `DIR/manifest.json` as `--export` writes them.
    case exported(directory: String)
    /// `--memory FILE`: a raw dump of physical memory from `--memory-base`, the root given by
    /// `--root` or read from `--register` values.
    case raw(file: String, root: RootSource)
}

/// Where a raw dump's root comes from.
enum RootSource: Equatable {
    /// `--root ADDR`.
    case address(UInt64)
    /// `--register NAME=VALUE`, in the order given: the format reads the root from one.
    case registers([NamedValue])
}

/// A register given as `NAME=VALUE`.
struct NamedValue: Equatable {
    /// The name as given, for example `TTBR0`.
    var name: String
    /// The value.
    var value: UInt64
}
