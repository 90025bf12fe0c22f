import PageTable

extension X86_64 {
    /// P clear, a reserved address bit set (at or above MAXPHYADDR, or below the alignment of
    /// a large page other than its PAT bit), or PS in a PML4E or PML5E: the processor faults,
    /// so the entry is empty. A PTE, and a PDE or PDPTE with PS, is a leaf; any other present
    /// entry points at a table.
    @inlinable @inline(__always)
    public func decode(_ descriptor: UInt64, level: Int) -> DecodedEntry {
        guard descriptor & X86Bits.present != 0, descriptor & reservedAddressBits == 0 else { return .empty }
        let address = descriptor & addressMask
        if level == 0 { return .leaf(outputAddress: address, contiguous: false) }
        guard descriptor & X86Bits.pageSize != 0 else { return .table(address) }
        guard level <= 2 else { return .empty }
        let offsetMask = (1 &<< UInt64(truncatingIfNeeded: 12 &+ 9 &* level)) &- 1
        guard address & offsetMask & ~X86Bits.largePageAttributeTable == 0 else { return .empty }
        return .leaf(outputAddress: address & ~offsetMask, contiguous: false)
    }

    /// A pointer: P, R/W, U/S and A set (permissions are decided at the leaf), executable,
    /// write-back (PWT = PCD = 0).
    @inlinable @inline(__always)
    public func tableDescriptor(address: PhysicalAddress, level: Int) -> UInt64 {
        address & addressMask | X86Bits.present | X86Bits.writable | X86Bits.user | X86Bits.accessed
    }

    /// A PTE at level 0 (PAT index bit 2 in bit 7); a PDE or PDPTE with PS above (PAT index
    /// bit 2 in bit 12).
    @inlinable @inline(__always)
    public func leafTemplate(_ attributes: EncodedAttributes, level: Int, contiguous: Bool) -> UInt64 {
        let pat = attributes.usesHighAttributeTableIndex
        if level == 0 { return attributes.bits | X86Bits.present | (pat ? X86Bits.smallPageAttributeTable : 0) }
        return attributes.bits | X86Bits.present | X86Bits.pageSize | (pat ? X86Bits.largePageAttributeTable : 0)
    }

    /// Adds the page's address (aligned, so a large page's PAT bit is untouched).
    @inlinable @inline(__always)
    public func leafDescriptor(template: UInt64, outputAddress: PhysicalAddress, level: Int) -> UInt64 {
        template | outputAddress & addressMask
    }

    /// Addresses sit in place, so leaves are linear with a stride of the page size.
    @inlinable @inline(__always)
    public func linearLeafStride(level: Int) -> UInt64? {
        1 &<< UInt64(truncatingIfNeeded: 12 &+ 9 &* level)
    }

    /// Every present PTE is a page; a PDE or PDPTE is one with P and PS set and the reserved
    /// address bits clear. PML4Es and PML5Es never are.
    @inlinable @inline(__always)
    public func singleLeafPattern(level: Int) -> (mask: UInt64, value: UInt64)? {
        if level == 0 { return (X86Bits.present | reservedAddressBits, X86Bits.present) }
        guard level <= 2 else { return nil }
        let misalignment = ((1 &<< UInt64(truncatingIfNeeded: 12 &+ 9 &* level)) &- 1) & X86Bits.addressField
            & ~X86Bits.largePageAttributeTable
        return (X86Bits.present | X86Bits.pageSize | reservedAddressBits | misalignment, X86Bits.present | X86Bits.pageSize)
    }
}
