/// Tables allocated ahead of time, by level, that the walker uses before asking its allocator.
/// Filled while a prepared batch commits; whatever is left goes back to the allocator.
@usableFromInline
struct PreparedTables {
    @usableFromInline var byLevel: [[PhysicalAddress]] = []

    @usableFromInline init() {}

    @inlinable var isEmpty: Bool { byLevel.isEmpty }

    /// A prepared table of `level`, if one is left.
    @inlinable
    mutating func take(level: Int) -> PhysicalAddress? {
        guard level < byLevel.count else { return nil }
        return byLevel[level].popLast()
    }
}
