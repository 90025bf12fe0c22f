extension PageTable {
    /// Unmaps `iova ..< iova + size`, which may span several earlier mappings.
    ///
    /// Leaves are removed front to back. The unmap stops with `not-mapped` at the first hole,
    /// and with `partial-leaf` at a leaf that starts before `iova` or ends after the range
    /// (leaves are never split); the outcome's ``RangeOutcome/bytes`` is what was removed before
    /// that point. Every table left empty -- fully covered or emptied -- is unlinked and freed
    /// after the invalidation sync that ends this call.
    @inlinable
    public mutating func unmap(iova: VirtualAddress, size: UInt64) -> RangeOutcome {
        let outcome = unmapRange(iova: iova, size: size)
        sync()
        return outcome
    }

    /// Validates and unmaps without syncing.
    @inlinable
    mutating func unmapRange(iova: VirtualAddress, size: UInt64) -> RangeOutcome {
        let range: Range<VirtualAddress>
        do throws(PageTableError) {
            range = try checkInputRange(iova, size: size)
        } catch {
            return RangeOutcome(bytes: 0, error: error)
        }
        if size == geometry.pageSize && unmapOnePage(range.lowerBound) { return RangeOutcome(bytes: size, error: nil) }
        var cursor = UnmapCursor(address: range.lowerBound, end: range.upperBound)
        let error = unmapItems(in: root, level: geometry.topLevel, cursor: &cursor)
        return RangeOutcome(bytes: cursor.address &- range.lowerBound, error: error)
    }

    /// Unmaps from `cursor` in the table at `table` (of `level`) until the range or the table
    /// ends. Returns the error that stopped it; `cursor` then points at the first byte kept.
    @inlinable
    mutating func unmapItems(in table: PhysicalAddress, level: Int, cursor: inout UnmapCursor) -> PageTableError? {
        let shape = shapes[level]
        let items = self.items(table)
        let itemSize = shape.itemSize
        var index = shape.index(of: cursor.address)
        var changes = ChangedItems()
        defer { noteChanges(changes, in: table, level: level) }
        while index < shape.itemCount && cursor.address < cursor.end {
            switch format.decode(items[index], level: level) {
            case .empty:
                return .notMapped(inputAddress(cursor.address))
            case .leaf(_, false) where cursor.address & (itemSize &- 1) == 0 && cursor.end &- cursor.address >= itemSize:
                // A run of single leaves: clear them in one tight loop, note the run once.
                let first = index
                let start = cursor.address
                let last = min(shape.itemCount, index &+ Int(truncatingIfNeeded: (cursor.end &- start) &>> UInt64(shape.itemShift)))
                repeat {
                    items[index] = 0
                    index &+= 1
                } while index < last && isSingleLeaf(items[index], level: level)
                cursor.address = start &+ UInt64(truncatingIfNeeded: index &- first) &<< UInt64(shape.itemShift)
                changes.add(first, count: index &- first)
                gather.addLeaves(start, cursor.address, level: level)
            case .leaf(_, let contiguous):
                let count = contiguous ? 1 &<< shape.contiguousLog2 : 1
                let leafSize = itemSize &* UInt64(count)
                let leafStart = cursor.address & ~(leafSize &- 1)
                guard leafStart == cursor.address, cursor.end &- cursor.address >= leafSize else {
                    return .partialLeaf(inputAddress(cursor.address), leafStart: inputAddress(leafStart), leafSize: leafSize)
                }
                for member in index..<(index &+ count) { items[member] = 0 }
                changes.add(index, count: count)
                gather.addLeaves(cursor.address, cursor.address &+ leafSize, level: level)
                cursor.address &+= leafSize
                index &+= count
            case .table(var child):
                let start = cursor.address
                let itemStart = start & ~(itemSize &- 1)
                let coversItem = start == itemStart && cursor.end &- start >= itemSize
                if !shared.isEmpty && shared.isShared(child) {
                    // A shared table is complete: covering it drops one reference to everything
                    // below; touching part of it copies it first (copy-on-write).
                    if coversItem {
                        items[index] = 0
                        changes.add(index, count: 1)
                        dropReference(to: child, level: level &- 1, itemStart: itemStart, itemEnd: itemStart &+ itemSize,
                                      heldAt: level)
                        cursor.address = itemStart &+ itemSize
                        index &+= 1
                        continue
                    }
                    guard let copy = copyOnWrite(child, level: level &- 1) else {
                        return .outOfMemory(inputAddress(start), bytes: shapes[level &- 1].tableBytes)
                    }
                    items[index] = format.tableDescriptor(address: copy, level: level)
                    changes.add(index, count: 1)
                    gather.addWalks(itemStart, itemStart &+ itemSize, level: level)
                    child = copy
                }
                let pinned = reservations.isPinned(child)
                // A private table the range covers whole, holding only leaves, is freed after the
                // sync without clearing it: nothing could read its items again before reuse.
                if coversItem && !pinned && holdsOnlyLeaves(child, level: level &- 1) {
                    gather.addLeaves(itemStart, itemStart &+ itemSize, level: level &- 1)
                    unlinkTable(child, from: items, index: index, level: level, itemStart: itemStart)
                    changes.add(index, count: 1)
                    cursor.address = itemStart &+ itemSize
                    index &+= 1
                    continue
                }
                let error = unmapItems(in: child, level: level &- 1, cursor: &cursor)
                if cursor.address != start, !pinned,
                   (coversItem && error == nil) || isEmptyTable(child, level: level &- 1) {
                    unlinkTable(child, from: items, index: index, level: level, itemStart: itemStart)
                    changes.add(index, count: 1)
                }
                if let error { return error }
                index &+= 1
            }
        }
        return nil
    }
}

