extension PageTable {
    /// Maps `iova ..< iova + size` to `physicalAddress ..< physicalAddress + size`.
    ///
    /// At each position the largest leaf legal there is used: the alignment of both addresses
    /// and the remaining length decide. Tables are allocated on demand.
    ///
    /// The outcome is exact (see `docs/semantics.md`): on success everything is mapped; on an
    /// error, exactly the first ``RangeOutcome/bytes`` bytes are mapped and nothing else
    /// changed -- tables allocated for the failed part are freed again. Validation errors
    /// (`misaligned`, `out-of-range`, `invalid-attributes`) map nothing. Existing leaves are
    /// never overwritten: reaching one stops the map with `already-mapped`.
    ///
    /// Filling empty slots needs no invalidation; replacing tables does, and is synced before
    /// this returns.
    @inlinable
    public mutating func map(iova: VirtualAddress, to physicalAddress: PhysicalAddress, size: UInt64,
                             attributes: MapAttributes) -> RangeOutcome {
        let outcome = mapRange(iova: iova, to: physicalAddress, size: size, attributes: attributes)
        sync()
        return outcome
    }

    /// Maps `iova ..< iova + size` like ``map(iova:to:size:attributes:)``, but all or nothing:
    /// on any error it undoes exactly what it mapped (freeing the tables it allocated) and
    /// reports 0 bytes with the error. The table afterwards is identical to before. Leaves it
    /// mapped and removed again are invalidated in the same single sync.
    @inlinable
    public mutating func mapAll(iova: VirtualAddress, to physicalAddress: PhysicalAddress, size: UInt64,
                                attributes: MapAttributes) -> RangeOutcome {
        var outcome = mapRange(iova: iova, to: physicalAddress, size: size, attributes: attributes)
        if outcome.error != nil && outcome.bytes > 0 {
            let undone = unmapRange(iova: iova, size: outcome.bytes)
            assert(undone.isComplete, "undoing a mapped prefix cannot fail: \(undone)")
            outcome.bytes = 0
        }
        sync()
        return outcome
    }

    /// Maps `pageCount` pages of exactly `pageSize` bytes, as Linux's io-pgtable `map_pages`
    /// does, for callers porting from it: every leaf is `pageSize` (never larger), so each page
    /// can later be unmapped on its own. The outcome is the same exact (bytes, error) pair as
    /// ``map(iova:to:size:attributes:)``; it never stops short without an error.
    ///
    /// `pageSize` must be one of the format's leaf sizes and both addresses aligned to it
    /// (else `misaligned`); `pageCount` must be positive.
    @inlinable
    public mutating func mapPages(iova: VirtualAddress, to physicalAddress: PhysicalAddress, pageSize: UInt64,
                                  pageCount: Int, attributes: MapAttributes) -> RangeOutcome {
        let shift = pageSize.trailingZeroBitCount
        guard pageSize.nonzeroBitCount == 1, geometry.leafSizeShifts.contains(shift) else {
            return RangeOutcome(bytes: 0, error: PageTableError(.misaligned, at: iova,
                                "page size \(hex(pageSize)) is not a leaf size of \(format.name)"))
        }
        guard (iova | physicalAddress) & (pageSize &- 1) == 0 else {
            return RangeOutcome(bytes: 0, error: PageTableError(.misaligned, at: iova,
                                "\(hex(iova)) -> \(hex(physicalAddress)) is not aligned to the \(hex(pageSize))-byte page"))
        }
        let (size, overflow) = pageSize.multipliedReportingOverflow(by: UInt64(max(pageCount, 0)))
        guard !overflow else {
            return RangeOutcome(bytes: 0, error: PageTableError(.outOfRange, at: iova,
                                "\(pageCount) pages of \(hex(pageSize)) bytes exceed the address space"))
        }
        let outcome = mapRange(iova: iova, to: physicalAddress, size: size, attributes: attributes,
                               largestLeafShift: shift)
        sync()
        return outcome
    }

