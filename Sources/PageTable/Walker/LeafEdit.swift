/// One leaf as a modifying walk (``PageTable/modify(iova:size:preTable:leaf:postTable:)``)
/// shows it to its leaf callback: the leaf whole (a contiguous group as one leaf), and the
/// attributes to give it. Setting ``attributes`` to something else rewrites the leaf with the
/// same translation.
public struct LeafEdit: Sendable {
    /// The leaf as it is.
    public let mapping: Mapping
    /// The attributes the leaf gets; starts as `mapping.attributes`.
    public var attributes: MapAttributes

    /// A leaf, unedited.
    @inlinable
    public init(mapping: Mapping) {
        self.mapping = mapping
        self.attributes = mapping.attributes
    }
}

/// One table a modifying walk is about to enter or has just left.
public struct TableVisit: Hashable, Sendable {
    /// The table's level.
    public let level: Int
    /// The input range the table covers.
    public let range: Range<VirtualAddress>
    /// Its physical address (before copy-on-write, on entry).
    public let address: PhysicalAddress

    /// Describes a table.
    @inlinable
    public init(level: Int, range: Range<VirtualAddress>, address: PhysicalAddress) {
        self.level = level
        self.range = range
        self.address = address
    }
}

/// What a modifying walk does after a callback.
public enum WalkStep: Hashable, Sendable {
    /// Go on.
    case proceed
    /// From a pre-table callback: do not enter this table (from a leaf callback: as `proceed`).
    case skip
    /// End the walk here; edits made so far stay.
    case stop
}
