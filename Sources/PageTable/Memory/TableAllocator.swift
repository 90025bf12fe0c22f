/// Hands out physical memory for tables.
///
/// The walker asks for one table at a time with the size and alignment its format needs and
/// the highest physical address the hardware can point at. Failing is ordinary: return `nil`
/// and the operation reports `out-of-memory` with exactly what it did before.
///
/// The walker zeroes a table before linking it in, and returns a table with ``free(_:bytes:)``
/// only after the hardware can no longer walk it (after the invalidation batch is synced).
///
/// A ``PageTable/PageTable`` calls its allocator from one thread at a time, and the built-in allocators
/// are not thread-safe. A `ConcurrentPageTable` calls it from many threads at once: wrap it in
/// `LockedAllocator` (module `PageTableConcurrent`) unless it is thread-safe itself.
public protocol TableAllocator: AnyObject {
    /// Allocates `bytes` bytes aligned to `alignment` (a power of two), lying entirely at or
    /// below `limit`. Returns the physical address, or `nil` if that cannot be done.
    func allocate(bytes: Int, alignment: Int, limit: PhysicalAddress) -> PhysicalAddress?

    /// Returns a table allocated by ``allocate(bytes:alignment:limit:)`` with the same size.
    func free(_ address: PhysicalAddress, bytes: Int)

    /// Allocates `count` tables at once, all or nothing (nil, with nothing kept, on failure).
    /// The default asks one at a time; allocators with a cheaper bulk path override it.
    func allocate(count: Int, bytes: Int, alignment: Int, limit: PhysicalAddress) -> [PhysicalAddress]?
}

extension TableAllocator {
    public func allocate(count: Int, bytes: Int, alignment: Int, limit: PhysicalAddress) -> [PhysicalAddress]? {
        var tables: [PhysicalAddress] = []
        tables.reserveCapacity(count)
        for _ in 0..<max(count, 0) {
            guard let table = allocate(bytes: bytes, alignment: alignment, limit: limit) else {
                for table in tables { free(table, bytes: bytes) }
                return nil
            }
            tables.append(table)
        }
        return tables
    }
}