    /// Validates and maps without syncing: the shared body of the public map operations.
    @inlinable
    mutating func mapRange(iova: VirtualAddress, to physicalAddress: PhysicalAddress, size: UInt64,
                           attributes: MapAttributes, largestLeafShift: Int = .max) -> RangeOutcome {
        let encoded: Format.EncodedAttributes
        let range: Range<VirtualAddress>
        do throws(PageTableError) {
            range = try checkInputRange(iova, size: size)
        } catch {
            return mapBeyondTop(&self, iova, physicalAddress, size, attributes, largestLeafShift, error)
        }
        do throws(PageTableError) {
            try checkOutputRange(physicalAddress, size: size, iova: iova)
            encoded = try encode(attributes)
        } catch {
            return RangeOutcome(bytes: 0, error: error)
        }
        let straight = mapOneLeaf(range.lowerBound, to: physicalAddress, size: size, largestLeafShift: largestLeafShift,
                                  attributes: encoded)
        if straight.handled { return RangeOutcome(bytes: straight.error == nil ? size : 0, error: straight.error) }
        var cursor = MapCursor(address: range.lowerBound, output: physicalAddress, end: range.upperBound,
                               largestLeafShift: largestLeafShift)
        let error = mapItems(in: root, level: geometry.topLevel, linked: true, cursor: &cursor, attributes: encoded)
        return RangeOutcome(bytes: cursor.address &- range.lowerBound, error: error)
    }

    /// The format's encoding of `attributes`, reusing the last one when they are the same.
    @inlinable
    mutating func encode(_ attributes: MapAttributes) throws(PageTableError) -> Format.EncodedAttributes {
        if let last = lastEncoding, last.attributes == attributes { return last.encoded }
        let encoded = try format.encode(attributes)
        lastEncoding = (attributes, encoded)
        return encoded
    }

    /// The most common maps, exactly one leaf (one page, one block, one contiguous group),
    /// done in one straight walk: down existing private tables to the leaf's level, or to an
    /// empty item, below which it builds the missing tables, filled before they are linked.
    /// Returns `handled: false`, having changed nothing, when the map is not one leaf or the
    /// walk meets anything else (a shared table, a leaf, an occupied slot); the general path
    /// then does the map. Every change, invalidation note and failure is the general path's for
    /// the same map.
    @inlinable @inline(__always)
    mutating func mapOneLeaf(_ iova: VirtualAddress, to physicalAddress: PhysicalAddress, size: UInt64,
                             largestLeafShift: Int, attributes: Format.EncodedAttributes)
        -> (handled: Bool, error: PageTableError?) {
        let shift = size.trailingZeroBitCount
        guard size.nonzeroBitCount == 1, shift <= largestLeafShift, (iova | physicalAddress) & (size &- 1) == 0
        else { return (false, nil) }
        var table = root
        var level = geometry.topLevel
        while shapes[level].itemShift > shift {
            guard level > 0 else { return (false, nil) }
            let index = shapes[level].index(of: iova)
            switch format.decode(items(table)[index], level: level) {
            case .table(let child):
                guard shared.isEmpty || !shared.isShared(child) else { return (false, nil) }
                table = child
                level &-= 1
            case .empty:
                // Missing tables: the leaf's level must exist below, allowing leaves.
                var leafLevel = level &- 1
                while leafLevel > 0 && shapes[leafLevel].itemShift > shift { leafLevel &-= 1 }
                guard let groupLog2 = oneLeafGroupLog2(shift, level: leafLevel) else { return (false, nil) }
                let built = buildFreshPath(level: level &- 1, leafLevel: leafLevel, iova: iova,
                                           leaf: (physicalAddress, groupLog2, attributes))
                guard let child = built.table else { return (true, built.error) }
                items(table)[index] = format.tableDescriptor(address: child, level: level)
                if format.cachesInvalidEntries {
                    let itemStart = iova & ~(shapes[level].itemSize &- 1)
                    gather.addWalks(itemStart, itemStart &+ shapes[level].itemSize, level: level)
                }
                var changes = ChangedItems()
                changes.add(index, count: 1)
                noteChanges(changes, in: table, level: level)
                return (true, nil)
            case .leaf:
                return (false, nil)
            }
        }
        guard let groupLog2 = oneLeafGroupLog2(shift, level: level) else { return (false, nil) }
        let index = shapes[level].index(of: iova)
        let leaves = items(table)
        let count = 1 &<< groupLog2
        for member in index..<(index &+ count) {
            let existing = leaves[member]
            guard existing == 0 || format.decode(existing, level: level) == .empty else { return (false, nil) }
        }
        writeOneLeaf(leaves, at: index, level: level, output: physicalAddress, groupLog2: groupLog2,
                     attributes: attributes)
        noteFilled(iova, iova &+ size, level: level)
        var changes = ChangedItems()
        changes.add(index, count: count)
        noteChanges(changes, in: table, level: level)
        return (true, nil)
    }

