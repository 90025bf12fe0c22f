import PageTableKit

/// One `pagetable run`: read and parse the script, build the table (or load it: see
/// ``ImageLoader``), run the script, then
/// report (`--stats`, `--dump`), export (`--export`) and draw (`--dot`), in that order.
///
/// The whole script is parsed before the table exists, so a malformed script runs nothing,
/// prints nothing on standard output and exports nothing.
enum TableSession {
    /// Performs `options`; returns the exit status, or throws a usage problem (before any
    /// output on standard output).
    static func perform(_ options: CommandLineOptions, catalog: FormatCatalog, standardInput: () -> [UInt8]?,
                        standardOutput: TextSink, standardError: TextSink) throws(UsageError) -> Int32 {
        guard let source = options.script else { preconditionFailure("'run' always has a SCRIPT") }
        let script = try source.read(standardInput: standardInput)
        let operations: [(line: Int, operation: ScriptOperation)]
        let scriptName = source.diagnosticName
        do throws(ScriptErrors) {
            operations = try ScriptParser.parseNumbered(bytes: script)
        } catch {
            for var diagnostic in error.errors {
                diagnostic.script = scriptName
                standardError.write("\(diagnostic)\n")
            }
            return PageTableCommand.usageFailure
        }
        // Non-coherent memory: the walker reports every range it cleans (counted as `cache-cleans`).
        let cleanNothing: @Sendable (UInt64, Int) -> Void = { _, _ in }
        let loaded: ImageLoader.Loaded
        if let image = options.image {
            switch try ImageLoader.load(image, options: options, catalog: catalog, cacheMaintenance: cleanNothing) {
            case .loaded(let table):
                loaded = table
            case .problems(let problems):
                for problem in problems { standardError.write("pagetable: \(problem)\n") }
                return PageTableCommand.imageProblems
            }
        } else {
            guard let format = options.format else { preconditionFailure("a run without an image has --format") }
            let cacheMaintenance = options.formatSettings.nonCoherent ? cleanNothing : nil
            guard let memory = PhysicalArena(base: options.memoryBase, size: options.memorySize,
                                             cacheMaintenance: cacheMaintenance) else {
                throw UsageError("cannot provide \(options.memorySize) bytes of memory at --memory-base "
                    + "\(options.memoryBase.hexadecimal) (the range wraps or host memory is short)")
            }
            let built = try format.build(options.formatSettings, memory, BuddyAllocator(arena: memory))
            loaded = ImageLoader.Loaded(built: built, memory: memory, format: format, settings: options.formatSettings)
        }
        let built = loaded.built

        let runner = ScriptRunner(table: built.table, allocationFaults: built.allocationFaults)
        runner.run(operations, output: standardOutput) { line, error in
            // Reasons go to standard error only, so standard output stays the exact answers.
            if options.explainsFailures { standardError.write("\(scriptName):\(line): \(error)\n") }
        }
        if options.printsStatistics {
            for line in StatisticsReport(built.table, dynamicTop: options.formatSettings.dynamicTop).lines { standardOutput.write(line + "\n") }
        }
        if options.dumpsTable {
            for line in TableDumper(table: built.table, everyLeaf: options.dumpsEveryLeaf).lines { standardOutput.write(line + "\n") }
        }
        if let directory = options.exportDirectory {
            do throws(ExportError) {
                try ImageExporter(directory: directory, compact: options.exportsCompact)
                    .export(built, format: loaded.format, settings: loaded.settings, memory: loaded.memory)
            } catch {
                standardError.write("pagetable: \(error.message)\n")
                return PageTableCommand.exportFailure
            }
        }
        if let file = options.dotFile {
            do throws(ExportError) {
                try DotWriter(table: built.table).write(to: file)
            } catch {
                standardError.write("pagetable: \(error.message)\n")
                return PageTableCommand.exportFailure
            }
        }
        return PageTableCommand.success
    }
}
