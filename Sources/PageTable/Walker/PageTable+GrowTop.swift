extension PageTable {
    /// The map that found its range beyond the input range (`refused`): if the format's top
    /// can grow (``PageTableFormat/grownTop()``) far enough to cover it, grows the table and
    /// maps; otherwise reports `refused` with nothing changed.
    ///
    /// Out of line and only on the out-of-range path: a table without a dynamic top pays one
    /// never-taken branch in the map's range check.
    @inlinable @inline(never)
    mutating func mapAfterGrowingTop(iova: VirtualAddress, to physicalAddress: PhysicalAddress, size: UInt64,
                                     attributes: MapAttributes, largestLeafShift: Int,
                                     refused: PageTableError) -> RangeOutcome {
        // A prepared batch's commit never grows the top: it may use only the tables prepared for it.
        guard refused.kind == .outOfRange, preparedTables.isEmpty, format.grownTop() != nil else {
            return RangeOutcome(bytes: 0, error: refused)
        }
        // The rest of the map must be valid before anything grows: a refused map changes nothing.
        do throws(PageTableError) {
            try checkOutputRange(physicalAddress, size: size, iova: iova)
            _ = try encode(attributes)
        } catch {
            return RangeOutcome(bytes: 0, error: error)
        }
        switch growTop(toCover: iova, size: size) {
        case .notEnough:
            return RangeOutcome(bytes: 0, error: refused)
        case .failed(let error):
            return RangeOutcome(bytes: 0, error: error)
        case .grown:
            return mapRange(iova: iova, to: physicalAddress, size: size, attributes: attributes,
                            largestLeafShift: largestLeafShift)
        }
    }

    /// Grows the top, step by step (``PageTableFormat/grownTop()``), until the input range
    /// covers `start ..< start + size`: every new top table is allocated first (out of memory:
    /// all freed again, the table unchanged), then each points at the one below in one
    /// descriptor write, and the table takes the grown format and root. Then
    /// ``onTopChange`` hears the new root and registers, and one
    /// ``TLBInvalidator/invalidateAll()`` drops what the hardware cached under the old
    /// registers (ARM permits TCR fields such as T0SZ to be cached in the TLB). Nothing beyond
    /// the old range is written before the callback returns.
    @inlinable
    mutating func growTop(toCover start: VirtualAddress, size: UInt64) -> TopGrowthResult {
        // The steps, planned before any allocation: a map no growth covers changes nothing.
        var steps: [TopGrowth<Format>] = []
        var current = format
        while !current.geometry.contains(inputAddress: start, size: size) {
            guard let step = current.grownTop() else { return .notEnough }
            steps.append(step)
            current = step.format
        }
        // An empty old top is not kept: left under the new one it would be an empty table where
        // a large leaf could go, which maps refuse (a table of the maximum size would not
        // have it). It is freed at the map's sync, and only the final top is built.
        let keepsOldRoot = !isEmptyTable(root, level: geometry.topLevel) || reservations.isPinned(root)
        if !keepsOldRoot { steps = [TopGrowth(format: current, oldRootIndex: 0)] }
        var newRoots: [PhysicalAddress] = []
        for step in steps {
            let geometry = step.format.geometry
            guard let table = Self.allocateTable(geometry[geometry.topLevel], limit: geometry.tableAddressLimit,
                                                 memory: memory, allocator: allocator) else {
                for (table, step) in zip(newRoots, steps) {
                    allocator.free(table, bytes: step.format.geometry[step.format.geometry.topLevel].tableBytes)
                }
                let bytes = geometry[geometry.topLevel].tableBytes
                return .failed(PageTableError(.outOfMemory, at: start,
                                              "no \(bytes)-byte top table could be allocated to grow the table to "
                                              + "\(geometry.inputAddressBits) input-address bits"))
            }
            newRoots.append(table)
        }
        if !keepsOldRoot { gather.unlinkedTables.append((root, shapes[geometry.topLevel].tableBytes)) }
        for (table, step) in zip(newRoots, steps) {
            let geometry = step.format.geometry
            let top = geometry.topLevel
            if keepsOldRoot { items(table)[step.oldRootIndex] = step.format.tableDescriptor(address: root, level: top) }
            makeVisible(table, bytes: geometry[top].tableBytes)
            counters.add(bytes: geometry[top].tableBytes)
            for level in self.geometry.topLevel...top { (shapes + level).initialize(to: geometry[level]) }
            // Reservations keep table addresses: an upper range's move up by the growth.
            let shift = geometry.tableAddress(of: self.geometry.inputAddress(ofTable: 0))
            for index in reservations.reservations.indices {
                let range = reservations.reservations[index].range
                reservations.reservations[index].range = (range.lowerBound &+ shift)..<(range.upperBound &+ shift)
                reservations.reservations[index].spares.append([])
            }
            currentFormat = step.format
            self.geometry = geometry
            currentRoot = table
            lastEncoding = nil  // The grown format encodes alike; not relying on it is cheap.
        }
        onTopChange?(TopChange(root: root, registers: registers, levelCount: geometry.levelCount,
                               inputAddressBits: geometry.inputAddressBits))
        invalidator.invalidateAll()
        counters.syncs &+= 1
        return .grown
    }
}

/// How ``PageTable/growTop(toCover:size:)`` ended.
@usableFromInline
enum TopGrowthResult {
    /// The table grew and covers the range.
    case grown
    /// The format cannot grow far enough: nothing changed.
    case notEnough
    /// A new top table could not be allocated: nothing changed.
    case failed(PageTableError)
}
