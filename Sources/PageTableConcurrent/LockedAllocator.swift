import PageTable

/// Makes any allocator safe to call from many threads at once: every call runs under one
/// mutex (a pthread mutex, which ThreadSanitizer understands). Use it to share a `BuddyAllocator`, `SlabAllocator`, `TablePool` or
/// `FaultInjectingAllocator` (none of which is thread-safe on its own) with a
/// ``ConcurrentPageTable``.
///
/// Table allocations are rare next to page writes (one per table's worth of pages), so one
/// lock costs little; an allocator that is thread-safe by itself needs no wrapper.
public final class LockedAllocator<Base: TableAllocator>: TableAllocator, @unchecked Sendable {
    private let base: Base
    private let lock = HostLock()

    /// Wraps `base`, which must not be used directly any more except through ``withBase(_:)``.
    public init(_ base: Base) { self.base = base }

    /// Runs `body` with the wrapped allocator, under the lock (to read its statistics or arm
    /// its fault injection while other threads allocate).
    public func withBase<Result: Sendable>(_ body: (Base) -> Result) -> Result {
        lock.withLock { body(base) }
    }

    public func allocate(bytes: Int, alignment: Int, limit: PhysicalAddress) -> PhysicalAddress? {
        lock.withLock { base.allocate(bytes: bytes, alignment: alignment, limit: limit) }
    }

    public func free(_ address: PhysicalAddress, bytes: Int) { lock.withLock { base.free(address, bytes: bytes) } }

    public func allocate(count: Int, bytes: Int, alignment: Int, limit: PhysicalAddress) -> [PhysicalAddress]? {
        lock.withLock { base.allocate(count: count, bytes: bytes, alignment: alignment, limit: limit) }
    }
}
