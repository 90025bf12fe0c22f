/// What one table item means, as decoded by a ``PageTableFormat``.
@frozen
public enum DecodedEntry: Equatable, Sendable {
    /// No translation: the hardware faults on access, and the slot may be filled.
    case empty
    /// A pointer to the next lower level's table at this physical address.
    case table(PhysicalAddress)
    /// A translation. `outputAddress` is the base of the whole leaf (for a contiguous group,
    /// of the whole group); `contiguous` tells whether the item belongs to a contiguous group
    /// of ``LevelGeometry/contiguousLog2`` items.
    case leaf(outputAddress: PhysicalAddress, contiguous: Bool)
}
