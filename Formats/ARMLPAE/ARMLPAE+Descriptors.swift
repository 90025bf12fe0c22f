import PageTable

extension ARMLPAE {
    @inlinable @inline(__always)
    public func decode(_ descriptor: UInt64, level: Int) -> DecodedEntry {
        guard descriptor & 1 != 0 else { return .empty }
        let isTableOrPage = descriptor & 2 != 0
        if level == 0 {
            // At L3 only the page encoding is valid; 0b01 is reserved and faults.
            return isTableOrPage ? .leaf(outputAddress: outputAddress(of: descriptor, alignmentShift: Int(pageShift)),
                                         contiguous: false) : .empty
        }
        if isTableOrPage {
            return .table(outputAddress(of: descriptor, alignmentShift: Int(pageShift)))
        }
        // A block where the granule has none faults.
        guard blockLevels & (1 &<< UInt8(truncatingIfNeeded: level)) != 0 else { return .empty }
        let shift = Int(pageShift) &+ (Int(pageShift) &- 3) &* level
        return .leaf(outputAddress: outputAddress(of: descriptor, alignmentShift: shift), contiguous: false)
    }

    @inlinable @inline(__always)
    public func tableDescriptor(address: PhysicalAddress, level: Int) -> UInt64 {
        packed(address) | 3
    }

    @inlinable @inline(__always)
    public func leafTemplate(_ attributes: EncodedAttributes, level: Int, contiguous: Bool) -> UInt64 {
        attributes.bits | (level == 0 ? 3 : 1)
    }

    @inlinable @inline(__always)
    public func leafDescriptor(template: UInt64, outputAddress: PhysicalAddress, level: Int) -> UInt64 {
        template | packed(outputAddress)
    }

    /// Output addresses sit in place (bits 47:n), so leaves are linear -- except with 52-bit
    /// output, where PA[51:48] moves to bits 15:12.
    @inlinable @inline(__always)
    public func linearLeafStride(level: Int) -> UInt64? {
        usesHighOutputBits ? nil : 1 &<< UInt64(Int(pageShift) &+ (Int(pageShift) &- 3) &* level)
    }

    /// Pages are `0b11` at L3; blocks `0b01` where the granule has them.
    @inlinable @inline(__always)
    public func singleLeafPattern(level: Int) -> (mask: UInt64, value: UInt64)? {
        if level == 0 { return (3, 3) }
        return blockLevels & (1 &<< UInt8(truncatingIfNeeded: level)) != 0 ? (3, 1) : nil
    }

    /// Places an output address in descriptor bits (PA[51:48] in bits 15:12 for 52-bit output).
    @inlinable @inline(__always)
    func packed(_ address: PhysicalAddress) -> UInt64 {
        guard _slowPath(usesHighOutputBits) else { return address }
        return (address & 0x0000_FFFF_FFFF_0000) | ((address >> 48) & 0xF) << 12
    }

    /// The output address held in a descriptor, aligned to `1 << alignmentShift`.
    @inlinable @inline(__always)
    func outputAddress(of descriptor: UInt64, alignmentShift: Int) -> PhysicalAddress {
        let low = descriptor & 0x0000_FFFF_FFFF_F000 & ~((1 &<< UInt64(alignmentShift)) &- 1)
        guard _slowPath(usesHighOutputBits) else { return low }
        return low | ((descriptor >> 12) & 0xF) << 48
    }
}