extension PageTable {
    /// The most common unmap, one smallest page in a page table that keeps other entries, done
    /// in one straight walk. Returns `false`, having changed nothing, for anything else (a
    /// shared table on the way, no single page there, or a table the unmap would empty, which
    /// must be unlinked); the general path then does the unmap.
    @inlinable @inline(__always)
    mutating func unmapOnePage(_ iova: VirtualAddress) -> Bool {
        guard let (table, index) = walkToPage(iova) else { return false }
        let leaves = items(table)
        guard isSingleLeaf(leaves[index], level: 0) else { return false }
        // Another entry keeps the table alive (usually found at once in a populated table).
        var other = 0
        let count = shapes[0].itemCount
        while other < count {
            let descriptor = leaves[other]
            if other != index && descriptor != 0 && format.decode(descriptor, level: 0) != .empty { break }
            other &+= 1
        }
        guard other < count else { return false }
        leaves[index] = 0
        gather.addLeaves(iova, iova &+ geometry.pageSize, level: 0)
        var changes = ChangedItems()
        changes.add(index, count: 1)
        noteChanges(changes, in: table, level: 0)
        return true
    }

    /// Whether `descriptor` is a leaf that is not part of a contiguous group.
    @inlinable @inline(__always)
    func isSingleLeaf(_ descriptor: Format.Descriptor, level: Int) -> Bool {
        if case .leaf(_, false) = format.decode(descriptor, level: level) { return true }
        return false
    }

    /// Whether every item of the table at `address` (of `level`) is a leaf, so an unmap
    /// covering it removes it whole. Stops at the first item that is not.
    @inlinable
    func holdsOnlyLeaves(_ address: PhysicalAddress, level: Int) -> Bool {
        let items = self.items(address)
        let count = shapes[level].itemCount
        if let pattern = format.leafPattern(level: level) {
            // A mask compare over the whole table, without an early exit: it vectorises. Every
            // match is a leaf (single or a group member); a table the pattern misses is decoded
            // item by item.
            var misses: Format.Descriptor = 0
            for index in 0..<count { misses |= (items[index] & pattern.mask) ^ pattern.value }
            if misses == 0 { return true }
        }
        for index in 0..<count {
            guard case .leaf = format.decode(items[index], level: level) else { return false }
        }
        return true
    }
}

/// Where an unmap has got to.
@frozen @usableFromInline
struct UnmapCursor {
    @usableFromInline var address: VirtualAddress
    @usableFromInline let end: VirtualAddress

    @inlinable
    init(address: VirtualAddress, end: VirtualAddress) {
        self.address = address
        self.end = end
    }
}
