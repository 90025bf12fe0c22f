extension PageTable {
    /// Checks that `start ..< start + size` is a non-empty, page-aligned input range inside
    /// one part of the geometry's ``InputRange``. Returns it as table addresses (the low
    /// input-address bits), which the walker works with; ``inputAddress(_:)`` turns them back.
    ///
    /// Always inlined and reading only scalars: a call would copy the whole table value to pass
    /// `self`. The error text is built out of line, only when the check fails.
    @inlinable @inline(__always)
    func checkInputRange(_ start: VirtualAddress, size: UInt64) throws(PageTableError) -> Range<VirtualAddress> {
        let pageMask = geometry.pageSize &- 1
        guard size != 0, (size | start) & pageMask == 0, geometry.contains(inputAddress: start, size: size) else {
            throw RangeCheck.inputError(start, size: size, pageSize: geometry.pageSize,
                                        inputAddressBits: geometry.inputAddressBits, inputRange: geometry.inputRange)
        }
        let tableStart = geometry.tableAddress(of: start)
        return tableStart..<(tableStart &+ size)
    }

    /// The input address (as callers and the hardware see it) of the table address `address`.
    @inlinable @inline(__always)
    func inputAddress(_ address: VirtualAddress) -> VirtualAddress {
        geometry.inputAddress(ofTable: address)
    }

    /// The input addresses of the table addresses `range` (see ``TableGeometry/inputAddresses(ofTable:)``).
    @inlinable
    func inputRange(_ range: Range<VirtualAddress>) -> Range<VirtualAddress> {
        geometry.inputAddresses(ofTable: range)
    }

    /// Checks that `start ..< start + size` (already known page-multiple in size) is page-aligned
    /// and inside the output-address space.
    @inlinable @inline(__always)
    func checkOutputRange(_ start: PhysicalAddress, size: UInt64, iova: VirtualAddress) throws(PageTableError) {
        let (end, overflow) = start.addingReportingOverflow(size)
        guard start & (geometry.pageSize &- 1) == 0, !overflow,
              geometry.outputAddressBits >= 64 || end <= geometry.outputLimit else {
            throw RangeCheck.outputError(start, size: size, iova: iova, pageSize: geometry.pageSize,
                                         outputAddressBits: geometry.outputAddressBits)
        }
    }
}

/// The failure side of the range checks: which check failed and its message, built from plain
/// numbers out of line so the checks themselves stay a few compares. Shared with the
/// concurrent table, whose calls refuse the same ranges with the same errors.
@usableFromInline
package enum RangeCheck {
    /// The error for an input range that failed ``PageTable/checkInputRange(_:size:)``.
    @usableFromInline @inline(never)
    package static func inputError(_ start: UInt64, size: UInt64, pageSize: UInt64, inputAddressBits: Int,
                           inputRange: InputRange) -> PageTableError {
        let pageMask = pageSize &- 1
        guard size != 0, size & pageMask == 0 else {
            return PageTableError(.misaligned, at: start,
                                  "size \(hex(size)) is not a positive multiple of the \(hex(pageSize))-byte page")
        }
        guard start & pageMask == 0 else {
            return PageTableError(.misaligned, at: start,
                                  "address \(hex(start)) is not aligned to the \(hex(pageSize))-byte page")
        }
        let range = "\(hex(start)) + \(hex(size))"
        switch inputRange {
        case .lower:
            return PageTableError(.outOfRange, at: start, "\(range) exceeds the \(inputAddressBits)-bit input address space")
        case .upper:
            return PageTableError(.outOfRange, at: start,
                                  "\(range) is not inside the upper \(inputAddressBits)-bit input range (bits 63:\(inputAddressBits) all ones)")
        case .signExtended:
            return PageTableError(.outOfRange, at: start,
                                  "\(range) is not inside one half of the \(inputAddressBits)-bit canonical (sign-extended) input range")
        }
    }

    /// The error for an output range that failed ``PageTable/checkOutputRange(_:size:iova:)``.
    @usableFromInline @inline(never)
    package static func outputError(_ start: UInt64, size: UInt64, iova: UInt64, pageSize: UInt64,
                            outputAddressBits: Int) -> PageTableError {
        guard start & (pageSize &- 1) == 0 else {
            return PageTableError(.misaligned, at: iova,
                                  "physical address \(hex(start)) is not aligned to the \(hex(pageSize))-byte page")
        }
        return PageTableError(.outOfRange, at: iova,
                              "physical \(hex(start)) + \(hex(size)) exceeds the \(outputAddressBits)-bit output address space")
    }
}
