extension PageTable {
    /// Reserves `iova ..< iova + size`: allocates every table needed to map any page of it and
    /// pins every table it touches. While reserved, maps inside never allocate (an empty pinned
    /// table where a large leaf would go is mapped into with smaller leaves) and unmaps inside
    /// never free tables. Reservations are counted: overlapping ones compose.
    ///
    /// All or nothing: on `out-of-memory` nothing stays allocated or pinned. Parts already
    /// covered by a large leaf need no tables and are skipped.
    public mutating func reserve(iova: VirtualAddress, size: UInt64) -> RangeOutcome {
        let range: Range<VirtualAddress>
        do throws(PageTableError) {
            range = try checkInputRange(iova, size: size)
        } catch {
            return RangeOutcome(bytes: 0, error: error)
        }
        var pinned: [PhysicalAddress] = []
        var spares: [[PhysicalAddress]] = Array(repeating: [], count: geometry.levelCount)
        let error = populate(root, level: geometry.topLevel, base: 0, range: range, pinned: &pinned, spares: &spares)
        if let error {
            for table in pinned { reservations.unpin(table) }
            freeSpares(spares)
            prune(root, level: geometry.topLevel, base: 0, range: range)
            sync()
            return RangeOutcome(bytes: 0, error: error)
        }
        reservations.reservations.append(.init(range: range, pinned: pinned, spares: spares))
        reservations.spareCount += spares.reduce(0) { $0 + $1.count }
        sync()
        return RangeOutcome(bytes: size)
    }

    /// Releases a reservation made with exactly this range: unpins its tables and frees those
    /// left empty and unpinned (after the invalidation sync). A range that was not reserved is
    /// `not-mapped`.
    public mutating func release(iova: VirtualAddress, size: UInt64) -> RangeOutcome {
        let start = geometry.tableAddress(of: iova)
        guard geometry.contains(inputAddress: iova, size: size),
              let position = reservations.reservations.firstIndex(where: { $0.range == start..<(start &+ size) }) else {
            return RangeOutcome(bytes: 0, error: PageTableError(.notMapped, at: iova,
                                "no reservation of \(hex(iova)) + \(hex(size))"))
        }
        let reservation = reservations.reservations.remove(at: position)
        for table in reservation.pinned { reservations.unpin(table) }
        reservations.spareCount -= reservation.spares.reduce(0) { $0 + $1.count }
        freeSpares(reservation.spares)
        prune(root, level: geometry.topLevel, base: 0, range: reservation.range)
        sync()
        return RangeOutcome(bytes: size)
    }

    /// The reserved ranges, one entry per reservation.
    public var reservedRanges: [Range<VirtualAddress>] { reservations.reservations.map { inputRange($0.range) } }

    /// Creates and pins the tables below `table` (of `level`) that `range` needs, and sets
    /// aside as `spares` the tables that parts now covered by large leaves would need.
    private mutating func populate(_ table: PhysicalAddress, level: Int, base: VirtualAddress, range: Range<VirtualAddress>,
                                   pinned: inout [PhysicalAddress], spares: inout [[PhysicalAddress]]) -> PageTableError? {
        guard level > 0 else { return nil }
        let shape = shapes[level]
        let items = self.items(table)
        var changes = ChangedItems()
        defer { noteChanges(changes, in: table, level: level) }
        for index in indices(of: shape, base: base, range: range) {
            let start = base &+ UInt64(index) << UInt64(shape.itemShift)
            let child: PhysicalAddress
            var entry = format.decode(items[index], level: level)
            if case .table(let existing) = entry, shared.isShared(existing) {
                entry = .leaf(outputAddress: 0, contiguous: false)  // Complete and immutable: like a leaf.
            }
            switch entry {
            case .leaf:
                // Mapped by a large leaf or a shared table: keep the tables a map of pages
                // would need if it went.
                var needed = TableEstimate(levels: geometry.levelCount)
                needed.tablesPerLevel[level - 1] = 1
                countTables(in: nil, level: level - 1, base: start, range: range,
                            placement: LeafPlacement(offset: 0, largestShift: shapes[0].itemShift), into: &needed)
                for (below, count) in needed.tablesPerLevel.enumerated() {
                    for _ in 0..<count {
                        guard let spare = allocateTable(level: below, for: nil) else {
                            return .outOfMemory(inputAddress(start), bytes: shapes[below].tableBytes)
                        }
                        spares[below].append(spare)
                    }
                }
                continue
            case .table(let existing):
                child = existing
            case .empty:
                guard let fresh = allocateTable(level: level - 1, for: nil) else {
                    return .outOfMemory(inputAddress(start), bytes: shapes[level - 1].tableBytes)
                }
                var below: [PhysicalAddress] = []
                if let error = populate(fresh, level: level - 1, base: start, range: range, pinned: &below, spares: &spares) {
                    for table in below { reservations.unpin(table) }
                    prune(fresh, level: level - 1, base: start, range: range, linked: false)
                    freeTable(fresh, level: level - 1)
                    return error
                }
                pinned += below
                makeVisible(fresh, bytes: shapes[level - 1].tableBytes)
                items[index] = format.tableDescriptor(address: fresh, level: level)
                changes.add(index, count: 1)
                reservations.pin(fresh)
                pinned.append(fresh)
                continue
            }
            reservations.pin(child)
            pinned.append(child)
            if let error = populate(child, level: level - 1, base: start, range: range, pinned: &pinned,
                                    spares: &spares) { return error }
        }
        return nil
    }

    /// Returns spare tables to the allocator.
    private mutating func freeSpares(_ spares: [[PhysicalAddress]]) {
        for (level, tables) in spares.enumerated() {
            for table in tables { freeTable(table, level: level) }
        }
    }

    /// Unlinks (or, for tables never linked, frees) every table below `table` in `range` that
    /// holds nothing and is not pinned, deepest first.
    private mutating func prune(_ table: PhysicalAddress, level: Int, base: VirtualAddress, range: Range<VirtualAddress>,
                                linked: Bool = true) {
        guard level > 0 else { return }
        let shape = shapes[level]
        let items = self.items(table)
        var changes = ChangedItems()
        defer { if linked { noteChanges(changes, in: table, level: level) } }
        for index in indices(of: shape, base: base, range: range) {
            guard case .table(let child) = format.decode(items[index], level: level) else { continue }
            let start = base &+ UInt64(index) << UInt64(shape.itemShift)
            prune(child, level: level - 1, base: start, range: range, linked: linked)
            guard !reservations.isPinned(child), isEmptyTable(child, level: level - 1) else { continue }
            if linked {
                unlinkTable(child, from: items, index: index, level: level, itemStart: start)
                changes.add(index, count: 1)
            } else {
                items[index] = 0
                freeTable(child, level: level - 1)
            }
        }
    }

    /// The indices of a table of `shape` covering input addresses from `base` that `range` touches.
    func indices(of shape: LevelGeometry, base: VirtualAddress, range: Range<VirtualAddress>) -> ClosedRange<Int> {
        let spanEnd = base &+ (1 << UInt64(shape.tableSpanShift))
        return shape.index(of: max(range.lowerBound, base))...shape.index(of: min(range.upperBound, spanEnd) - 1)
    }
}
