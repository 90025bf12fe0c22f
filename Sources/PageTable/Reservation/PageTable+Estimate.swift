extension PageTable {
    /// The tables a map of `iova ..< iova + size` would allocate on the table as it is now.
    ///
    /// With `physicalAddress`, the leaves the map would choose are known and the estimate is
    /// exact for a map that succeeds (a map stopped by a conflict allocates less). Without it,
    /// the worst case: every page the smallest leaf. Tables that already exist cost nothing;
    /// neither do parts already covered by larger leaves (such a map would conflict there).
    public func estimateMap(iova: VirtualAddress, size: UInt64,
                            physicalAddress: PhysicalAddress? = nil) throws(PageTableError) -> TableEstimate {
        let range = try checkInputRange(iova, size: size)
        if let physicalAddress { try checkOutputRange(physicalAddress, size: size, iova: iova) }
        var estimate = TableEstimate(levels: geometry.levelCount)
        // Leaves may be used only where both addresses align; with no output address given,
        // only pages of the smallest size.
        let placement = physicalAddress.map { LeafPlacement(offset: $0 &- range.lowerBound, largestShift: .max) }
            ?? LeafPlacement(offset: 0, largestShift: shapes[0].itemShift)
        countTables(in: root, level: geometry.topLevel, base: 0, range: range, placement: placement, into: &estimate)
        return estimate
    }

    /// The tables a page-list map (``map(iova:pages:attributes:)``) of `pages` from `iova`
    /// would allocate on the table as it is now: exact for a map that succeeds, as
    /// ``estimateMap(iova:size:physicalAddress:)`` is, with the leaves the list allows (large
    /// leaves across extents that continue each other physically). Throws the map's
    /// validation errors.
    public func estimateMap(iova: VirtualAddress, pages: [PageExtent]) throws(PageTableError) -> TableEstimate {
        try pageListEstimate(iova: iova, pages: pages, onEmptyTable: false)
    }

    /// The tables a page-list map would allocate on the table as it is now, or with
    /// `onEmptyTable` if no table existed below the top one.
    func pageListEstimate(iova: VirtualAddress, pages: [PageExtent],
                          onEmptyTable: Bool) throws(PageTableError) -> TableEstimate {
        try checkPageList(iova: iova, pages: pages)
        let total = pages.reduce(0) { $0 &+ $1.length }  // Checked: no overflow.
        let range = try checkInputRange(iova, size: total)
        // The runs the map makes: extents that continue each other physically are one.
        var placement = LeafPlacement(offset: 0, largestShift: .max)
        var start = range.lowerBound
        for extent in pages {
            let offset = extent.physicalAddress &- start
            if let last = placement.runs.last, last.offset == offset {
                placement.runs[placement.runs.count - 1].end = start &+ extent.length
            } else {
                placement.runs.append(LeafPlacement.Run(start: start, end: start &+ extent.length, offset: offset))
            }
            start &+= extent.length
        }
        var estimate = TableEstimate(levels: geometry.levelCount)
        countTables(in: onEmptyTable ? nil : root, level: geometry.topLevel, base: 0, range: range, placement: placement,
                    into: &estimate)
        return estimate
    }

    /// The tables an unmap of `iova ..< iova + size` would allocate. Leaves are never split,
    /// so only shared tables cost anything: one copy per shared table the range covers only in
    /// part (at most one path per end of the range, so about 2 x levels). Exact for an unmap
    /// that succeeds.
    public func estimateUnmap(iova: VirtualAddress, size: UInt64) throws(PageTableError) -> TableEstimate {
        try copyEstimate(iova: iova, size: size, dropsCovered: true)
    }

    /// The copies of shared tables a walk of `iova ..< iova + size` makes: an unmap's
    /// (`dropsCovered`: a shared table the range covers is dropped, not copied) or a protect's
    /// (every shared table entered is copied).
    func copyEstimate(iova: VirtualAddress, size: UInt64, dropsCovered: Bool) throws(PageTableError) -> TableEstimate {
        let range = try checkInputRange(iova, size: size)
        var estimate = TableEstimate(levels: geometry.levelCount)
        guard !shared.isEmpty else { return estimate }
        var counts = ReferenceChanges()
        countCopies(in: root, level: geometry.topLevel, base: 0, range: range, dropsCovered: dropsCovered,
                    counts: &counts, into: &estimate)
        return estimate
    }

    /// Reference counts as an unmap would leave them part-way, in the order it works.
    private struct ReferenceChanges {
        var delta: [PhysicalAddress: Int] = [:]
    }

    /// Counts the copies an unmap (or with `dropsCovered` false, a protect) of `range` makes
    /// below the table at `table` (of `level`), following it item by item: a copy moves one
    /// reference from the shared table to the copy and adds one to everything the copy points
    /// at; an unmap covering a shared table drops a reference (and at zero, its references to
    /// what it points at).
    private func countCopies(in table: PhysicalAddress, level: Int, base: VirtualAddress, range: Range<VirtualAddress>,
                             dropsCovered: Bool, counts: inout ReferenceChanges, into estimate: inout TableEstimate) {
        guard level > 0 else { return }
        let shape = shapes[level]
        let first = shape.index(of: max(range.lowerBound, base))
        let last = shape.index(of: min(range.upperBound, base &+ (1 << UInt64(shape.tableSpanShift))) - 1)
        for index in first...last {
            guard case .table(let child) = format.decode(items(table)[index], level: level) else { continue }
            let start = base &+ UInt64(index) << UInt64(shape.itemShift)
            let covered = range.lowerBound <= start && range.upperBound >= start &+ shape.itemSize
            if shared.count(child) + counts.delta[child, default: 0] > 1 {
                if covered && dropsCovered {
                    drop(child, level: level - 1, counts: &counts)
                    continue
                }
                estimate.tablesPerLevel[level - 1] += 1
                estimate.bytes += shapes[level - 1].tableBytes
                counts.delta[child, default: 0] -= 1
                forEachChild(of: child, level: level - 1) { counts.delta[$0, default: 0] += 1 }
            }
            countCopies(in: child, level: level - 1, base: start, range: range, dropsCovered: dropsCovered,
                        counts: &counts, into: &estimate)
        }
    }

    private func drop(_ table: PhysicalAddress, level: Int, counts: inout ReferenceChanges) {
        counts.delta[table, default: 0] -= 1
        guard shared.count(table) + counts.delta[table, default: 0] == 0 else { return }
        forEachChild(of: table, level: level) { drop($0, level: level - 1, counts: &counts) }
    }

    private func forEachChild(of table: PhysicalAddress, level: Int, _ body: (PhysicalAddress) -> Void) {
        guard level > 0 else { return }
        for index in 0..<shapes[level].itemCount {
            if case .table(let child) = format.decode(items(table)[index], level: level) { body(child) }
        }
    }

    /// Where leaves can go: output = input + `offset` (or, for a page list, each run's own
    /// offset), no larger than `1 << largestShift`.
    struct LeafPlacement {
        var offset: UInt64
        var largestShift: Int
        /// A page list's physically contiguous runs in input order; empty: `offset` everywhere.
        var runs: [Run] = []

        /// Input addresses `start ..< end` mapped to output = input + `offset`.
        struct Run {
            var start: VirtualAddress
            var end: VirtualAddress
            var offset: UInt64
        }

        init(offset: UInt64, largestShift: Int) {
            self.offset = offset
            self.largestShift = largestShift
        }

        /// Whether a leaf can cover the whole item at `start` of a level with `shape`.
        func fits(_ start: VirtualAddress, _ shape: LevelGeometry) -> Bool {
            guard shape.allowsLeaf, shape.itemShift <= largestShift,
                  let offset = offset(over: start, start &+ shape.itemSize) else { return false }
            return (start | (start &+ offset)) & (shape.itemSize - 1) == 0
        }

        /// The offset of `start ..< end` if one run holds all of it (a leaf cannot span runs).
        func offset(over start: VirtualAddress, _ end: VirtualAddress) -> UInt64? {
            guard !runs.isEmpty else { return offset }
            var low = 0, high = runs.count  // The first run starting after `start`.
            while low < high {
                let middle = (low + high) / 2
                if runs[middle].start <= start { low = middle + 1 } else { high = middle }
            }
            guard low > 0, end <= runs[low - 1].end else { return nil }
            return runs[low - 1].offset
        }
    }

    /// Counts tables to allocate below the items of the table at `table` (of `level`, covering
    /// input addresses from `base`) that `range` touches. `table == nil` is a table the map
    /// would itself allocate: everything below it is new.
    func countTables(in table: PhysicalAddress?, level: Int, base: VirtualAddress, range: Range<VirtualAddress>,
                       placement: LeafPlacement, into estimate: inout TableEstimate) {
        guard level > 0 else { return }  // Level 0 holds leaves only.
        let shape = shapes[level]
        let below = shapes[level - 1]
        let first = shape.index(of: max(range.lowerBound, base))
        let last = shape.index(of: min(range.upperBound, base &+ (1 << UInt64(shape.tableSpanShift))) - 1)
        var index = first
        while index <= last {
            let start = base &+ UInt64(index) << UInt64(shape.itemShift)
            let end = start &+ shape.itemSize
            let covered = range.lowerBound <= start && range.upperBound >= end
            if covered && placement.fits(start, shape) { index += 1; continue }  // A leaf here.
            switch table.map({ format.decode(items($0)[index], level: level) }) ?? .empty {
            case .leaf:
                index += 1  // Already mapped: the map would stop here.
            case .table(let child):
                countTables(in: child, level: level - 1, base: start, range: range, placement: placement, into: &estimate)
                index += 1
            case .empty:
                // New tables: fully covered items of a new table all need the same, so count one
                // and multiply by the run; partly covered ones (at most two) one by one.
                var run = 1
                if covered && table == nil {
                    // Within one run of a page list only: the next run may place other leaves.
                    while index + run <= last,
                          range.upperBound >= start &+ UInt64(run + 1) << UInt64(shape.itemShift),
                          placement.offset(over: start, start &+ UInt64(run + 1) << UInt64(shape.itemShift)) != nil {
                        run += 1
                    }
                }
                var one = TableEstimate(levels: geometry.levelCount)
                one.tablesPerLevel[level - 1] = 1
                one.bytes = below.tableBytes
                countTables(in: nil, level: level - 1, base: start, range: range, placement: placement, into: &one)
                estimate.add(one, times: run)
                index += run
            }
        }
    }
}