    /// For a leaf of `1 << shift` bytes at `level` (the first level whose items are at most
    /// that size): 0 if it is one single leaf there, the level's group log2 if it is one whole
    /// contiguous group (as the general path writes an aligned group), `nil` if neither.
    @inlinable @inline(__always)
    func oneLeafGroupLog2(_ shift: Int, level: Int) -> Int? {
        let shape = shapes[level]
        guard shape.allowsLeaf else { return nil }
        if shape.itemShift == shift { return 0 }
        return shape.contiguousLog2 > 0 && shape.itemShift &+ shape.contiguousLog2 == shift ? shape.contiguousLog2 : nil
    }

    /// Writes one leaf at item `index` of a table of `level`: a single leaf, or with
    /// `groupLog2 > 0` the members of one contiguous group, as ``writeGroupRun`` writes them.
    @inlinable @inline(__always)
    func writeOneLeaf(_ leaves: TableItems<Format.Descriptor>, at index: Int, level: Int, output: PhysicalAddress,
                      groupLog2: Int, attributes: Format.EncodedAttributes) {
        guard groupLog2 > 0 else {
            let template = format.leafTemplate(attributes, level: level, contiguous: false)
            leaves[index] = format.leafDescriptor(template: template, outputAddress: output, level: level)
            return
        }
        let template = format.leafTemplate(attributes, level: level, contiguous: true)
        let end = index &+ (1 &<< groupLog2)
        if let stride = format.linearGroupStride(level: level) {
            var descriptor = format.leafDescriptor(template: template, outputAddress: output, level: level)
            for member in index..<end {
                leaves[member] = descriptor
                descriptor &+= stride
            }
        } else {
            let itemSize = shapes[level].itemSize
            var address = output
            for member in index..<end {
                leaves[member] = format.leafDescriptor(template: template, outputAddress: address, level: level)
                address &+= itemSize
            }
        }
    }

    /// Allocates the tables of levels `level` down to `leafLevel` for the one leaf `leaf` at
    /// `iova` (its output address, group log2 as ``oneLeafGroupLog2(_:level:)`` gives it, and
    /// attributes), each filled and cleaned before its parent points at it, as ``mapBelow``
    /// builds them. Returns the table of `level`, or the allocation failure, with every table
    /// it allocated given back (deepest first, spares to their reservation).
    @inlinable
    mutating func buildFreshPath(level: Int, leafLevel: Int, iova: VirtualAddress,
                                 leaf: (output: PhysicalAddress, groupLog2: Int, attributes: Format.EncodedAttributes))
        -> (table: PhysicalAddress?, error: PageTableError?) {
        guard let table = allocateTable(level: level, for: iova) else {
            return (nil, .outOfMemory(inputAddress(iova), bytes: shapes[level].tableBytes))
        }
        let index = shapes[level].index(of: iova)
        if level == leafLevel {
            writeOneLeaf(items(table), at: index, level: level, output: leaf.output, groupLog2: leaf.groupLog2,
                         attributes: leaf.attributes)
        } else {
            let below = buildFreshPath(level: level &- 1, leafLevel: leafLevel, iova: iova, leaf: leaf)
            guard let child = below.table else {
                if reservations.isPinned(table) {
                    reservations.returnSpare(table, level: level)
                } else {
                    freeTable(table, level: level)
                }
                return (nil, below.error)
            }
            items(table)[index] = format.tableDescriptor(address: child, level: level)
        }
        makeVisible(table, bytes: shapes[level].tableBytes)
        return (table, nil)
    }

