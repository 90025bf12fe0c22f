import PageTable
import PageTableTestSupport

/// ``TinyFormat`` with one deliberate mistake, to prove the conformance kit catches it.
struct BrokenFormat: PageTableFormat {
    /// The mistakes a format author could make.
    enum Mistake: String, CaseIterable, Sendable {
        /// `decode` reports the wrong output address for leaves with address bit 16 set.
        case decodeLies
        /// Leaves store address bits 8 and 31 swapped (decoded correctly), but the format still
        /// promises a linear stride.
        case strideNotLinear
        /// `singleLeafPattern` tests the table bit, so it matches table pointers.
        case leafPatternMatchesTables
        /// `encode` silently drops the execute permission.
        case encodeDropsPermission
    }

    typealias Descriptor = UInt32
    let base = TinyFormat()
    let mistake: Mistake
    var name: String { "tiny with \(mistake.rawValue)" }
    var geometry: TableGeometry { base.geometry }

    func decode(_ descriptor: UInt32, level: Int) -> DecodedEntry {
        switch mistake {
        case .decodeLies:
            if case .leaf(let address, let contiguous) = base.decode(descriptor, level: level), address & 0x1_0000 != 0 {
                return .leaf(outputAddress: address & ~0x1_0000, contiguous: contiguous)
            }
        case .strideNotLinear:
            if descriptor & 1 != 0 { return base.decode(Self.swapped(descriptor), level: level) }
        case .leafPatternMatchesTables, .encodeDropsPermission: break
        }
        return base.decode(descriptor, level: level)
    }

    func tableDescriptor(address: PhysicalAddress, level: Int) -> UInt32 { base.tableDescriptor(address: address, level: level) }

    func encode(_ attributes: MapAttributes) throws(PageTableError) -> UInt32 {
        var attributes = attributes
        if mistake == .encodeDropsPermission { attributes.access.remove(.execute) }
        return try base.encode(attributes)
    }

    func leafTemplate(_ attributes: UInt32, level: Int, contiguous: Bool) -> UInt32 {
        base.leafTemplate(attributes, level: level, contiguous: contiguous)
    }

    func leafDescriptor(template: UInt32, outputAddress: PhysicalAddress, level: Int) -> UInt32 {
        let descriptor = base.leafDescriptor(template: template, outputAddress: outputAddress, level: level)
        return mistake == .strideNotLinear ? Self.swapped(descriptor) : descriptor
    }

    func linearLeafStride(level: Int) -> UInt32? { base.linearLeafStride(level: level) }

    func singleLeafPattern(level: Int) -> (mask: UInt32, value: UInt32)? {
        mistake == .leafPatternMatchesTables ? (2, 2) : base.singleLeafPattern(level: level)
    }

    func attributes(ofLeaf descriptor: UInt32, level: Int) -> MapAttributes {
        base.attributes(ofLeaf: mistake == .strideNotLinear ? Self.swapped(descriptor) : descriptor, level: level)
    }

    func registers(root: PhysicalAddress) -> [HardwareRegister] { base.registers(root: root) }

    /// The descriptor with bits 8 and 31 exchanged.
    static func swapped(_ descriptor: UInt32) -> UInt32 {
        let low = (descriptor >> 8) & 1, high = descriptor >> 31
        return descriptor & ~(1 << 8 | 1 << 31) | high << 8 | low << 31
    }
}
