extension PageTable {
    /// Checks the structural invariants of the tree and returns every violation found (empty
    /// when the tree is sound). Meant for tests and debugging; it walks the whole tree.
    ///
    /// Invariants: tables are aligned, inside table memory and below the format's table
    /// address limit; no table is reachable twice; every table except the top holds at least
    /// one item; leaves' output addresses are aligned to their size; contiguous groups are
    /// complete, aligned and identical in attributes; the live-table count matches the tree.
    public func invariantViolations() -> [String] {
        var problems: [String] = []
        var incoming: [PhysicalAddress: Int] = [:]
        var complete: [PhysicalAddress: Bool] = [:]
        checkTable(root, level: geometry.topLevel, base: 0, incoming: &incoming, complete: &complete, problems: &problems)
        let reachable = incoming.count + 1
        if reachable + reservations.spareCount != counters.tables {
            problems.append("live-table count \(counters.tables) but \(reachable) tables are reachable "
                            + "and \(reservations.spareCount) spare")
        }
        for (table, entries) in incoming where entries != shared.count(table) {
            problems.append("table \(hex(table)) has \(entries) entries pointing at it but a reference count of \(shared.count(table))")
        }
        for (table, count) in shared.references where count > 0 && incoming[table] == nil {
            problems.append("table \(hex(table)) is counted (\(count)) but not in the tree")
        }
        for (table, entries) in incoming where entries > 1 && complete[table] != true {
            problems.append("shared table \(hex(table)) is not complete: a map could write into it")
        }
        if !gather.isEmpty { problems.append("an invalidation batch was left unsynced") }
        for table in reservations.pins.keys where incoming[table] == nil {
            problems.append("pinned table \(hex(table)) is not in the tree")
        }
        return problems
    }

    /// Checks one table the first time it is met and records, for every table below, how many
    /// entries point at it and whether it is complete (every item mapped, all the way down).
    @discardableResult
    private func checkTable(_ address: PhysicalAddress, level: Int, base: VirtualAddress,
                            incoming: inout [PhysicalAddress: Int], complete: inout [PhysicalAddress: Bool],
                            problems: inout [String]) -> Bool {
        if let known = complete[address] { return known }
        let shape = shapes[level]
        let name = "\(format.levelName(level)) table \(hex(address))"
        if address & UInt64(shape.tableAlignment - 1) != 0 { problems.append("\(name) is misaligned") }
        if !memory.contains(address, bytes: shape.tableBytes) { problems.append("\(name) is outside table memory") }
        if address + UInt64(shape.tableBytes - 1) > geometry.tableAddressLimit {
            problems.append("\(name) is above the table address limit")
        }
        let table = items(address)
        var occupied = 0
        var isComplete = true
        let groupItems = 1 << shape.contiguousLog2
        for index in 0..<shape.itemCount {
            let start = base + UInt64(index) << UInt64(shape.itemShift)
            switch format.decode(table[index], level: level) {
            case .empty:
                isComplete = false
            case .table(let child):
                occupied += 1
                if level == 0 { problems.append("\(name) item \(index) points at a table below level 0"); continue }
                incoming[child, default: 0] += 1
                if !checkTable(child, level: level - 1, base: start, incoming: &incoming, complete: &complete,
                               problems: &problems) { isComplete = false }
            case .leaf(let output, let contiguous):
                occupied += 1
                if !shape.allowsLeaf { problems.append("\(name) item \(index) is a leaf at a level without leaves") }
                let size = contiguous ? shape.itemSize << UInt64(shape.contiguousLog2) : shape.itemSize
                if output & (size - 1) != 0 { problems.append("\(name) item \(index) maps misaligned \(hex(output))") }
                if contiguous && index % groupItems == 0 {
                    let attributes = format.attributes(ofLeaf: table[index], level: level)
                    for member in index..<(index + groupItems) {
                        let decoded = format.decode(table[member], level: level)
                        if decoded != .leaf(outputAddress: output, contiguous: true)
                            || format.attributes(ofLeaf: table[member], level: level) != attributes {
                            problems.append("\(name) contiguous group at item \(index) differs at item \(member)")
                            break
                        }
                    }
                }
            }
        }
        if occupied == 0 && level != geometry.topLevel && !reservations.isPinned(address) {
            problems.append("\(name) is empty but still linked (and not pinned by a reservation)")
        }
        complete[address] = isComplete
        return isComplete
    }
}
