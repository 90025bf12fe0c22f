extension PageTable {
    /// Checks that `start ..< start + size` is a non-empty, page-aligned input range inside the
    /// input-address space. Returns its end.
    @inlinable
    func checkInputRange(_ start: VirtualAddress, size: UInt64) throws(PageTableError) -> VirtualAddress {
        let pageMask = geometry.pageSize &- 1
        guard size != 0, size & pageMask == 0 else {
            throw PageTableError(.misaligned, at: start,
                                 "size \(hex(size)) is not a positive multiple of the \(hex(geometry.pageSize))-byte page")
        }
        guard start & pageMask == 0 else {
            throw PageTableError(.misaligned, at: start,
                                 "address \(hex(start)) is not aligned to the \(hex(geometry.pageSize))-byte page")
        }
        let (end, overflow) = start.addingReportingOverflow(size)
        guard !overflow, end <= geometry.inputLimit else {
            throw PageTableError(.outOfRange, at: start,
                                 "\(hex(start)) + \(hex(size)) exceeds the \(geometry.inputAddressBits)-bit input address space")
        }
        return end
    }

    /// Checks that `start ..< start + size` (already known page-multiple in size) is page-aligned
    /// and inside the output-address space.
    @inlinable
    func checkOutputRange(_ start: PhysicalAddress, size: UInt64, iova: VirtualAddress) throws(PageTableError) {
        guard start & (geometry.pageSize &- 1) == 0 else {
            throw PageTableError(.misaligned, at: iova,
                                 "physical address \(hex(start)) is not aligned to the \(hex(geometry.pageSize))-byte page")
        }
        let (end, overflow) = start.addingReportingOverflow(size)
        guard !overflow, geometry.outputAddressBits >= 64 || end <= geometry.outputLimit else {
            throw PageTableError(.outOfRange, at: iova,
                                 "physical \(hex(start)) + \(hex(size)) exceeds the \(geometry.outputAddressBits)-bit output address space")
        }
    }
}
