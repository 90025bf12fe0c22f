/// Counts describing a table tree.
public struct PageTableStatistics: Hashable, Sendable {
    /// Live tables, including the top table (each counted once, however many entries point at it).
    public var tables = 0
    /// Bytes of live tables, each counted by its own size.
    public var tableBytes = 0
    /// Tables per level (index = level, 0 = leaf-most).
    public var tablesPerLevel: [Int]
    /// Leaves per level, as a naive expansion would hold them (a contiguous group counts once).
    public var leavesPerLevel: [Int]
    /// Bytes of input-address space mapped.
    public var mappedBytes: UInt64 = 0
    /// Tables referenced by more than one table entry.
    public var sharedTables = 0

    /// Empty statistics for a tree of `levels` levels.
    public init(levels: Int) {
        tablesPerLevel = Array(repeating: 0, count: levels)
        leavesPerLevel = Array(repeating: 0, count: levels)
    }
}

extension PageTable {
    /// Counts tables and leaves. Each table's contents are counted once and multiplied by the
    /// entries pointing at it, so shared repeats cost O(tables), not O(leaves).
    public var statistics: PageTableStatistics {
        var statistics = PageTableStatistics(levels: geometry.levelCount)
        var subtrees: [PhysicalAddress: Subtree] = [:]
        let top = subtree(root, level: geometry.topLevel, memo: &subtrees)
        statistics.leavesPerLevel = top.leaves
        statistics.mappedBytes = top.mappedBytes
        statistics.tables = subtrees.count
        for (address, subtree) in subtrees {
            statistics.tablesPerLevel[subtree.level] += 1
            statistics.tableBytes += shapes[subtree.level].tableBytes
            if shared.isShared(address) { statistics.sharedTables += 1 }
        }
        return statistics
    }

    /// What one table holds, all the way down.
    struct Subtree {
        var level: Int
        var leaves: [Int]
        var mappedBytes: UInt64
    }

    private func subtree(_ address: PhysicalAddress, level: Int, memo: inout [PhysicalAddress: Subtree]) -> Subtree {
        if let known = memo[address] { return known }
        let shape = shapes[level]
        var result = Subtree(level: level, leaves: Array(repeating: 0, count: geometry.levelCount), mappedBytes: 0)
        let table = items(address)
        for index in 0..<shape.itemCount {
            switch format.decode(table[index], level: level) {
            case .empty:
                continue
            case .table(let child):
                guard level > 0 else { continue }
                let below = subtree(child, level: level - 1, memo: &memo)
                for level in result.leaves.indices { result.leaves[level] += below.leaves[level] }
                result.mappedBytes += below.mappedBytes
            case .leaf(_, let contiguous):
                result.mappedBytes += shape.itemSize
                if !contiguous || index & ((1 << shape.contiguousLog2) - 1) == 0 { result.leaves[level] += 1 }
            }
        }
        memo[address] = result
        return result
    }
}
