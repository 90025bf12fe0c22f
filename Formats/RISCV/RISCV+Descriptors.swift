import PageTable

extension RISCV {
    /// V clear, W without R, a reserved bit or encoding set (PBMT 3, N outside level 0 or with
    /// PPN[3:0] other than 0b1000), a misaligned superpage, or a pointer at level 0: the
    /// hardware faults, so the entry is empty. A pointer is V=1 with R=W=X=0; anything else
    /// with V=1 is a leaf.
    @inlinable @inline(__always)
    public func decode(_ descriptor: UInt64, level: Int) -> DecodedEntry {
        guard descriptor & PTEBits.valid != 0, descriptor & faultingBits == 0 else { return .empty }
        if _slowPath(usesMemoryTypes) && descriptor & PTEBits.memoryTypeMask == PTEBits.memoryTypeMask { return .empty }
        let address = (descriptor & PTEBits.physicalPageNumber) &<< 2
        let permissions = descriptor & PTEBits.permissions
        if permissions == 0 {
            return level == 0 ? .empty : .table(address)
        }
        if permissions & (PTEBits.read | PTEBits.write) == PTEBits.write { return .empty }
        if descriptor & PTEBits.napot != 0 {
            guard level == 0, descriptor & PTEBits.napotLowMask == PTEBits.napot64KiB else { return .empty }
            return .leaf(outputAddress: address & ~0xFFFF, contiguous: true)
        }
        let offsetMask = (1 &<< UInt64(truncatingIfNeeded: 12 &+ 9 &* level)) &- 1
        return address & offsetMask == 0 ? .leaf(outputAddress: address, contiguous: false) : .empty
    }

    /// A pointer: V set, R, W and X clear, and A, D, U, G, PBMT and N clear (reserved in
    /// non-leaf PTEs).
    @inlinable @inline(__always)
    public func tableDescriptor(address: PhysicalAddress, level: Int) -> UInt64 {
        (address &>> 2) & PTEBits.physicalPageNumber | PTEBits.valid
    }

    /// The leaf's bits with V, and for a Svnapot group member N and PPN[3:0] = 0b1000.
    @inlinable @inline(__always)
    public func leafTemplate(_ attributes: EncodedAttributes, level: Int, contiguous: Bool) -> UInt64 {
        attributes.bits | PTEBits.valid | (contiguous ? PTEBits.napot | PTEBits.napot64KiB : 0)
    }

    /// Adds the PPN; a NAPOT member keeps PPN[3:0] = 0b1000 and stores the group's base.
    @inlinable @inline(__always)
    public func leafDescriptor(template: UInt64, outputAddress: PhysicalAddress, level: Int) -> UInt64 {
        let lowMask: UInt64 = template & PTEBits.napot != 0 ? 0xFFFF : 0xFFF
        return template | ((outputAddress & ~lowMask) &>> 2) & PTEBits.physicalPageNumber
    }

    /// The PPN sits in bits 53:10 (the address shifted right by 2), so single leaves are
    /// linear with a stride of a quarter of the leaf size.
    @inlinable @inline(__always)
    public func linearLeafStride(level: Int) -> UInt64? {
        1 &<< UInt64(truncatingIfNeeded: 10 &+ 9 &* level)
    }

    /// V and R set, N, PBMT's high bit (IO and the reserved value) and the faulting bits clear,
    /// and for superpages the PPN bits below the leaf's alignment clear. Every match is a single
    /// leaf; execute-only leaves (R clear) and IO leaves are missed and decoded one by one.
    @inlinable @inline(__always)
    public func singleLeafPattern(level: Int) -> (mask: UInt64, value: UInt64)? {
        let misalignment = ((1 &<< UInt64(truncatingIfNeeded: 10 &+ 9 &* level)) &- 1) & PTEBits.physicalPageNumber
        let mask = PTEBits.valid | PTEBits.read | PTEBits.napot | PTEBits.memoryTypeMask & (2 &<< PTEBits.memoryTypeShift)
            | faultingBits | misalignment
        return (mask, PTEBits.valid | PTEBits.read)
    }
}