    /// The page table (level 0) below existing, unshared tables that holds `iova`, and the
    /// item's index in it; `nil` if the walk meets anything but a private table above level 0.
    @inlinable @inline(__always)
    func walkToPage(_ iova: VirtualAddress) -> (table: PhysicalAddress, index: Int)? {
        var table = root
        var level = geometry.topLevel
        while level > 0 {
            guard case .table(let child) = format.decode(items(table)[shapes[level].index(of: iova)], level: level),
                  shared.isEmpty || !shared.isShared(child) else { return nil }
            table = child
            level &-= 1
        }
        return (table, shapes[0].index(of: iova))
    }

    /// Maps from `cursor` into the table at `table` (of `level`) until the range or the table
    /// ends. Returns the error that stopped it; `cursor` then points at the first unmapped byte.
    /// `linked` says whether the hardware can already reach this table: changes to a linked
    /// table are recorded for cache cleaning (and, where the hardware caches invalid entries,
    /// invalidation); a fresh table is cleaned whole when it is linked.
    @inlinable
    mutating func mapItems(in table: PhysicalAddress, level: Int, linked: Bool, cursor: inout MapCursor,
                           attributes: Format.EncodedAttributes) -> PageTableError? {
        let shape = shapes[level]
        let items = self.items(table)
        let itemSize = shape.itemSize
        let itemMask = itemSize &- 1
        let groupItems = 1 &<< shape.contiguousLog2
        // Groups at this level, if any and if the map may use them; a group starts only where
        // both addresses are aligned to it.
        let groups = groupItems > 1 && shape.itemShift &+ shape.contiguousLog2 <= cursor.largestLeafShift
        let groupMask = (itemSize &<< UInt64(shape.contiguousLog2)) &- 1
        var index = shape.index(of: cursor.address)
        var singlesBefore = 0  // Items before this one take no group (a reserved span, see below).
        var changes = ChangedItems()
        defer { if linked { noteChanges(changes, in: table, level: level) } }
        while index < shape.itemCount && cursor.address < cursor.end {
            let remaining = cursor.end &- cursor.address
            let alignment = cursor.address | cursor.output
            let before = cursor.address
            if shape.allowsLeaf && shape.itemShift <= cursor.largestLeafShift {
                if groups && alignment & groupMask == 0 && remaining > groupMask && index >= singlesBefore {
                    // A run of whole groups: to the end of the range or the table.
                    let count = min((shape.itemCount &- index) &>> shape.contiguousLog2,
                                    Int(truncatingIfNeeded: remaining &>> UInt64(shape.itemShift &+ shape.contiguousLog2)))
                    let error = writeGroupRun(items, from: index, count: count, level: level, cursor: &cursor,
                                              attributes: attributes)
                    let written = Int(truncatingIfNeeded: (cursor.address &- before) &>> UInt64(shape.itemShift))
                    changes.add(index, count: written)
                    if linked { noteFilled(before, cursor.address, level: level) }
                    index &+= written
                    guard let error else { continue }
                    // Empty tables pinned by a reservation in the group's span: smaller leaves there.
                    guard level > 0, holdsOnlyReservedTables(items, from: index, count: groupItems, level: level) else {
                        return error
                    }
                    singlesBefore = index &+ groupItems
                    continue
                }
                if alignment & itemMask == 0 && remaining >= itemSize {
                    // A run of single leaves: to the end of the range, the table, or the next
                    // position where a contiguous group could start (none can where the input
                    // and output addresses differ modulo the group's size).
                    var runEnd = min(shape.itemCount, index &+ Int(truncatingIfNeeded: remaining &>> UInt64(shape.itemShift)))
                    if groups && (cursor.address ^ cursor.output) & groupMask == 0 {
                        runEnd = min(runEnd, (index | (groupItems &- 1)) &+ 1)
                    }
                    let error = writeLeafRun(items, from: index, to: runEnd, level: level, cursor: &cursor,
                                             attributes: attributes)
                    let written = Int(truncatingIfNeeded: (cursor.address &- before) &>> UInt64(shape.itemShift))
                    changes.add(index, count: written)
                    if linked { noteFilled(before, cursor.address, level: level) }
                    index &+= written
                    guard let error else { continue }
                    // An empty table pinned by a reservation stands where a leaf would go: map
                    // into it with smaller leaves instead, never freeing it.
                    guard level > 0, case .table(let child) = format.decode(items[index], level: level),
                          reservations.isPinned(child), holdsNoLeaves(child, level: level &- 1) else { return error }
                    if let error = mapItems(in: child, level: level &- 1, linked: linked, cursor: &cursor,
                                            attributes: attributes) { return error }
                    index &+= 1
                    continue
                }
            }
            let (linkedHere, error) = mapBelow(items, index: index, level: level, linked: linked, cursor: &cursor,
                                               attributes: attributes)
            if linkedHere {
                changes.add(index, count: 1)
                if linked && format.cachesInvalidEntries {
                    gather.addWalks(before & ~itemMask, (before & ~itemMask) &+ itemSize, level: level)
                }
            }
            if let error { return error }
            index &+= 1
        }
        return nil
    }

