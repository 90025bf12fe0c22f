extension PageTable {
    /// Checks that `start ..< start + size` is a non-empty, page-aligned input range inside the
    /// input-address space. Returns its end.
    ///
    /// Always inlined and reading only scalars: a call would copy the whole table value to pass
    /// `self`. The error text is built out of line, only when the check fails.
    @inlinable @inline(__always)
    func checkInputRange(_ start: VirtualAddress, size: UInt64) throws(PageTableError) -> VirtualAddress {
        let pageMask = geometry.pageSize &- 1
        let (end, overflow) = start.addingReportingOverflow(size)
        guard size != 0, (size | start) & pageMask == 0, !overflow, end <= geometry.inputLimit else {
            throw RangeCheck.inputError(start, size: size, pageSize: geometry.pageSize,
                                        inputAddressBits: geometry.inputAddressBits)
        }
        return end
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
/// numbers out of line so the checks themselves stay a few compares.
@usableFromInline
enum RangeCheck {
    /// The error for an input range that failed ``PageTable/checkInputRange(_:size:)``.
    @usableFromInline @inline(never)
    static func inputError(_ start: UInt64, size: UInt64, pageSize: UInt64, inputAddressBits: Int) -> PageTableError {
        let pageMask = pageSize &- 1
        guard size != 0, size & pageMask == 0 else {
            return PageTableError(.misaligned, at: start,
                                  "size \(hex(size)) is not a positive multiple of the \(hex(pageSize))-byte page")
        }
        guard start & pageMask == 0 else {
            return PageTableError(.misaligned, at: start,
                                  "address \(hex(start)) is not aligned to the \(hex(pageSize))-byte page")
        }
        return PageTableError(.outOfRange, at: start,
                              "\(hex(start)) + \(hex(size)) exceeds the \(inputAddressBits)-bit input address space")
    }

    /// The error for an output range that failed ``PageTable/checkOutputRange(_:size:iova:)``.
    @usableFromInline @inline(never)
    static func outputError(_ start: UInt64, size: UInt64, iova: UInt64, pageSize: UInt64,
                            outputAddressBits: Int) -> PageTableError {
        guard start & (pageSize &- 1) == 0 else {
            return PageTableError(.misaligned, at: iova,
                                  "physical address \(hex(start)) is not aligned to the \(hex(pageSize))-byte page")
        }
        return PageTableError(.outOfRange, at: iova,
                              "physical \(hex(start)) + \(hex(size)) exceeds the \(outputAddressBits)-bit output address space")
    }
}
