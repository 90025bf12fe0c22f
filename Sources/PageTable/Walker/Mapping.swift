/// One leaf of a table: an input range, the output range it maps to, and its attributes.
public struct Mapping: Hashable, Sendable, CustomStringConvertible {
    /// First input address of the leaf.
    public var virtualAddress: VirtualAddress
    /// First output address of the leaf.
    public var physicalAddress: PhysicalAddress
    /// Size of the leaf in bytes (for a contiguous group, of the whole group).
    public var size: UInt64
    /// The level holding the leaf (0 = leaf-most).
    public var level: Int
    /// The attributes the leaf expresses.
    public var attributes: MapAttributes

    /// Creates a mapping description.
    public init(virtualAddress: VirtualAddress, physicalAddress: PhysicalAddress, size: UInt64, level: Int,
                attributes: MapAttributes) {
        self.virtualAddress = virtualAddress
        self.physicalAddress = physicalAddress
        self.size = size
        self.level = level
        self.attributes = attributes
    }

    /// `0x1000+0x1000 -> 0x80001000 rw`.
    public var description: String {
        "\(hex(virtualAddress))+\(hex(size)) -> \(hex(physicalAddress)) \(attributes)"
    }
}