    /// Empty slots in `start ..< end` of a live table were filled: hardware that caches invalid
    /// entries must drop them.
    @inlinable
    mutating func noteFilled(_ start: VirtualAddress, _ end: VirtualAddress, level: Int) {
        if format.cachesInvalidEntries && start < end { gather.addLeaves(start, end, level: level) }
    }

    /// Writes single leaves into items `from ..< to`, stopping at the first occupied item.
    @inlinable
    func writeLeafRun(_ items: TableItems<Format.Descriptor>, from start: Int, to end: Int, level: Int,
                      cursor: inout MapCursor, attributes: Format.EncodedAttributes) -> PageTableError? {
        let template = format.leafTemplate(attributes, level: level, contiguous: false)
        let itemSize = shapes[level].itemSize
        var output = cursor.output
        var index = start
        defer {
            let done = UInt64(truncatingIfNeeded: index &- start) &* itemSize
            cursor.address &+= done
            cursor.output &+= done
        }
        if let stride = format.linearLeafStride(level: level) {
            // The common case: each descriptor is the previous one plus a constant.
            var descriptor = format.leafDescriptor(template: template, outputAddress: output, level: level)
            // Every slot zero (a fresh table): one pass without a branch per item, then the
            // writes alone. Both loops vectorise, and the time no longer depends on where the
            // linker happens to place one tight check-and-write loop (measured 1.0 against
            // 1.6 ns per page for the same instructions at two code offsets).
            var occupied: Format.Descriptor = 0
            for scan in start..<max(start, end) { occupied |= items[scan] }
            if occupied == 0 {
                while index < end {
                    items[index] = descriptor
                    descriptor &+= stride
                    index &+= 1
                }
                return nil
            }
            while index < end {
                let existing = items[index]
                if existing != 0, format.decode(existing, level: level) != .empty {
                    return .alreadyMapped(inputAddress(cursor.address &+ UInt64(truncatingIfNeeded: index &- start) &* itemSize))
                }
                items[index] = descriptor
                descriptor &+= stride
                index &+= 1
            }
            return nil
        }
        while index < end {
            let existing = items[index]
            if existing != 0, format.decode(existing, level: level) != .empty {
                return .alreadyMapped(inputAddress(cursor.address &+ UInt64(truncatingIfNeeded: index &- start) &* itemSize))
            }
            items[index] = format.leafDescriptor(template: template, outputAddress: output, level: level)
            output &+= itemSize
            index &+= 1
        }
        return nil
    }

