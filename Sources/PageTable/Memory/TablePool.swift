/// A pre-filled pool of tables: fill it ahead of time from any allocator, then hand it to a
/// table whose operations must not allocate from the system (an atomic context, a GPU fence
/// path). It serves requests of the sizes it holds and takes tables back on free.
///
/// ``drain()`` returns every pooled table to the allocator it came from.
public final class TablePool<Source: TableAllocator>: TableAllocator {
    /// Where the pooled tables came from and go back to.
    public let source: Source
    private var tables: [Int: [PhysicalAddress]] = [:]

    /// An empty pool over `source`.
    public init(source: Source) { self.source = source }

    /// Moves `count` tables of `bytes` bytes (aligned to `alignment`, at or below `limit`) from
    /// the source into the pool, all or nothing. Returns whether it could.
    @discardableResult
    public func fill(count: Int, bytes: Int, alignment: Int, limit: PhysicalAddress = .max) -> Bool {
        guard let more = source.allocate(count: count, bytes: bytes, alignment: alignment, limit: limit) else { return false }
        tables[bytes, default: []] += more
        return true
    }

    /// Tables of `bytes` bytes in the pool.
    public func available(bytes: Int) -> Int { tables[bytes]?.count ?? 0 }

    public func allocate(bytes: Int, alignment: Int, limit: PhysicalAddress) -> PhysicalAddress? {
        guard bytes > 0, alignment > 0, let index = tables[bytes]?.lastIndex(where: {
            $0 & UInt64(alignment - 1) == 0 && $0 <= limit &- UInt64(bytes - 1)
        }) else { return nil }
        return tables[bytes]!.remove(at: index)
    }

    public func free(_ address: PhysicalAddress, bytes: Int) { tables[bytes, default: []].append(address) }

    /// Returns every pooled table to the source.
    public func drain() {
        for (bytes, list) in tables { for table in list { source.free(table, bytes: bytes) } }
        tables = [:]
    }

    deinit { drain() }
}
