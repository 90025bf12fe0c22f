import PageTable

extension ARMLPAE {
    @inlinable @inline(__always)
    public func decode(_ descriptor: UInt64, level: Int) -> DecodedEntry {
        guard descriptor & 1 != 0 else { return .empty }
        let isTableOrPage = descriptor & 2 != 0
        if level == 0 {
            // At L3 only the page encoding is valid; 0b01 is reserved and faults.
            return isTableOrPage ? leaf(descriptor, level: 0, shift: Int(pageShift)) : .empty
        }
        if isTableOrPage {
            return .table(outputAddress(of: descriptor, alignmentShift: Int(pageShift)))
        }
        // A block where the granule has none faults.
        guard blockLevels & (1 &<< UInt8(truncatingIfNeeded: level)) != 0 else { return .empty }
        return leaf(descriptor, level: level, shift: Int(pageShift) &+ (Int(pageShift) &- 3) &* level)
    }

    /// A page or block of `1 << shift` bytes at `level`. With the Contiguous bit (52) where
    /// this configuration writes groups, it is a group member and decodes to the group's base
    /// (the hardware ignores a member's address bits below the group size). Elsewhere the bit
    /// is only a hint this format never writes, and the leaf is single.
    @inlinable @inline(__always)
    func leaf(_ descriptor: UInt64, level: Int, shift: Int) -> DecodedEntry {
        // The group's log2 if the bit is set, else 0, without a branch.
        let hinted = 0 &- UInt32(truncatingIfNeeded: (descriptor &>> 52) & 1)
        let groupLog2 = Int(truncatingIfNeeded: groupShifts &>> UInt32(truncatingIfNeeded: level &* 4) & 0xF & hinted)
        return .leaf(outputAddress: outputAddress(of: descriptor, alignmentShift: shift &+ groupLog2),
                     contiguous: groupLog2 != 0)
    }

    /// log2 of the entries of one contiguous group at `level`, or 0 where none is written.
    @inlinable @inline(__always)
    func groupLog2(level: Int) -> Int {
        Int(truncatingIfNeeded: groupShifts &>> UInt32(truncatingIfNeeded: level &* 4) & 0xF)
    }

    @inlinable @inline(__always)
    public func tableDescriptor(address: PhysicalAddress, level: Int) -> UInt64 {
        packed(address) | 3
    }

    /// Pages are `0b11`, blocks `0b01`; group members add the Contiguous bit (52).
    @inlinable @inline(__always)
    public func leafTemplate(_ attributes: EncodedAttributes, level: Int, contiguous: Bool) -> UInt64 {
        attributes.bits | (level == 0 ? 3 : 1) | (contiguous ? 1 << 52 : 0)
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

    /// Group members store their own output address in place too, so they are linear with
    /// the same stride.
    @inlinable @inline(__always)
    public func linearGroupStride(level: Int) -> UInt64? { linearLeafStride(level: level) }

    /// Pages are `0b11` at L3; blocks `0b01` where the granule has them. Where groups are
    /// written, a single leaf also has the Contiguous bit (52) clear.
    @inlinable @inline(__always)
    public func singleLeafPattern(level: Int) -> (mask: UInt64, value: UInt64)? {
        let mask: UInt64 = groupLog2(level: level) != 0 ? 1 << 52 | 3 : 3
        if level == 0 { return (mask, 3) }
        return blockLevels & (1 &<< UInt8(truncatingIfNeeded: level)) != 0 ? (mask, 1) : nil
    }

    /// Pages are `0b11` at L3; blocks `0b01` where the granule has them, with or without the
    /// Contiguous bit.
    @inlinable @inline(__always)
    public func leafPattern(level: Int) -> (mask: UInt64, value: UInt64)? {
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
