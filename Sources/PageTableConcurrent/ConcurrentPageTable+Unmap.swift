import PageTable
import Synchronization

extension ConcurrentPageTable {
    /// Unmaps `iova ..< iova + size`, which may span several earlier mappings, with the
    /// outcome `PageTable.unmap(iova:size:)` gives: stops with `not-mapped` at the first
    /// hole and `partial-leaf` at a leaf the range does not cover whole.
    ///
    /// Safe to call from many threads at once on disjoint input ranges, and to race with
    /// ``translate(_:)`` anywhere. A table whose whole span the range covers is unlinked with
    /// a compare-and-swap and, after this call's invalidation sync and a grace period (no
    /// concurrent `translate` can still be walking it), freed. A table the range covers only
    /// in part stays linked even if it is left empty: another call may be mapping into the
    /// rest of it at this moment.
    @inlinable
    public func unmap(iova: VirtualAddress, size: UInt64) -> RangeOutcome {
        if let error = checkInput(iova, size: size) { return RangeOutcome(bytes: 0, error: error) }
        let start = geometry.tableAddress(of: iova)
        var cursor = ConcurrentCursor(address: start, output: 0, end: start &+ size)
        var gather = CallGather()
        let error = unmapItems(in: root, level: geometry.topLevel, cursor: &cursor, gather: &gather)
        sync(&gather)
        return RangeOutcome(bytes: cursor.address &- start, error: error)
    }

    /// Unmaps from `cursor` in the table at `table` (of `level`) until the range or the table
    /// ends; returns the error that stopped it.
    @inlinable
    func unmapItems(in table: PhysicalAddress, level: Int, cursor: inout ConcurrentCursor,
                    gather: inout CallGather) -> PageTableError? {
        let shape = shapes[level]
        let items = self.items(table)
        let itemSize = shape.itemSize
        var index = shape.index(of: cursor.address)
        let singleLeaf = format.singleLeafPattern(level: level)
        while index < shape.itemCount && cursor.address < cursor.end {
            if let singleLeaf, cursor.address & (itemSize &- 1) == 0 {
                // A run of single leaves the range covers whole (it starts at an item
                // boundary): cleared one after another, without decoding, and gathered once.
                let start = cursor.address
                while index < shape.itemCount && cursor.end &- cursor.address >= itemSize,
                      items.load(index) & singleLeaf.mask == singleLeaf.value {
                    items.store(index, 0)
                    madeVisible(table, index: index)
                    cursor.address &+= itemSize
                    index &+= 1
                }
                if cursor.address != start {
                    gather.invalidations.addLeaves(start, cursor.address, level: level)
                    guard index < shape.itemCount && cursor.address < cursor.end else { break }
                }
            }
            let descriptor = items.load(index)
            switch format.decode(descriptor, level: level) {
            case .empty:
                return PageTableError(.notMapped, at: input(cursor.address), "nothing is mapped at \(hex(input(cursor.address)))")
            case .leaf(_, let contiguous):
                let count = contiguous ? 1 &<< shape.contiguousLog2 : 1
                let leafSize = itemSize &* UInt64(count)
                let leafStart = cursor.address & ~(leafSize &- 1)
                guard leafStart == cursor.address, cursor.end &- cursor.address >= leafSize else {
                    return PageTableError(.partialLeaf, at: input(cursor.address),
                                          "\(hex(input(cursor.address))) would split the \(hex(leafSize))-byte leaf at \(hex(input(leafStart)))")
                }
                for member in index..<(index &+ count) {
                    items.store(member, 0)
                    madeVisible(table, index: member)
                }
                gather.invalidations.addLeaves(cursor.address, cursor.address &+ leafSize, level: level)
                cursor.address &+= leafSize
                index &+= count
            case .table(let child):
                guard level > 0 else {
                    return PageTableError(.notMapped, at: input(cursor.address), "nothing is mapped at \(hex(input(cursor.address)))")
                }
                let start = cursor.address
                let itemStart = start & ~(itemSize &- 1)
                let coversItem = start == itemStart && cursor.end &- start >= itemSize
                let error = unmapItems(in: child, level: level &- 1, cursor: &cursor, gather: &gather)
                if coversItem && error == nil {
                    // Every item below was cleared, and only this call may touch this span.
                    var expected = descriptor
                    if items.compareExchange(index, expected: &expected, desired: 0) {
                        madeVisible(table, index: index)
                        gather.invalidations.addWalks(itemStart, itemStart &+ itemSize, level: level)
                        gather.unlinked.append((child, shapes[level &- 1].tableBytes))
                    }
                    // A failed swap means another call changed this item, breaking the
                    // disjoint-range contract: the table stays linked, never freed under anyone.
                }
                if let error { return error }
                index &+= 1
            }
        }
        return nil
    }
}
