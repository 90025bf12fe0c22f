extension PageTable {
    /// Turns the table under the entry for `iova ..< iova + size` back into one block of
    /// `size` bytes (the reverse of ``cut(iova:)``), where that table maps its whole span
    /// uniformly: every address mapped, the outputs consecutive from a `size`-aligned base,
    /// every leaf with the same attributes. The leaves below may be of any smaller sizes and
    /// in tables at any depth (a table that was cut twice collapses in one call).
    ///
    /// The block replaces the table pointer in one descriptor write; the range's leaves and
    /// walks are invalidated in one sync, and only then are the tables below freed.
    ///
    /// The outcome's `bytes` is `size`. Errors, each with the table unchanged, in this order:
    /// `misaligned` / `out-of-range` (the range's validation, and an `iova` not a multiple of
    /// `size`); `unsupported` when `size` is not a block size of the format (a single leaf of a
    /// level above the smallest; contiguous groups are never made) or the hardware needs
    /// break-before-make for the change (``PageTableFormat/allowsLeafSizeChangeWithoutBreak``
    /// is `false`); `not-mapped` at the first hole; `unsupported` when one leaf already maps
    /// the range; `not-uniform` at the first leaf whose output or attributes break the run;
    /// `misaligned` when the run's output base is not a multiple of `size`; `unsupported` for
    /// a shared (repeat) or reserved table on the way or below.
    @inlinable
    public mutating func collapse(iova: VirtualAddress, size: UInt64) -> RangeOutcome {
        let outcome = collapseTable(iova: iova, size: size)
        sync()
        return outcome
    }

    /// Checks and collapses, without syncing.
    @inlinable
    mutating func collapseTable(iova: VirtualAddress, size: UInt64) -> RangeOutcome {
        let address: VirtualAddress
        do throws(PageTableError) {
            address = try checkInputRange(iova, size: size).lowerBound
        } catch {
            return RangeOutcome(bytes: 0, error: error)
        }
        guard let level = (1..<geometry.levelCount).first(where: { shapes[$0].itemSize == size && shapes[$0].allowsLeaf }) else {
            return RangeOutcome(bytes: 0, error: PageTableError(.unsupported, at: iova,
                                "\(format.name) has no block of \(hex(size)) bytes to collapse into"))
        }
        guard address & (size &- 1) == 0 else {
            return RangeOutcome(bytes: 0, error: PageTableError(.misaligned, at: iova,
                                "\(hex(iova)) is not a multiple of the \(hex(size))-byte block"))
        }
        guard format.allowsLeafSizeChangeWithoutBreak else {
            return RangeOutcome(bytes: 0, error: PageTableError(.unsupported, at: iova,
                                "collapsing into a \(hex(size))-byte block needs break-before-make on \(format.name)"))
        }
        // The path down to the entry, read only: every table on it must be a private table.
        var holder = root
        var current = geometry.topLevel
        var sharedOnPath = false
        var child: PhysicalAddress? = nil
        while child == nil {
            switch format.decode(items(holder)[shapes[current].index(of: address)], level: current) {
            case .empty:
                return RangeOutcome(bytes: 0, error: .notMapped(iova))
            case .leaf(let base, let contiguous):
                let leafSize = shapes[current].itemSize << UInt64(contiguous ? shapes[current].contiguousLog2 : 0)
                return RangeOutcome(bytes: 0, error: PageTableError(.unsupported, at: iova,
                                    "the \(hex(leafSize))-byte leaf at \(hex(inputAddress(address & ~(leafSize &- 1)))) "
                                    + "(output \(hex(base))) already maps \(hex(iova)) whole: nothing to collapse"))
            case .table(let next) where current == level:
                child = next
            case .table(let next):
                if !shared.isEmpty && shared.isShared(next) { sharedOnPath = true }
                holder = next
                current &-= 1
            }
        }
        // The run below, in address order; its tables are gathered to be freed.
        var run = UniformRun()
        if let error = scanUniform(child!, level: level &- 1, start: address, into: &run) {
            return RangeOutcome(bytes: 0, error: error)
        }
        guard run.base & (size &- 1) == 0 else {
            return RangeOutcome(bytes: 0, error: PageTableError(.misaligned, at: iova,
                                "the leaves of \(hex(iova))+\(hex(size)) map from \(hex(run.base)), not a multiple of the block"))
        }
        guard !sharedOnPath && !run.sharedOrPinned else {
            return RangeOutcome(bytes: 0, error: PageTableError(.unsupported, at: iova,
                                "a shared or reserved table maps \(hex(iova))+\(hex(size)); it cannot be collapsed"))
        }
        let encoded: Format.EncodedAttributes
        do throws(PageTableError) {
            encoded = try encode(run.attributes!)
        } catch {
            return RangeOutcome(bytes: 0, error: error)
        }
        // The one write: the table pointer becomes the block.
        let index = shapes[level].index(of: address)
        let entries = items(holder)
        var block = format.leafDescriptor(template: format.leafTemplate(encoded, level: level, contiguous: false),
                                          outputAddress: run.base, level: level)
        // A write recorded in any leaf stays recorded in the block: a dirty page is never lost.
        if run.dirty, let dirtied = format.afterHardwareWrite(block, level: level) { block = dirtied }
        entries[index] = block
        var changes = ChangedItems()
        changes.add(index, count: 1)
        noteChanges(changes, in: holder, level: level)
        let end = address &+ size
        gather.addWalks(address, end, level: level)
        for leafLevel in 0..<level where run.leafLevels.contains(level: leafLevel) {
            gather.addLeaves(address, end, level: leafLevel)
        }
        // Freed by the sync, after the invalidation: the hardware may walk them until then.
        for table in run.tables {
            if !shared.isEmpty { shared.references[table.address] = nil }
            gather.unlinkedTables.append((table.address, shapes[table.level].tableBytes))
        }
        return RangeOutcome(bytes: size)
    }

    /// Reads the table at `table` (of `level`, its first item at the table address `start`)
    /// into `run`: every item must be mapped, continuing the run's outputs with its
    /// attributes. Returns the first error (`not-mapped`, `not-uniform`), nothing changed.
    @inlinable
    func scanUniform(_ table: PhysicalAddress, level: Int, start: VirtualAddress,
                     into run: inout UniformRun) -> PageTableError? {
        let shape = shapes[level]
        run.tables.append((table, level))
        if (!shared.isEmpty && shared.isShared(table)) || reservations.isPinned(table) { run.sharedOrPinned = true }
        let entries = items(table)
        for index in 0..<shape.itemCount {
            let itemStart = start &+ UInt64(truncatingIfNeeded: index) &* shape.itemSize
            switch format.decode(entries[index], level: level) {
            case .empty:
                return .notMapped(inputAddress(itemStart))
            case .table(let next):
                guard level > 0 else { return .notMapped(inputAddress(itemStart)) }
                if let error = scanUniform(next, level: level &- 1, start: itemStart, into: &run) { return error }
            case .leaf(let base, let contiguous):
                // A group member decodes to the group's base: its own output lies its offset further.
                let groupMask = (shape.itemSize << UInt64(shape.contiguousLog2)) &- 1
                let output = base &+ (contiguous ? itemStart & groupMask : 0)
                let attributes = format.attributes(ofLeaf: entries[index], level: level)
                if let first = run.attributes {
                    guard output == run.base &+ (itemStart &- run.start), attributes == first else {
                        return PageTableError(.notUniform, at: inputAddress(itemStart),
                                              "the leaf at \(hex(inputAddress(itemStart))) does not continue the run from "
                                              + "\(hex(inputAddress(run.start))) (output \(hex(output)), \(attributes))")
                    }
                } else {
                    run.start = itemStart
                    run.base = output
                    run.attributes = attributes
                }
                run.leafLevels.insert(LevelSet(level: level))
                if format.tracksDirtyState && format.isDirty(entries[index], level: level) { run.dirty = true }
            }
        }
        return nil
    }
}

/// What ``PageTable/collapse(iova:size:)`` learns from the tables it would replace.
@usableFromInline
struct UniformRun {
    /// The table address of the first leaf and its output; every later leaf continues both.
    @usableFromInline var start: VirtualAddress = 0
    @usableFromInline var base: PhysicalAddress = 0
    /// The first leaf's attributes, which every leaf must carry.
    @usableFromInline var attributes: MapAttributes? = nil
    /// The levels that hold leaves (invalidated at each).
    @usableFromInline var leafLevels = LevelSet()
    /// Every table below the entry, with its level.
    @usableFromInline var tables: [(address: PhysicalAddress, level: Int)] = []
    /// Whether one of them is shared or pinned by a reservation.
    @usableFromInline var sharedOrPinned = false
    /// Whether a leaf records a write (dirty tracking): the block is then written dirty.
    @usableFromInline var dirty = false

    @usableFromInline init() {}
}
