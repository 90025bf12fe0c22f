extension PageTable {
    /// Reads and clears the hardware dirty state of `iova ..< iova + size` (iommufd's
    /// read-and-clear-dirty): every leaf in the range that the hardware marked dirty is
    /// reported, in address order with adjacent leaves merged, and made clean again, so the
    /// next write through it is recorded anew. Holes are passed over (nothing there is dirty).
    ///
    /// Cleaning a leaf makes it read-only again to the hardware (ARM: AP[2] set again under
    /// DBM) or clears its dirty bit (x86-64, RISC-V D), and a TLB may have cached the dirty,
    /// writable state: writes through that entry would go unrecorded. So every cleaned leaf is
    /// invalidated, in one sync before this returns (`docs/semantics.md`, "Dirty tracking").
    ///
    /// Errors, each with nothing cleared and no runs: `misaligned` and `out-of-range` (the
    /// range checks of every operation); `unsupported` when the format tracks no dirty state
    /// (``PageTableFormat/tracksDirtyState``) or the table holds shared tables (adopted ones;
    /// cleaning would show through every parent); `partial-leaf` when a leaf sticks out of the
    /// range (its dirty state covers bytes outside it). On success the outcome's `bytes` is `size`.
    @inlinable
    public mutating func readAndClearDirty(iova: VirtualAddress, size: UInt64) -> DirtyRanges {
        let range: Range<VirtualAddress>
        do throws(PageTableError) {
            range = try checkInputRange(iova, size: size)
        } catch {
            return DirtyRanges(outcome: RangeOutcome(bytes: 0, error: error))
        }
        guard format.tracksDirtyState, shared.isEmpty else {
            return DirtyRanges(outcome: RangeOutcome(bytes: 0, error: dirtyTrackingRefusal(iova)))
        }
        // Only the leaves at the range's two ends can stick out of it.
        for address in [range.lowerBound, range.upperBound &- 1] {
            guard let leaf = leaf(at: address) else { continue }
            let leafSize: UInt64 = 1 &<< UInt64(leaf.sizeShift)
            let leafStart = address & ~(leafSize &- 1)
            if leafStart < range.lowerBound || leafStart &+ (leafSize &- 1) > range.upperBound &- 1 {
                return DirtyRanges(outcome: RangeOutcome(bytes: 0, error: .partialLeaf(
                    inputAddress(address), leafStart: inputAddress(leafStart), leafSize: leafSize)))
            }
        }
        var found = DirtyRanges(outcome: RangeOutcome(bytes: size))
        var cursor = range.lowerBound
        cleanDirty(in: root, level: geometry.topLevel, cursor: &cursor, end: range.upperBound, into: &found)
        sync()
        return found
    }

    /// What the hardware does on a write to `iova`, done to the table: the leaf's descriptor
    /// item holding `iova` (one member of a contiguous group: the hardware updates only the
    /// entry it used) becomes what ``PageTableFormat/afterHardwareWrite(_:level:)`` says, and
    /// ``HardwareWrite/written`` is returned; ``HardwareWrite/fault`` where nothing is mapped
    /// (or `iova` is outside the input range) or the leaf refuses the write, with nothing
    /// changed. No invalidation is issued: the hardware updates its own TLB. For tests and
    /// scripts (`hw-write`), so the whole tracking cycle can run without an MMU.
    @inlinable
    public mutating func simulateHardwareWrite(iova: VirtualAddress) -> HardwareWrite {
        guard geometry.contains(inputAddress: iova) else { return .fault }
        let address = geometry.tableAddress(of: iova)
        var table = root
        var level = geometry.topLevel
        while true {
            let shape = shapes[level]
            let items = self.items(table)
            let index = shape.index(of: address)
            switch format.decode(items[index], level: level) {
            case .empty:
                return .fault
            case .table(let child):
                guard level > 0 else { return .fault }
                table = child
                level &-= 1
            case .leaf:
                guard let written = format.afterHardwareWrite(items[index], level: level) else { return .fault }
                if written != items[index] {
                    items[index] = written
                    var changes = ChangedItems()
                    changes.add(index, count: 1)
                    noteChanges(changes, in: table, level: level)
                    sync()  // Cleans the item for non-coherent memory; nothing to invalidate.
                }
                return .written
            }
        }
    }

    /// Reports and cleans the dirty leaves from `cursor` to `end` (table addresses) in the
    /// table at `table` (of `level`), gathering their invalidation.
    @inlinable
    mutating func cleanDirty(in table: PhysicalAddress, level: Int, cursor: inout VirtualAddress, end: VirtualAddress,
                             into found: inout DirtyRanges) {
        let shape = shapes[level]
        let items = self.items(table)
        let itemSize = shape.itemSize
        var index = shape.index(of: cursor)
        var changes = ChangedItems()
        defer { noteChanges(changes, in: table, level: level) }
        while index < shape.itemCount && cursor < end {
            let itemStart = cursor & ~(itemSize &- 1)
            switch format.decode(items[index], level: level) {
            case .empty:
                cursor = itemStart &+ itemSize
                index &+= 1
            case .table(let child):
                if level > 0 { cleanDirty(in: child, level: level &- 1, cursor: &cursor, end: end, into: &found) }
                cursor = itemStart &+ itemSize
                index &+= 1
            case .leaf(_, let contiguous):
                // A group is one leaf: dirty if the hardware marked any member.
                let count = contiguous ? 1 &<< shape.contiguousLog2 : 1
                let first = index & ~(count &- 1)
                let leafSize = itemSize &* UInt64(count)
                let leafStart = cursor & ~(leafSize &- 1)
                var dirty = false
                for member in first..<(first &+ count) where format.isDirty(items[member], level: level) { dirty = true }
                if dirty {
                    for member in first..<(first &+ count) { items[member] = format.cleaned(items[member], level: level) }
                    changes.add(first, count: count)
                    gather.addLeaves(leafStart, leafStart &+ leafSize, level: level)
                    found.append(iova: inputAddress(leafStart), size: leafSize)
                }
                cursor = leafStart &+ leafSize
                index = first &+ count
            }
        }
    }

    /// Whether the leaf holding the table address `address` is dirty (a group: any member).
    @inlinable
    func leafIsDirty(at address: VirtualAddress) -> Bool {
        guard format.tracksDirtyState else { return false }
        var table = root
        var level = geometry.topLevel
        while true {
            let shape = shapes[level]
            let items = self.items(table)
            let index = shape.index(of: address)
            switch format.decode(items[index], level: level) {
            case .empty: return false
            case .table(let child):
                guard level > 0 else { return false }
                table = child
                level &-= 1
            case .leaf(_, let contiguous):
                let count = contiguous ? 1 &<< shape.contiguousLog2 : 1
                let first = index & ~(count &- 1)
                for member in first..<(first &+ count) where format.isDirty(items[member], level: level) { return true }
                return false
            }
        }
    }

    /// `descriptor` (a leaf at `level`) marked dirty when `dirty`: how cut and protect keep a
    /// written leaf's dirty state in the leaves that replace it.
    @inlinable
    func keepingDirtyState(_ descriptor: Format.Descriptor, dirty: Bool, level: Int) -> Format.Descriptor {
        guard dirty else { return descriptor }
        return format.afterHardwareWrite(descriptor, level: level) ?? descriptor
    }

    /// Why dirty state cannot be read here (out of line: error text).
    @usableFromInline
    func dirtyTrackingRefusal(_ iova: VirtualAddress) -> PageTableError {
        format.tracksDirtyState
            ? PageTableError(.unsupported, at: iova, "the table holds shared tables, which dirty tracking cannot clean")
            : PageTableError(.unsupported, at: iova, "\(format.name) is not tracking dirty state (--dirty-tracking)")
    }
}
