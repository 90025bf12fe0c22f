extension PageTable {
    /// Walks the leaves of `iova ..< iova + size` in address order, as KVM's page-table walker
    /// and aarch64-paging's `modify_range` do: `preTable` before entering each table (it may
    /// skip it or stop), `leaf` for every leaf overlapping the range (whole, even where it
    /// sticks out; it may change the leaf's attributes, never its translation), `postTable`
    /// after leaving each table. Holes are passed over.
    ///
    /// A shared table (see `docs/sharing.md`) is copied before it is entered (copy on write),
    /// so an edit never shows through another entry. Every edited leaf is invalidated, every
    /// copied table's walks too, in one sync before this returns.
    ///
    /// The outcome: `bytes` is how far the walk got from `iova` (all of `size` unless a
    /// callback stopped it, which is no error). Errors: the range's validation errors, with
    /// nothing visited; `invalid-attributes` when an edit asks for attributes the format cannot
    /// express, and `out-of-memory` when a copy cannot be allocated, each stopping at that leaf
    /// or table with the edits before it kept.
    @inlinable
    public mutating func modify(iova: VirtualAddress, size: UInt64,
                                preTable: (TableVisit) -> WalkStep = { _ in .proceed },
                                leaf: (inout LeafEdit) -> WalkStep,
                                postTable: (TableVisit) -> Void = { _ in }) -> RangeOutcome {
        let outcome = modifyRange(iova: iova, size: size, preTable: preTable, leaf: leaf, postTable: postTable)
        sync()
        return outcome
    }

    /// Validates and walks without syncing.
    @inlinable
    mutating func modifyRange(iova: VirtualAddress, size: UInt64, preTable: (TableVisit) -> WalkStep,
                              leaf: (inout LeafEdit) -> WalkStep, postTable: (TableVisit) -> Void) -> RangeOutcome {
        let range: Range<VirtualAddress>
        do throws(PageTableError) {
            range = try checkInputRange(iova, size: size)
        } catch {
            return RangeOutcome(bytes: 0, error: error)
        }
        let end = range.upperBound
        var cursor = EditCursor(address: range.lowerBound, end: end)
        let error = modifyItems(in: root, level: geometry.topLevel, cursor: &cursor, preTable: preTable, leaf: leaf,
                                postTable: postTable)
        return RangeOutcome(bytes: min(cursor.address, end) &- range.lowerBound, error: error)
    }

    /// Walks from `cursor` in the table at `table` (of `level`) to the end of the range or the
    /// table, or until a callback stops (``EditCursor/stopped``) or an error.
    @inlinable
    mutating func modifyItems(in table: PhysicalAddress, level: Int, cursor: inout EditCursor,
                              preTable: (TableVisit) -> WalkStep, leaf: (inout LeafEdit) -> WalkStep,
                              postTable: (TableVisit) -> Void) -> PageTableError? {
        let shape = shapes[level]
        let items = self.items(table)
        let itemSize = shape.itemSize
        var index = shape.index(of: cursor.address)
        var changes = ChangedItems()
        defer { noteChanges(changes, in: table, level: level) }
        while index < shape.itemCount && cursor.address < cursor.end && !cursor.stopped {
            let itemStart = cursor.address & ~(itemSize &- 1)
            switch format.decode(items[index], level: level) {
            case .empty:
                cursor.address = itemStart &+ itemSize
                index &+= 1
            case .leaf(let base, let contiguous):
                let count = contiguous ? 1 &<< shape.contiguousLog2 : 1
                let first = index & ~(count &- 1)
                let leafSize = itemSize &* UInt64(count)
                let leafStart = cursor.address & ~(leafSize &- 1)
                let current = format.attributes(ofLeaf: items[first], level: level)
                var edit = LeafEdit(mapping: Mapping(virtualAddress: inputAddress(leafStart), physicalAddress: base, size: leafSize,
                                                     level: level, attributes: current))
                let step = leaf(&edit)
                if edit.attributes != current {
                    let encoded: Format.EncodedAttributes
                    do throws(PageTableError) {
                        encoded = try encode(edit.attributes)
                    } catch {
                        return error
                    }
                    let template = format.leafTemplate(encoded, level: level, contiguous: contiguous)
                    // A written leaf stays dirty while it stays writable (docs/semantics.md).
                    var dirty = false
                    if format.tracksDirtyState {
                        for member in first..<(first &+ count) where format.isDirty(items[member], level: level) { dirty = true }
                    }
                    for member in 0..<count {
                        items[first &+ member] = keepingDirtyState(format.leafDescriptor(
                            template: template, outputAddress: base &+ UInt64(truncatingIfNeeded: member) &* itemSize,
                            level: level), dirty: dirty, level: level)
                    }
                    changes.add(first, count: count)
                    gather.addLeaves(leafStart, leafStart &+ leafSize, level: level)
                }
                cursor.address = leafStart &+ leafSize
                index = first &+ count
                if step == .stop { cursor.stopped = true }
            case .table(var child):
                let visit = TableVisit(level: level &- 1, range: inputRange(itemStart..<(itemStart &+ itemSize)), address: child)
                switch preTable(visit) {
                case .stop:
                    cursor.stopped = true
                    return nil
                case .skip:
                    cursor.address = itemStart &+ itemSize
                    index &+= 1
                    continue
                case .proceed:
                    break
                }
                if !shared.isEmpty && shared.isShared(child) {
                    guard let copy = copyOnWrite(child, level: level &- 1) else {
                        return .outOfMemory(inputAddress(cursor.address), bytes: shapes[level &- 1].tableBytes)
                    }
                    items[index] = format.tableDescriptor(address: copy, level: level)
                    changes.add(index, count: 1)
                    gather.addWalks(itemStart, itemStart &+ itemSize, level: level)
                    child = copy
                }
                if let error = modifyItems(in: child, level: level &- 1, cursor: &cursor, preTable: preTable,
                                           leaf: leaf, postTable: postTable) { return error }
                postTable(visit)
                index &+= 1
            }
        }
        return nil
    }
}

/// Where a modifying walk has got to, and whether a callback stopped it.
@frozen @usableFromInline
struct EditCursor {
    @usableFromInline var address: VirtualAddress
    @usableFromInline let end: VirtualAddress
    @usableFromInline var stopped = false

    @inlinable
    init(address: VirtualAddress, end: VirtualAddress) {
        self.address = address
        self.end = end
    }
}
