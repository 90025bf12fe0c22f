import PageTable

/// A test-only format that drives the walker through deep trees cheaply: 256-byte pages,
/// four 32-bit items per table, five levels (18-bit input addresses), leaves at levels 0, 1
/// and 3, and contiguous pairs at levels 0 and 3 (leaf sizes 256, 512, 1K, 16K, 32K).
///
/// Descriptor: bits 1:0 = 0 empty, 1 leaf, 2 table, 3 contiguous-pair leaf; leaf attributes
/// r w x c d p in bits 2...7; leaf output address in bits 31:8 (the pair's base for
/// contiguous leaves); table address in bits 31:4.
public struct TinyFormat: PageTableFormat {
    public typealias Descriptor = UInt32
    public let name = "tiny"
    public let geometry: TableGeometry
    /// Whether this (imaginary) hardware caches invalid entries, so maps need invalidating too.
    public let cachesInvalidEntries: Bool
    /// Whether repeats may share tables (this imaginary hardware never writes tables).
    public let allowsSharedTables: Bool

    /// The tiny format, with invalid entries cached and shared tables allowed as given.
    public init(cachesInvalidEntries: Bool = false, allowsSharedTables: Bool = false) {
        self.cachesInvalidEntries = cachesInvalidEntries
        self.allowsSharedTables = allowsSharedTables
        let leafLevels: [Int: Int] = [0: 1, 1: 0, 3: 1]  // level: contiguousLog2
        let levels = (0..<5).map { level in
            LevelGeometry(itemShift: 8 + 2 * level, indexBits: 2, tableBytes: 16, tableAlignment: 16,
                          allowsLeaf: leafLevels[level] != nil, contiguousLog2: leafLevels[level] ?? 0)
        }
        geometry = TableGeometry(levels: levels, inputAddressBits: 18, outputAddressBits: 32)
    }

    private static let letters: [@Sendable (MapAttributes) -> Bool] = [
        { $0.access.contains(.read) }, { $0.access.contains(.write) }, { $0.access.contains(.execute) },
        { $0.memoryType == .cacheable }, { $0.memoryType == .device }, { $0.privileged },
    ]

    public func decode(_ descriptor: UInt32, level: Int) -> DecodedEntry {
        switch descriptor & 3 {
        case 0: return .empty
        case 2: return level > 0 ? .table(PhysicalAddress(descriptor & ~0xF)) : .empty
        default:
            let shape = geometry[level]
            guard shape.allowsLeaf else { return .empty }
            let contiguous = descriptor & 3 == 3
            guard !contiguous || shape.contiguousLog2 > 0 else { return .empty }
            let alignment = shape.itemShift + (contiguous ? shape.contiguousLog2 : 0)
            return .leaf(outputAddress: PhysicalAddress(descriptor) & ~((1 << UInt64(alignment)) - 1) & 0xFFFF_FF00,
                         contiguous: contiguous)
        }
    }

    public func tableDescriptor(address: PhysicalAddress, level: Int) -> UInt32 { UInt32(address) | 2 }

    public func encode(_ attributes: MapAttributes) throws(PageTableError) -> UInt32 {
        guard attributes.access.contains(.read) else {
            throw PageTableError(.invalidAttributes, at: 0, "tiny: every mapping must be readable")
        }
        guard attributes.shareability == nil, attributes.formatFlags.isEmpty, !attributes.global else {
            throw PageTableError(.invalidAttributes, at: 0, "tiny: no shareability, format flags or global mappings")
        }
        var bits: UInt32 = 0
        for (bit, isSet) in Self.letters.enumerated() where isSet(attributes) { bits |= 1 << UInt32(bit + 2) }
        return bits
    }

    public func leafTemplate(_ attributes: UInt32, level: Int, contiguous: Bool) -> UInt32 {
        attributes | (contiguous ? 3 : 1)
    }

    public func leafDescriptor(template: UInt32, outputAddress: PhysicalAddress, level: Int) -> UInt32 {
        var address = outputAddress
        if template & 3 == 3 {  // Contiguous members all store the pair's base.
            let shape = geometry[level]
            address &= ~((1 << UInt64(shape.itemShift + shape.contiguousLog2)) - 1)
        }
        return template | UInt32(truncatingIfNeeded: address)
    }

    public func linearLeafStride(level: Int) -> UInt32? { UInt32(1) << UInt32(geometry[level].itemShift) }

    public func singleLeafPattern(level: Int) -> (mask: UInt32, value: UInt32)? {
        geometry[level].allowsLeaf ? (3, 1) : nil
    }

    public func attributes(ofLeaf descriptor: UInt32, level: Int) -> MapAttributes {
        func bit(_ n: Int) -> Bool { descriptor & (1 << UInt32(n + 2)) != 0 }
        var access: MapAttributes.Access = []
        if bit(0) { access.insert(.read) }
        if bit(1) { access.insert(.write) }
        if bit(2) { access.insert(.execute) }
        return MapAttributes(access: access, privileged: bit(5),
                             memoryType: bit(3) ? .cacheable : bit(4) ? .device : .normal)
    }

    public func registers(root: PhysicalAddress) -> [HardwareRegister] { [HardwareRegister(name: "ROOT", value: root)] }
}
