extension PageTable {
    /// The tables a repeat would allocate on the table as it is now: private tables at the
    /// unaligned ends and one shared table per level of the chain (exact for a repeat that
    /// succeeds). Without shared tables, what a map of `pageSize` pages would allocate.
    public func estimateRepeat(iova: VirtualAddress, size: UInt64, pageSize: UInt64) throws(PageTableError) -> TableEstimate {
        try repeatEstimate(iova: iova, size: size, pageSize: pageSize, onEmptyTable: false)
    }

    /// With `onEmptyTable`, as if no table existed below the top: an upper bound for any state.
    func repeatEstimate(iova: VirtualAddress, size: UInt64, pageSize: UInt64,
                        onEmptyTable: Bool) throws(PageTableError) -> TableEstimate {
        let shift = pageSize.trailingZeroBitCount
        guard pageSize.nonzeroBitCount == 1, (iova | size) & (pageSize &- 1) == 0,
              let pageLevel = (0..<geometry.levelCount).first(where: {
                  shapes[$0].allowsLeaf && shapes[$0].itemShift == shift }) else {
            throw PageTableError(.misaligned, at: iova, "\(hex(iova)) + \(hex(size)) is not a repeat of \(hex(pageSize)) pages")
        }
        let range = try checkInputRange(iova, size: size)
        var estimate = TableEstimate(levels: geometry.levelCount)
        guard format.allowsSharedTables else {
            countTables(in: onEmptyTable ? nil : root, level: geometry.topLevel, base: 0, range: range,
                        placement: LeafPlacement(offset: 0, largestShift: shift), into: &estimate)
            return estimate
        }
        var chainTop = -1
        countRepeat(in: onEmptyTable ? nil : root, level: geometry.topLevel, base: 0, range: range, pageLevel: pageLevel,
                    chainTop: &chainTop, into: &estimate)
        if chainTop >= pageLevel {
            for level in pageLevel...chainTop {
                estimate.tablesPerLevel[level] += 1
                estimate.bytes += shapes[level].tableBytes
            }
        }
        return estimate
    }

    /// Counts private tables below `table` (`nil`: one the repeat would allocate) and the
    /// highest chain level fully covered items would point at.
    private func countRepeat(in table: PhysicalAddress?, level: Int, base: VirtualAddress, range: Range<VirtualAddress>,
                             pageLevel: Int, chainTop: inout Int, into estimate: inout TableEstimate) {
        guard level > pageLevel else { return }
        let shape = shapes[level]
        let first = shape.index(of: max(range.lowerBound, base))
        let last = shape.index(of: min(range.upperBound, base &+ (1 << UInt64(shape.tableSpanShift))) - 1)
        for index in first...last {
            let start = base &+ UInt64(index) << UInt64(shape.itemShift)
            let covers = range.lowerBound <= start && range.upperBound >= start &+ shape.itemSize
            switch table.map({ format.decode(items($0)[index], level: level) }) ?? .empty {
            case .leaf:
                continue
            case .table(let child):
                if !shared.isShared(child) {
                    countRepeat(in: child, level: level - 1, base: start, range: range, pageLevel: pageLevel,
                                chainTop: &chainTop, into: &estimate)
                }
            case .empty:
                if covers {
                    chainTop = max(chainTop, level - 1)
                } else {
                    estimate.tablesPerLevel[level - 1] += 1
                    estimate.bytes += shapes[level - 1].tableBytes
                    countRepeat(in: nil, level: level - 1, base: start, range: range, pageLevel: pageLevel,
                                chainTop: &chainTop, into: &estimate)
                }
            }
        }
    }
}
