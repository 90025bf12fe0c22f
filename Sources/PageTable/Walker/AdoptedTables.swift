/// The tables a table adopted from memory it did not allocate
/// (``PageTable/init(adopting:format:memory:allocator:invalidator:)``): they are live and
/// counted like any other, but never given to the allocator, which does not own them.
@usableFromInline
struct AdoptedTables {
    @usableFromInline var addresses: Set<PhysicalAddress> = []

    @usableFromInline init() {}

    /// Whether `table` was adopted (the empty check first: the path of every table built here).
    @inlinable
    func contains(_ table: PhysicalAddress) -> Bool { !addresses.isEmpty && addresses.contains(table) }
}