    /// Writes `count` whole contiguous groups from item `start` (the first item of a group),
    /// stopping with `already-mapped` before the first group holding any leaf or table: a group
    /// is written whole or not at all.
    @inlinable
    func writeGroupRun(_ items: TableItems<Format.Descriptor>, from start: Int, count: Int, level: Int,
                       cursor: inout MapCursor, attributes: Format.EncodedAttributes) -> PageTableError? {
        let shape = shapes[level]
        let groupItems = 1 &<< shape.contiguousLog2
        var end = start &+ count &* groupItems
        // The common case, every slot zero, is one pass without a branch per item.
        var occupied: Format.Descriptor = 0
        for index in start..<end { occupied |= items[index] }
        var conflict = false
        if occupied != 0 {
            var group = start
            search: while group < end {
                for index in group..<(group &+ groupItems) where items[index] != 0 {
                    if format.decode(items[index], level: level) != .empty { conflict = true; end = group; break search }
                }
                group &+= groupItems
            }
        }
        let template = format.leafTemplate(attributes, level: level, contiguous: true)
        if let stride = format.linearGroupStride(level: level) {
            var descriptor = format.leafDescriptor(template: template, outputAddress: cursor.output, level: level)
            for index in start..<end {
                items[index] = descriptor
                descriptor &+= stride
            }
        } else {
            var output = cursor.output
            for index in start..<end {
                items[index] = format.leafDescriptor(template: template, outputAddress: output, level: level)
                output &+= shape.itemSize
            }
        }
        let done = UInt64(truncatingIfNeeded: end &- start) &* shape.itemSize
        cursor.address &+= done
        cursor.output &+= done
        return conflict ? .alreadyMapped(inputAddress(cursor.address)) : nil
    }

    /// Whether every occupied item of `start ..< start + count` is an empty table pinned by a
    /// reservation (where a map places smaller leaves instead of a large one).
    @inlinable
    func holdsOnlyReservedTables(_ items: TableItems<Format.Descriptor>, from start: Int, count: Int, level: Int) -> Bool {
        for index in start..<(start &+ count) where items[index] != 0 {
            switch format.decode(items[index], level: level) {
            case .empty: continue
            case .leaf: return false
            case .table(let child):
                guard reservations.isPinned(child), holdsNoLeaves(child, level: level &- 1) else { return false }
            }
        }
        return true
    }

    /// Maps through the table below item `index` of a table of `level`. An empty item gets a
    /// fresh table, which is filled before it is linked: the hardware never sees it half
    /// built, and if the map fails before putting anything in it, it is freed unseen. Returns
    /// whether a table was linked here, and the error that stopped the map.
    @inlinable
    mutating func mapBelow(_ items: TableItems<Format.Descriptor>, index: Int, level: Int, linked: Bool,
                           cursor: inout MapCursor, attributes: Format.EncodedAttributes)
        -> (linked: Bool, error: PageTableError?) {
        guard level > 0 else { return (false, .alreadyMapped(inputAddress(cursor.address))) }  // Unreachable: level 0 holds every page.
        switch format.decode(items[index], level: level) {
        case .table(let child):
            // A shared table is complete: the first leaf placed in it would conflict.
            if !shared.isEmpty && shared.isShared(child) { return (false, .alreadyMapped(inputAddress(cursor.address))) }
            return (false, mapItems(in: child, level: level &- 1, linked: linked, cursor: &cursor, attributes: attributes))
        case .leaf:
            return (false, .alreadyMapped(inputAddress(cursor.address)))
        case .empty:
            let childLevel = level &- 1
            guard let child = allocateTable(level: childLevel, for: cursor.address) else {
                return (false, .outOfMemory(inputAddress(cursor.address), bytes: shapes[childLevel].tableBytes))
            }
            let start = cursor.address
            let error = mapItems(in: child, level: childLevel, linked: false, cursor: &cursor, attributes: attributes)
            guard cursor.address != start else {
                // Never linked: no invalidation needed. A reservation's spare goes back to it.
                if reservations.isPinned(child) {
                    reservations.returnSpare(child, level: childLevel)
                } else {
                    freeTable(child, level: childLevel)
                }
                return (false, error)
            }
            makeVisible(child, bytes: shapes[childLevel].tableBytes)
            items[index] = format.tableDescriptor(address: child, level: level)
            return (true, error)
        }
    }
}

/// Where a map has got to: the next input and output address, the end of the range, and the
/// largest leaf (log2 bytes) it may use.
@frozen @usableFromInline
struct MapCursor {
    @usableFromInline var address: VirtualAddress
    @usableFromInline var output: PhysicalAddress
    @usableFromInline let end: VirtualAddress
    @usableFromInline let largestLeafShift: Int

    @inlinable
    init(address: VirtualAddress, output: PhysicalAddress, end: VirtualAddress, largestLeafShift: Int) {
        self.address = address
        self.output = output
        self.end = end
        self.largestLeafShift = largestLeafShift
    }
}
