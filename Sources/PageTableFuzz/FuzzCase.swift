@testable import PageTableCLI
import PageTableKit
import PageTableTestSupport

/// One fuzz input run through the command's own parser and runner, every answer checked.
///
/// Input layout: the first byte picks the format of the built-in catalogue; the rest of the
/// first line is option arguments (split at spaces, after `--format NAME`); everything after
/// that line is the script. `fail-alloc` in the script injects allocation faults.
///
/// Checked: usage errors and script diagnostics are short, escaped single lines; every answer
/// has its documented shape; validation errors change nothing; with no reservation active,
/// map, map-all, unmap, repeat and translate answer exactly what ``ReferenceModel`` predicts
/// from the table's leaves before the operation, and leave exactly the leaves it predicts
/// (out-of-memory: a prefix of the prediction); inside reservations (where maps may use
/// smaller leaves) the answers are prefixes and the mapped bytes translate as asked; and the
/// structural invariants hold after every operation. A failed check stops the process.
struct FuzzCase {
    /// Simulated memory is capped so runs stay fast whatever the options ask for.
    static let memoryLimit = 2 << 20
    /// Beyond this many leaves, the leaf-by-leaf comparison stops for the rest of the input.
    static let leafLimit = 1 << 14

    let bytes: [UInt8]

    func run() {
        let catalog = FormatCatalog.builtIn
        guard let first = bytes.first else { return }
        let entry = catalog.entries[Int(first) % catalog.entries.count]
        let rest = bytes.dropFirst()
        let optionLine = rest.prefix { $0 != UInt8(ascii: "\n") }
        let script = Array(rest.dropFirst(optionLine.count + 1))
        let arguments = ["--format", entry.name]
            + optionLine.split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) } + ["-"]
        var options: CommandLineOptions
        do throws(UsageError) {
            guard case .run(let parsed) = try CommandLineOptions.parse(arguments, catalog: catalog) else { return }
            options = parsed
        } catch {
            checkDiagnostic(error.message)
            return
        }
        let operations: [ScriptOperation]
        do throws(ScriptErrors) {
            operations = try ScriptParser.parse(bytes: script)
        } catch {
            for diagnostic in error.errors { checkDiagnostic(diagnostic.description) }
            return
        }
        guard let format = options.format, options.image == nil else { return }  // Loading reads files: not fuzzed here.
        options.memorySize = min(options.memorySize, Self.memoryLimit)
        guard let memory = PhysicalArena(base: options.memoryBase, size: options.memorySize) else { return }
        let built: BuiltTable
        do throws(UsageError) {
            built = try format.build(options.formatSettings, memory, BuddyAllocator(arena: memory))
        } catch {
            checkDiagnostic(error.message)
            return
        }
        var checker = AnswerChecker(table: built.table, format: entry.name)
        let runner = ScriptRunner(table: built.table, allocationFaults: built.allocationFaults)
        for (step, operation) in operations.enumerated() {
            checker.check(operation, step: step) { runner.answer(to: operation) }
        }
        // The reports `--stats` and `--dump` print (files are never written here).
        if options.printsStatistics { checkLines(StatisticsReport(built.table).lines) }
        if options.dumpsTable { checkLines(TableDumper(table: built.table).lines) }
    }

    private func checkLines(_ lines: [String]) {
        require(lines.allSatisfy { !$0.contains("\n") }, "a report line holds a newline")
    }

    /// A diagnostic is one line of printable ASCII (or escapes), of bounded length.
    private func checkDiagnostic(_ message: String) {
        require(!message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F },
                "a diagnostic holds a control character: \(message.debugDescription)")
        require(message.utf8.count < 600, "a diagnostic of \(message.utf8.count) bytes: \(message.prefix(200))")
    }
}

/// Stops the process (libFuzzer saves the input) when a check fails.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("fuzz check failed: \(message())") }
}
