import PageTableKit

/// The `--stats` lines, `NAME VALUE` each:
///
/// ```
/// tables 4             live tables (AnyPageTable.tableCount)
/// table-bytes 16384    their bytes (AnyPageTable.tableBytes)
/// mapped-bytes 8192    input-address bytes covered by leaves
/// syncs 2              invalidation syncs issued (operations that had to tell the hardware)
/// cache-cleans 0       cache-maintenance calls (0 unless --non-coherent)
/// shared-tables 0      tables referenced by more than one table entry (repeat mappings)
/// tables-L0 1          tables per level, top level first, named by the format
/// leaves-L3 2          leaves per level (a contiguous group counts once)
/// ```
///
/// Per-level lines whose count is zero are left out (the first six lines always appear).
/// With `--dynamic-top` two lines end the report: `levels <n>` and `input-bits <n>`, the size
/// the top has grown to.
///
/// Leaves are counted as a naive, fully expanded table would hold them: a shared table's
/// leaves count once per entry that reaches it (the walk costs O(tables), not O(leaves)).
struct StatisticsReport {
    /// The lines, in order, without newlines.
    let lines: [String]

    /// Gathers the statistics of `table`.
    init(_ table: AnyPageTable, dynamicTop: Bool = false) {
        let statistics = table.statistics
        let levels = (0..<table.geometry.levelCount).reversed()
        var lines = [
            "tables \(table.tableCount)",
            "table-bytes \(table.tableBytes)",
            "mapped-bytes \(statistics.mappedBytes)",
            "syncs \(table.syncCount)",
            "cache-cleans \(table.cacheCleanCount)",
            "shared-tables \(statistics.sharedTables)",
        ]
        lines += levels.filter { statistics.tablesPerLevel[$0] != 0 }
            .map { "tables-\(table.levelName($0)) \(statistics.tablesPerLevel[$0])" }
        lines += levels.filter { table.geometry[$0].allowsLeaf && statistics.leavesPerLevel[$0] != 0 }
            .map { "leaves-\(table.levelName($0)) \(statistics.leavesPerLevel[$0])" }
        if dynamicTop { lines += ["levels \(table.geometry.levelCount)", "input-bits \(table.geometry.inputAddressBits)"] }
        self.lines = lines
    }
}
