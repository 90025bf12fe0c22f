extension PageTable {
    /// Cuts the leaf containing `iova` into the next smaller leaves with the same translations
    /// and attributes, without a moment in which any of its addresses is unmapped (a hitless
    /// split, as iommufd asks for).
    ///
    /// A single leaf becomes a new table of the level below, built privately (of that level's
    /// contiguous groups where it has them, else single leaves) and installed with one
    /// descriptor write; a contiguous group becomes its members (the hint cleared in each).
    /// The old leaf is invalidated at its level in one sync. Shared tables on the way are
    /// copied first (copy on write). A dirty leaf (dirty tracking) becomes dirty leaves.
    ///
    /// The outcome's `bytes` is the size of the leaf that was cut. Errors, each with the
    /// translations and attributes unchanged: `out-of-range` (beyond the input space);
    /// `not-mapped`; `unsupported` for a smallest page (nothing smaller) or where the format's
    /// hardware needs break-before-make for the change
    /// (``PageTableFormat/allowsLeafSizeChangeWithoutBreak`` is `false`), nothing touched;
    /// `out-of-memory` when no table can be allocated (the new table, or a copy of a shared
    /// one; copies made before it stay, translating as before).
    @inlinable
    public mutating func cut(iova: VirtualAddress) -> RangeOutcome {
        let outcome = cutLeaf(iova: iova)
        sync()
        return outcome
    }

    /// Finds and cuts the leaf, without syncing.
    @inlinable
    mutating func cutLeaf(iova: VirtualAddress) -> RangeOutcome {
        // The walk below works with table addresses (the low input bits).
        let address: VirtualAddress
        do throws(PageTableError) {
            address = try checkInputRange(iova & ~(geometry.pageSize &- 1), size: geometry.pageSize).lowerBound
        } catch {
            return RangeOutcome(bytes: 0, error: error)
        }
        guard let found = lookup(iova) else { return RangeOutcome(bytes: 0, error: .notMapped(iova)) }
        let level = found.level
        let contiguous = found.size > shapes[level].itemSize
        guard contiguous || (level > 0 && shapes[level &- 1].allowsLeaf) else {
            return RangeOutcome(bytes: 0, error: PageTableError(.unsupported, at: iova,
                                "the \(hex(found.size))-byte leaf at \(hex(found.virtualAddress)) has no smaller leaves to be cut into"))
        }
        guard format.allowsLeafSizeChangeWithoutBreak else {
            return RangeOutcome(bytes: 0, error: PageTableError(.unsupported, at: iova,
                                "cutting the \(hex(found.size))-byte leaf at \(hex(found.virtualAddress)) needs break-before-make on \(format.name)"))
        }
        let encoded: Format.EncodedAttributes
        do throws(PageTableError) {
            encoded = try encode(found.attributes)
        } catch {
            return RangeOutcome(bytes: 0, error: error)
        }
        // The smaller leaves keep a written leaf's dirty state (iommufd cuts while tracking).
        let dirty = leafIsDirty(at: address)
        // The smaller leaves first, in a table no walker can reach yet.
        var fresh: PhysicalAddress = 0
        if !contiguous {
            let shape = shapes[level &- 1]
            guard let table = allocateTable(level: level &- 1, for: nil) else {
                return RangeOutcome(bytes: 0, error: .outOfMemory(iova, bytes: shape.tableBytes))
            }
            let template = format.leafTemplate(encoded, level: level &- 1, contiguous: shape.contiguousLog2 > 0)
            let items = self.items(table)
            for index in 0..<shape.itemCount {
                items[index] = keepingDirtyState(format.leafDescriptor(
                    template: template, outputAddress: found.physicalAddress &+ UInt64(truncatingIfNeeded: index) &* shape.itemSize,
                    level: level &- 1), dirty: dirty, level: level &- 1)
            }
            makeVisible(table, bytes: shape.tableBytes)
            fresh = table
        }
        guard let holder = privateTable(holding: address, level: level) else {
            if !contiguous { freeTable(fresh, level: level &- 1) }
            return RangeOutcome(bytes: 0, error: .outOfMemory(iova, bytes: shapes[level].tableBytes))
        }
        let items = self.items(holder)
        let shape = shapes[level]
        var changes = ChangedItems()
        if contiguous {
            let count = 1 &<< shape.contiguousLog2
            let first = shape.index(of: address) & ~(count &- 1)
            let template = format.leafTemplate(encoded, level: level, contiguous: false)
            for member in 0..<count {
                items[first &+ member] = keepingDirtyState(format.leafDescriptor(
                    template: template, outputAddress: found.physicalAddress &+ UInt64(truncatingIfNeeded: member) &* shape.itemSize,
                    level: level), dirty: dirty, level: level)
            }
            changes.add(first, count: count)
        } else {
            let index = shape.index(of: address)
            items[index] = format.tableDescriptor(address: fresh, level: level)  // The one write.
            changes.add(index, count: 1)
        }
        noteChanges(changes, in: holder, level: level)
        let leafStart = address & ~(found.size &- 1)
        gather.addLeaves(leafStart, leafStart &+ found.size, level: level)
        return RangeOutcome(bytes: found.size)
    }

    /// The table of `level` whose entry covers the table address `iova`, every shared table on the way there
    /// copied (and its walks invalidated), or `nil` if a copy cannot be allocated.
    @inlinable
    mutating func privateTable(holding iova: VirtualAddress, level target: Int) -> PhysicalAddress? {
        var table = root
        var level = geometry.topLevel
        while level > target {
            let shape = shapes[level]
            let items = self.items(table)
            let index = shape.index(of: iova)
            guard case .table(var child) = format.decode(items[index], level: level) else { return nil }
            if !shared.isEmpty && shared.isShared(child) {
                guard let copy = copyOnWrite(child, level: level &- 1) else { return nil }
                items[index] = format.tableDescriptor(address: copy, level: level)
                var changes = ChangedItems()
                changes.add(index, count: 1)
                noteChanges(changes, in: table, level: level)
                let itemStart = iova & ~(shape.itemSize &- 1)
                gather.addWalks(itemStart, itemStart &+ shape.itemSize, level: level)
                child = copy
            }
            table = child
            level &-= 1
        }
        return table
    }
}
