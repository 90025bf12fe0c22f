/// Counts describing a table tree.
public struct PageTableStatistics: Hashable, Sendable {
    /// Live tables, including the top table.
    public var tables = 0
    /// Bytes of live tables, each counted by its own size.
    public var tableBytes = 0
    /// Tables per level (index = level, 0 = leaf-most).
    public var tablesPerLevel: [Int]
    /// Leaves per level (a contiguous group counts once).
    public var leavesPerLevel: [Int]
    /// Bytes of input-address space mapped.
    public var mappedBytes: UInt64 = 0

    /// Empty statistics for a tree of `levels` levels.
    public init(levels: Int) {
        tablesPerLevel = Array(repeating: 0, count: levels)
        leavesPerLevel = Array(repeating: 0, count: levels)
    }
}

extension PageTable {
    /// Counts tables and leaves by walking the whole tree.
    public var statistics: PageTableStatistics {
        var statistics = PageTableStatistics(levels: geometry.levelCount)
        visit { statistics.count($0) }
        return statistics
    }
}

extension PageTableStatistics {
    /// Adds one visited node.
    mutating func count(_ node: TreeNode) {
        switch node {
        case .table(let table):
            tables += 1
            tableBytes += table.bytes
            tablesPerLevel[table.level] += 1
        case .leaf(let leaf):
            leavesPerLevel[leaf.level] += 1
            mappedBytes += leaf.size
        }
    }
}
