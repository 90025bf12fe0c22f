/// What `pagetable run` was asked to do, after parsing and validating its arguments.
struct CommandLineOptions {
    /// Default physical base of the simulated memory.
    static let defaultMemoryBase: UInt64 = 0x8000_0000
    /// Default size of the simulated memory.
    static let defaultMemorySize = 64 << 20
    /// The alignment `--memory-base` needs.
    static let memoryBaseAlignment: UInt64 = 4096

    /// The format to build (`--format`).
    var format: FormatEntry
    /// The format's option values, defaults filled in.
    var formatSettings: FormatSettings
    /// Physical base of the simulated memory (`--memory-base`).
    var memoryBase = defaultMemoryBase
    /// Size of the simulated memory in bytes (`--memory-size`).
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
    /// The script (the one positional argument).
    var script: ScriptSource
}
