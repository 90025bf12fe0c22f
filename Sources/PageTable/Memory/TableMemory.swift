/// Memory that tables live in, reached by physical address.
///
/// Hardware walks tables by physical address; the walker reaches the same bytes through a
/// host pointer. Conform your own memory -- a DMA buffer you mapped, a carve-out, a file -- to
/// let the framework build tables directly in it. The default is ``PhysicalArena``.
///
/// The walker only asks for addresses a ``TableAllocator`` handed out (and checked with
/// ``contains(_:bytes:)``), so ``pointer(to:)`` need not validate.
public protocol TableMemory {
    /// The host address of the byte at physical address `address`.
    func pointer(to address: PhysicalAddress) -> UnsafeMutableRawPointer

    /// Whether `bytes` bytes from `address` are inside this memory.
    func contains(_ address: PhysicalAddress, bytes: Int) -> Bool

    /// Whether the hardware walker reads this memory without snooping CPU caches, so table
    /// writes must be cleaned with ``makeVisible(_:bytes:)`` before it may use them.
    var requiresCacheMaintenance: Bool { get }

    /// Cleans `bytes` bytes at `address` from CPU caches to memory (the caller's cache
    /// maintenance, e.g. `dma_sync_single_for_device`). The walker calls it once per modified
    /// table range per operation, and for each new table, zeroed and filled, before linking it.
    func makeVisible(_ address: PhysicalAddress, bytes: Int)
}

extension TableMemory {
    /// Default: coherent memory, which needs no cache maintenance.
    public var requiresCacheMaintenance: Bool { false }
    /// Default: nothing to clean.
    public func makeVisible(_ address: PhysicalAddress, bytes: Int) {}
}
