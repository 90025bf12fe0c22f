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
}
