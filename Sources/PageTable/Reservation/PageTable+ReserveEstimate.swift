extension PageTable {
    /// The tables ``reserve(iova:size:)`` of `iova ..< iova + size` would allocate on the table
    /// as it is now, per level: the tables missing down to the leaf-most level, and the spares
    /// kept for parts a large leaf or a shared table covers. Exact: a pool of this many tables
    /// of these sizes is enough for the reservation, and no smaller one is.
    public func estimateReserve(iova: VirtualAddress, size: UInt64) throws(PageTableError) -> TableEstimate {
        let range = try checkInputRange(iova, size: size)
        var estimate = TableEstimate(levels: geometry.levelCount)
        countReservation(in: root, level: geometry.topLevel, base: 0, range: range, into: &estimate)
        return estimate
    }

    /// Counts what reserving `range` allocates below the table at `table` (of `level`): the
    /// same walk as the reservation itself.
    private func countReservation(in table: PhysicalAddress, level: Int, base: VirtualAddress,
                                  range: Range<VirtualAddress>, into estimate: inout TableEstimate) {
        guard level > 0 else { return }
        let shape = shapes[level]
        let everyPage = LeafPlacement(offset: 0, largestShift: shapes[0].itemShift)
        for index in indices(of: shape, base: base, range: range) {
            let start = base &+ UInt64(index) << UInt64(shape.itemShift)
            if case .table(let child) = format.decode(items(table)[index], level: level), !shared.isShared(child) {
                countReservation(in: child, level: level - 1, base: start, range: range, into: &estimate)
                continue
            }
            // Empty: new tables all the way down. A leaf or a shared table: the same as spares.
            estimate.tablesPerLevel[level - 1] += 1
            estimate.bytes += shapes[level - 1].tableBytes
            countTables(in: nil, level: level - 1, base: start, range: range, placement: everyPage, into: &estimate)
        }
    }
}
