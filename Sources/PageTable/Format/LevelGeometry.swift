/// The shape of the tables at one level of a tree.
@frozen
public struct LevelGeometry: Hashable, Sendable {
    /// log2 of the input-address span one item of this level covers (12 for 4 KiB pages).
    public var itemShift: Int
    /// log2 of the number of items in one table of this level.
    public var indexBits: Int
    /// Bytes allocated for one table of this level (at least items x descriptor size;
    /// formats may pad tiny tables, as ARM pads top tables to 64 bytes).
    public var tableBytes: Int
    /// Required alignment of a table of this level, a power of two.
    public var tableAlignment: Int
    /// Whether items of this level may be leaves.
    public var allowsLeaf: Bool
    /// log2 of the number of identical-attribute items that form one contiguous leaf
    /// (ARMv7 large pages and supersections: 4, i.e. 16 items), or 0 for none.
    public var contiguousLog2: Int
    /// `itemCount - 1`, kept so walks mask instead of recomputing it.
    @usableFromInline var indexMask: UInt64

    /// Creates the geometry of one level.
    public init(itemShift: Int, indexBits: Int, tableBytes: Int, tableAlignment: Int,
                allowsLeaf: Bool, contiguousLog2: Int = 0) {
        self.itemShift = itemShift
        self.indexBits = indexBits
        self.tableBytes = tableBytes
        self.tableAlignment = tableAlignment
        self.allowsLeaf = allowsLeaf
        self.contiguousLog2 = contiguousLog2
        self.indexMask = (1 << UInt64(indexBits)) - 1
    }

    /// Items in one table of this level.
    @inlinable public var itemCount: Int { 1 &<< indexBits }

    /// Input-address bytes one item covers.
    @inlinable public var itemSize: UInt64 { 1 &<< UInt64(itemShift) }

    /// Input-address bytes one whole table of this level covers.
    @inlinable public var tableSpanShift: Int { itemShift &+ indexBits }

    /// The index of the item covering `address` in a table of this level.
    @inlinable
    public func index(of address: VirtualAddress) -> Int {
        Int(truncatingIfNeeded: (address &>> UInt64(truncatingIfNeeded: itemShift)) & indexMask)
    }

    /// Leaf sizes this level offers, largest first, as log2 of the input-address span.
    public var leafSizeShifts: [Int] {
        guard allowsLeaf else { return [] }
        return contiguousLog2 > 0 ? [itemShift + contiguousLog2, itemShift] : [itemShift]
    }
}
