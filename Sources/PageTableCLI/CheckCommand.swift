import PageTableKit

/// `pagetable check`: loads an image (`--image DIR`, or `--format F ... --memory FILE
/// --memory-base ADDR` with `--root` or `--register`) and reports what adoption finds.
///
/// Standard output is either one line per problem, `0x<address>: <kind>: <message>` (the
/// address of the descriptor at fault, or of the table for a problem of a whole table; the
/// kind one of `ImageProblem.Kind`'s names), and the exit status 1; or one summary line,
/// `ok: <n> tables, <n> leaves, <n> bytes mapped`, and the exit status 0.
enum CheckCommand {
    /// Checks the image `options` names; returns the exit status, or throws a usage problem
    /// (unreadable image, bad root) before any output.
    static func perform(_ options: CommandLineOptions, catalog: FormatCatalog, standardOutput: TextSink) throws(UsageError) -> Int32 {
        guard let image = options.image else { preconditionFailure("'check' always has an image") }
        switch try ImageLoader.load(image, options: options, catalog: catalog, cacheMaintenance: nil) {
        case .problems(let problems):
            for problem in problems { standardOutput.write("\(problem)\n") }
            return PageTableCommand.imageProblems
        case .loaded(let loaded):
            let table = loaded.built.table
            let statistics = table.statistics
            let leaves = statistics.leavesPerLevel.reduce(0, +)
            standardOutput.write("ok: \(table.tableCount) tables, \(leaves) leaves, \(statistics.mappedBytes) bytes mapped\n")
            return PageTableCommand.success
        }
    }
}
