import PageTable

extension ARMv7Short {
    /// L1 (level 1): bits 1:0 = 0b00 fault, 0b01 page table, 0b1x section or supersection
    /// (bit 18; bit 0 is PXN on implementations with it, so 0b11 still translates).
    /// L2 (level 0): 0b00 fault, 0b01 large page, 0b1x small page (bit 0 is XN).
    /// Large pages and supersections decode as contiguous leaves with their base address.
    @inlinable @inline(__always)
    public func decode(_ descriptor: UInt32, level: Int) -> DecodedEntry {
        typealias Bits = ShortDescriptorBits
        let type = descriptor & Bits.typeMask
        if type == 0 { return .empty }
        if level == 0 {
            return type & Bits.typeSectionOrSmallPage != 0
                ? .leaf(outputAddress: PhysicalAddress(descriptor & Bits.smallPageAddress), contiguous: false)
                : .leaf(outputAddress: PhysicalAddress(descriptor & Bits.largePageAddress), contiguous: true)
        }
        if type == Bits.typeTableOrLargePage { return .table(PhysicalAddress(descriptor & Bits.tableAddress)) }
        guard descriptor & Bits.supersection != 0 else {
            return .leaf(outputAddress: PhysicalAddress(descriptor & Bits.sectionAddress), contiguous: false)
        }
        // Supersections may carry PA[39:32] (zero in tables this format writes).
        let extended = PhysicalAddress(descriptor >> Bits.supersectionExtendedLowShift & 0xF) << 32
            | PhysicalAddress(descriptor >> Bits.supersectionExtendedHighShift & 0xF) << 36
        return .leaf(outputAddress: PhysicalAddress(descriptor & Bits.supersectionAddress) | extended, contiguous: true)
    }

    /// An L1 page-table descriptor: the L2 table's address (1 KiB aligned), domain 0, PXN
    /// clear, NS when the table is non-secure.
    @inlinable @inline(__always)
    public func tableDescriptor(address: PhysicalAddress, level: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: address) & ShortDescriptorBits.tableAddress
            | (configuration.nonSecure ? ShortDescriptorBits.tableNonSecure : 0)
            | ShortDescriptorBits.typeTableOrLargePage
    }

    /// A small or large page at L2, a section or supersection at L1.
    @inlinable @inline(__always)
    public func leafTemplate(_ attributes: EncodedAttributes, level: Int, contiguous: Bool) -> UInt32 {
        if level == 0 { return contiguous ? attributes.largePage : attributes.smallPage }
        return contiguous ? attributes.section | ShortDescriptorBits.supersection : attributes.section
    }

    /// Small pages are type `0b1x` at L2; sections `0b1x` with bit 18 (supersection) clear at L1.
    @inlinable @inline(__always)
    public func singleLeafPattern(level: Int) -> (mask: UInt32, value: UInt32)? {
        level == 0 ? (0b10, 0b10) : (0b10 | ShortDescriptorBits.supersection, 0b10)
    }

    /// Small pages (bits 31:12) and sections (bits 31:20) hold their address in place.
    @inlinable @inline(__always)
    public func linearLeafStride(level: Int) -> UInt32? { level == 0 ? 1 << 12 : 1 << 20 }

    /// Adds the output address, masked to the leaf's base: every member of a large page or
    /// supersection stores the base of the whole group.
    @inlinable @inline(__always)
    public func leafDescriptor(template: UInt32, outputAddress: PhysicalAddress, level: Int) -> UInt32 {
        typealias Bits = ShortDescriptorBits
        let address = UInt32(truncatingIfNeeded: outputAddress)
        let mask: UInt32
        if level == 0 {
            mask = template & Bits.typeSectionOrSmallPage != 0 ? Bits.smallPageAddress : Bits.largePageAddress
        } else {
            mask = template & Bits.supersection != 0 ? Bits.supersectionAddress : Bits.sectionAddress
        }
        return template | address & mask
    }
}
