import Foundation

/// The `pagetable` command: parses arguments, then runs `formats`, `run`, `check` or `bench`.
///
/// Streams are injected so tests run the command in-process; ``main(catalog:arguments:)`` runs it on
/// the process's own streams. Standard output carries only answers (then statistics, then the
/// dump); every diagnostic goes to standard error.
///
/// Exit statuses: 0 success; 1 the export could not be written, or a loaded image has problems
/// (`check` lists them); 2 usage error, malformed script or unreadable image (in which case
/// nothing is written to standard output and nothing is exported).
public struct PageTableCommand: Sendable {
    /// Exit status of a successful run.
    public static let success: Int32 = 0
    /// Exit status when the image could not be exported.
    public static let exportFailure: Int32 = 1
    /// Exit status when a loaded image has problems (`check` lists them; `run` prints them on
    /// standard error and runs nothing).
    public static let imageProblems: Int32 = 1
    /// Exit status of a usage error or malformed script.
    public static let usageFailure: Int32 = 2

    /// The formats this command offers.
    public var catalog: FormatCatalog

    /// A command offering the formats of `catalog`.
    public init(catalog: FormatCatalog = .builtIn) { self.catalog = catalog }

    /// Runs the command for `arguments` (without the program name) and returns its exit status.
    ///
    /// - Parameters:
    ///   - arguments: the command line without the program name, for example `["formats"]`.
    ///   - standardInput: reads all of standard input (for SCRIPT `-`); `nil` if it cannot.
    ///   - standardOutput: receives answers, statistics, dumps, usage and format listings.
    ///   - standardError: receives diagnostics.
    public func run(arguments: [String], standardInput: () -> [UInt8]?, standardOutput: TextSink,
                    standardError: TextSink) -> Int32 {
        guard let command = arguments.first else {
            standardError.write(Usage.text(catalog: catalog))
            return Self.usageFailure
        }
        let rest = arguments.dropFirst()
        do throws(UsageError) {
            switch command {
            case "--help", "-h", "help":
                standardOutput.write(Usage.text(catalog: catalog))
                return Self.success
            case "formats":
                if rest.contains("--help") || rest.contains("-h") {
                    standardOutput.write(Usage.formatsText)
                } else if let extra = rest.first {
                    throw UsageError("unexpected argument '\(extra)' ('formats' takes none)")
                } else {
                    standardOutput.write(FormatListing.text(catalog: catalog))
                }
                return Self.success
            case "run":
                switch try CommandLineOptions.parse(rest, catalog: catalog) {
                case .help:
                    standardOutput.write(Usage.runText(catalog: catalog))
                    return Self.success
                case .run(let options):
                    return try TableSession.perform(options, catalog: catalog, standardInput: standardInput,
                                                    standardOutput: standardOutput, standardError: standardError)
                }
            case "check":
                switch try CommandLineOptions.parse(rest, catalog: catalog, checking: true) {
                case .help:
                    standardOutput.write(Usage.checkText)
                    return Self.success
                case .run(let options):
                    return try CheckCommand.perform(options, catalog: catalog, standardOutput: standardOutput)
                }
            case "bench":
                switch try BenchCommand.parse(rest) {
                case .help:
                    standardOutput.write(Usage.benchText)
                case .run(let bench):
                    bench.perform(standardOutput: standardOutput)
                }
                return Self.success
            default:
                throw UsageError("unknown command '\(command)' (commands: run, check, formats, bench; see 'pagetable --help')")
            }
        } catch {
            standardError.write("pagetable: \(error.message)\n")
            return Self.usageFailure
        }
    }

    /// The entry point of a `pagetable` executable: runs the command with the formats of
    /// `catalog` on the process's arguments and streams, flushes them, and returns the exit
    /// status for `exit`.
    ///
    /// The shipped `pagetable` is this with the built-in catalogue. To build your own with your
    /// formats added, make an executable target depending on `PageTableCLI` and your format
    /// whose `main.swift` is:
    ///
    /// ```swift
    /// import Foundation
    /// import PageTableCLI
    ///
    /// exit(PageTableCommand.main(catalog: .builtIn.adding(.myFormat)))
    /// ```
    ///
    /// where `.myFormat` is your ``FormatEntry``: `formats`, `run` and all its options
    /// (`--stats`, `--dump`, `--dot`, `--export`, `--non-coherent`, ...) then work on it.
    public static func main(catalog: FormatCatalog = .builtIn,
                            arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Int32 {
        let output = StandardStream.output()
        let error = StandardStream.error()
        let status = PageTableCommand(catalog: catalog).run(
            arguments: arguments,
            standardInput: { try? FileHandle.standardInput.readToEnd().map { [UInt8]($0) } ?? [] },
            standardOutput: output, standardError: error)
        output.flush()
        error.flush()
        return status
    }
}
