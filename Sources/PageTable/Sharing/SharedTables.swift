/// Reference counts of tables that more than one table entry may point at.
///
/// Every table of a repeat chain (and every table a copy-on-write copy points at) is counted
/// here by the number of entries pointing at it; a table absent from the book has exactly one
/// parent entry. A table with two or more references is *shared*: it is complete (every item
/// mapped, all the way down) and immutable -- any change below it first copies the path.
@usableFromInline
struct SharedTables {
    @usableFromInline var references: [PhysicalAddress: Int] = [:]

    @usableFromInline init() {}

    /// Whether nothing is counted (the fast path of every operation on unshared tables).
    @inlinable var isEmpty: Bool { references.isEmpty }

    /// The number of entries pointing at `table`.
    @inlinable
    func count(_ table: PhysicalAddress) -> Int { references.isEmpty ? 1 : references[table] ?? 1 }

    /// Whether `table` is shared (two or more entries point at it).
    @inlinable
    func isShared(_ table: PhysicalAddress) -> Bool { !references.isEmpty && (references[table] ?? 1) > 1 }

    /// Counts `n` more entries pointing at `table`.
    @inlinable
    mutating func retain(_ table: PhysicalAddress, _ n: Int = 1) { references[table, default: 0] += n }

    /// Counts `n` entries fewer; returns the entries left.
    @inlinable
    mutating func release(_ table: PhysicalAddress, _ n: Int = 1) -> Int {
        guard let count = references[table] else { return 0 }
        let left = count - n
        references[table] = left > 0 ? left : nil
        return max(left, 0)
    }
}
