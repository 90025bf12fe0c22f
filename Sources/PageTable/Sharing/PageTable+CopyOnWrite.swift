extension PageTable {
    /// A private copy of the shared table at `table` (of `level`), made visible, with one
    /// reference moved from the original to the copy and one more for everything the copy
    /// points at. Returns `nil` if no table can be allocated.
    @usableFromInline
    mutating func copyOnWrite(_ table: PhysicalAddress, level: Int) -> PhysicalAddress? {
        let bytes = shapes[level].tableBytes
        guard let copy = allocateTable(level: level, for: nil) else { return nil }
        memory.pointer(to: copy).copyMemory(from: memory.pointer(to: table), byteCount: bytes)
        if level > 0 {
            let items = self.items(copy)
            for index in 0..<shapes[level].itemCount {
                if case .table(let child) = format.decode(items[index], level: level) { shared.retain(child) }
            }
        }
        _ = shared.release(table)  // Still referenced elsewhere: it was shared.
        makeVisible(copy, bytes: bytes)
        return copy
    }

    /// One entry (held at level `heldAt`, covering `itemStart ..< itemEnd`) pointing at the
    /// complete table `table` (of `level`) was cleared. Everything it mapped is invalidated; the
    /// table is freed after the sync when no entry points at it any more, releasing in turn
    /// what it points at.
    @usableFromInline
    mutating func dropReference(to table: PhysicalAddress, level: Int, itemStart: VirtualAddress,
                                itemEnd: VirtualAddress, heldAt: Int) {
        for below in 0...level { gather.addLeaves(itemStart, itemEnd, level: below) }
        gather.addWalks(itemStart, itemEnd, level: heldAt)
        release(table, level: level)
    }

    /// Releases one reference to `table`; at zero it is freed after the sync, and so is
    /// everything only it pointed at.
    @usableFromInline
    mutating func release(_ table: PhysicalAddress, level: Int) {
        guard shared.release(table) == 0 else { return }
        gather.unlinkedTables.append((table, shapes[level].tableBytes))
        guard level > 0 else { return }
        let items = self.items(table)
        for index in 0..<shapes[level].itemCount {
            if case .table(let child) = format.decode(items[index], level: level) { release(child, level: level - 1) }
        }
    }
}
