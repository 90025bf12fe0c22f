extension PageTable {
    /// Maps the page list `pages` to consecutive input addresses from `iova`: the first
    /// extent's bytes at `iova`, the next one's right after, and so on, in one call and one sync.
    ///
    /// Leaves are chosen as ``map(iova:to:size:attributes:)`` chooses them, across extent
    /// boundaries: extents that continue each other physically are one run, so a large leaf
    /// can span them where both addresses are aligned to it.
    ///
    /// Every extent is validated before anything changes (each `physicalAddress` and `length`
    /// a multiple of the smallest page and the length positive, else `misaligned`; the total
    /// length, the input range and each output range within their address spaces, else
    /// `out-of-range`; then the attributes). The outcome is exact, counted over the whole
    /// list: on an error exactly the first ``RangeOutcome/bytes`` bytes from `iova` are mapped
    /// and nothing else changed. An empty list is `misaligned` (size 0), as an empty map is.
    @inlinable
    public mutating func map<Pages: Collection<PageExtent>>(iova: VirtualAddress, pages: Pages,
                                                            attributes: MapAttributes) -> RangeOutcome {
        let outcome = mapList(iova: iova, pages: pages, attributes: attributes)
        sync()
        return outcome
    }

    /// Validates the whole list, then maps each physically contiguous run without syncing.
    @inlinable
    mutating func mapList<Pages: Collection<PageExtent>>(iova: VirtualAddress, pages: Pages,
                                                         attributes: MapAttributes) -> RangeOutcome {
        do throws(PageTableError) {
            try checkPageList(iova: iova, pages: pages)
            _ = try encode(attributes)
        } catch {
            return RangeOutcome(bytes: 0, error: error)
        }
        var done: UInt64 = 0
        var run: PageExtent? = nil
        for extent in pages {
            if let current = run, current.physicalAddress &+ current.length == extent.physicalAddress {
                run = PageExtent(physicalAddress: current.physicalAddress, length: current.length &+ extent.length)
                continue
            }
            if let current = run {
                let outcome = mapRange(iova: iova &+ done, to: current.physicalAddress, size: current.length,
                                       attributes: attributes)
                done &+= outcome.bytes
                if let error = outcome.error { return RangeOutcome(bytes: done, error: error) }
            }
            run = extent
        }
        if let current = run {
            let outcome = mapRange(iova: iova &+ done, to: current.physicalAddress, size: current.length,
                                   attributes: attributes)
            done &+= outcome.bytes
            if let error = outcome.error { return RangeOutcome(bytes: done, error: error) }
        }
        return RangeOutcome(bytes: done)
    }

    /// Throws the first validation error of mapping `pages` at `iova`, in the order of
    /// ``map(iova:to:size:attributes:)``'s checks: extent sizes and alignment, the total and
    /// the input range, then each extent's output range.
    @inlinable
    func checkPageList<Pages: Collection<PageExtent>>(iova: VirtualAddress, pages: Pages) throws(PageTableError) {
        let pageMask = geometry.pageSize &- 1
        var total: UInt64 = 0
        for extent in pages {
            guard extent.length != 0, extent.length & pageMask == 0 else {
                throw PageTableError(.misaligned, at: iova &+ total,
                                     "extent length \(hex(extent.length)) is not a positive multiple of the \(hex(geometry.pageSize))-byte page")
            }
            let (sum, overflow) = total.addingReportingOverflow(extent.length)
            guard !overflow else {
                throw PageTableError(.outOfRange, at: iova, "the extents' lengths add up to more than 64 bits")
            }
            total = sum
        }
        _ = try checkInputRange(iova, size: total)
        var offset: UInt64 = 0
        for extent in pages {
            try checkOutputRange(extent.physicalAddress, size: extent.length, iova: iova &+ offset)
            offset &+= extent.length
        }
    }
}
