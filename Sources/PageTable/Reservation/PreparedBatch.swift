/// Operations whose tables are already allocated: commit them with ``PageTable/commit(_:)``,
/// which cannot fail for lack of memory. Dropping a batch without committing returns its
/// tables to the allocator.
public struct PreparedBatch<Allocator: TableAllocator>: ~Copyable {
    /// The operations, in order.
    public let operations: [BatchOperation]
    /// The worst-case tables they need, per level (what was allocated).
    public let estimate: TableEstimate
    let tables: PreparedTableStock<Allocator>
    let root: PhysicalAddress
}

/// Tables set aside for one batch, returned to their allocator if unused.
final class PreparedTableStock<Allocator: TableAllocator> {
    let allocator: Allocator
    /// Table addresses by level, and the bytes of a table of each level.
    var byLevel: [[PhysicalAddress]]
    let bytesPerLevel: [Int]

    init(allocator: Allocator, byLevel: [[PhysicalAddress]], bytesPerLevel: [Int]) {
        self.allocator = allocator
        self.byLevel = byLevel
        self.bytesPerLevel = bytesPerLevel
    }

    /// Hands the tables over (to a commit), leaving none to return.
    func take() -> [[PhysicalAddress]] {
        defer { byLevel = [] }
        return byLevel
    }

    deinit {
        for (level, tables) in byLevel.enumerated() {
            for table in tables { allocator.free(table, bytes: bytesPerLevel[level]) }
        }
    }
}
