/// The span of items one visit to a table modified, to clean that table's memory once.
@frozen @usableFromInline
struct ChangedItems {
    @usableFromInline var first = Int.max
    @usableFromInline var last = -1

    @inlinable init() {}

    /// Items `index ..< index + count` were written (nothing if `count` is 0).
    @inlinable
    mutating func add(_ index: Int, count: Int) {
        guard count > 0 else { return }
        first = min(first, index)
        last = max(last, index &+ count &- 1)
    }

    /// Whether any item was written.
    @inlinable var isEmpty: Bool { last < first }
}
