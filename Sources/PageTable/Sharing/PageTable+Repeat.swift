extension PageTable {
    /// Maps every page of `iova ..< iova + size` to the same `physicalAddress ..< physicalAddress
    /// + pageSize` -- a dummy or zero page over a sparse range, as GPU drivers do.
    ///
    /// Where the format allows shared tables, fully covered tables are not duplicated: one
    /// table of repeated leaves is shared by every entry that needs it, one table per level
    /// above points only at the one below, and only the unaligned ends get private tables.
    /// The cost is O(levels) tables and writes whatever the size: 1 TiB of one 4 KiB page takes
    /// four tables on ARM LPAE 4K. Shared tables are reference-counted and never written in
    /// place; later operations copy the path they change (copy-on-write).
    ///
    /// `pageSize` must be a (single-item) leaf size of the format, and `iova`, `size` and
    /// `physicalAddress` multiples of it (else `misaligned`). The outcome is exact, as for
    /// ``map(iova:to:size:attributes:)``: existing leaves stop it with `already-mapped` and the
    /// pages before them stay mapped.
    ///
    /// Inside a reservation a repeat never allocates, like a map: where an empty table pinned
    /// by a reservation stands in place of a repeated page, the page goes into that table as
    /// smaller leaves mapping the page's bytes in order; where a large leaf stood when the range
    /// was reserved, its spare tables become private tables of repeated leaves instead of
    /// shared ones.
    public mutating func mapRepeat(iova: VirtualAddress, size: UInt64, physicalAddress: PhysicalAddress,
                                   pageSize: UInt64, attributes: MapAttributes) -> RangeOutcome {
        let outcome = repeatRange(iova: iova, size: size, physicalAddress: physicalAddress, pageSize: pageSize,
                                  attributes: attributes)
        sync()
        return outcome
    }

    /// Validates and repeats without syncing.
    mutating func repeatRange(iova: VirtualAddress, size: UInt64, physicalAddress: PhysicalAddress,
                              pageSize: UInt64, attributes: MapAttributes) -> RangeOutcome {
        let shift = pageSize.trailingZeroBitCount
        guard pageSize.nonzeroBitCount == 1,
              let pageLevel = (0..<geometry.levelCount).first(where: {
                  shapes[$0].allowsLeaf && shapes[$0].itemShift == shift }) else {
            return RangeOutcome(bytes: 0, error: PageTableError(.misaligned, at: iova,
                                "page size \(hex(pageSize)) is not a leaf size of \(format.name)"))
        }
        let range: Range<VirtualAddress>
        let template: Format.Descriptor
        let encoded: Format.EncodedAttributes
        do throws(PageTableError) {
            guard (iova | size | physicalAddress) & (pageSize - 1) == 0 else {
                throw PageTableError(.misaligned, at: iova,
                                     "\(hex(iova)) + \(hex(size)) -> \(hex(physicalAddress)) is not aligned to \(hex(pageSize))")
            }
            range = try checkInputRange(iova, size: size)
            try checkOutputRange(physicalAddress, size: pageSize, iova: iova)
            encoded = try format.encode(attributes)
            let leaf = format.leafTemplate(encoded, level: pageLevel, contiguous: false)
            template = format.leafDescriptor(template: leaf, outputAddress: physicalAddress, level: pageLevel)
        } catch {
            return RangeOutcome(bytes: 0, error: error)
        }
        var chain = RepeatChain(pageLevel: pageLevel, leaf: template, levels: geometry.levelCount,
                                output: physicalAddress, attributes: encoded)
        var cursor = UnmapCursor(address: range.lowerBound, end: range.upperBound)
        let error = repeatItems(in: root, level: geometry.topLevel, linked: true, cursor: &cursor, chain: &chain)
        releaseUnusedChain(&chain)
        return RangeOutcome(bytes: cursor.address - range.lowerBound, error: error)
    }

    /// Repeats from `cursor` in the table at `table` (of `level`) until the range or the table ends.
    private mutating func repeatItems(in table: PhysicalAddress, level: Int, linked: Bool, cursor: inout UnmapCursor,
                                      chain: inout RepeatChain<Format.Descriptor, Format.EncodedAttributes>) -> PageTableError? {
        let shape = shapes[level]
        let items = self.items(table)
        var index = shape.index(of: cursor.address)
        var changes = ChangedItems()
        defer { if linked { noteChanges(changes, in: table, level: level) } }
        while index < shape.itemCount && cursor.address < cursor.end {
            let start = cursor.address
            let covers = start & (shape.itemSize - 1) == 0 && cursor.end - start >= shape.itemSize
            let existing = format.decode(items[index], level: level)
            if level == chain.pageLevel {
                if case .table(let child) = existing, level > 0, reservations.isPinned(child),
                   holdsNoLeaves(child, level: level - 1) {
                    // An empty reserved table where the page would go: the page's bytes as
                    // smaller leaves in it.
                    var pieces = MapCursor(address: start, output: chain.output, end: start + shape.itemSize,
                                           largestLeafShift: .max)
                    let error = mapItems(in: child, level: level - 1, linked: linked, cursor: &pieces,
                                         attributes: chain.attributes)
                    cursor.address = pieces.address
                    if let error { return error }
                    index += 1
                    continue
                }
                guard existing == .empty else { return .alreadyMapped(inputAddress(start)) }
                items[index] = chain.leaf
                changes.add(index, count: 1)
                if linked { noteFilled(start, start + shape.itemSize, level: level) }
                cursor.address += shape.itemSize
                index += 1
                continue
            }
            switch existing {
            case .leaf:
                return .alreadyMapped(inputAddress(start))
            case .table(let child):
                // A shared table is complete: every page below it is mapped.
                if shared.isShared(child) { return .alreadyMapped(inputAddress(start)) }
                if let error = repeatItems(in: child, level: level - 1, linked: linked, cursor: &cursor, chain: &chain) {
                    return error
                }
            case .empty:
                let child: PhysicalAddress
                // Inside a reservation, a spare table kept for this item is used privately:
                // repeats there must not allocate.
                if covers && format.allowsSharedTables && !reservations.hasSpare(level: level - 1, for: start) {
                    guard let table = chainTable(level: level - 1, &chain) else {
                        return .outOfMemory(inputAddress(start), bytes: shapes[level - 1].tableBytes)
                    }
                    child = table
                    shared.retain(child)
                    cursor.address += shape.itemSize
                } else {
                    guard let fresh = allocateTable(level: level - 1, for: start) else {
                        return .outOfMemory(inputAddress(start), bytes: shapes[level - 1].tableBytes)
                    }
                    let error = repeatItems(in: fresh, level: level - 1, linked: false, cursor: &cursor, chain: &chain)
                    guard cursor.address != start else {
                        if reservations.isPinned(fresh) {
                            reservations.returnSpare(fresh, level: level - 1)
                        } else {
                            freeTable(fresh, level: level - 1)
                        }
                        return error
                    }
                    makeVisible(fresh, bytes: shapes[level - 1].tableBytes)
                    child = fresh
                    if error != nil {
                        items[index] = format.tableDescriptor(address: child, level: level)
                        changes.add(index, count: 1)
                        return error
                    }
                }
                items[index] = format.tableDescriptor(address: child, level: level)
                changes.add(index, count: 1)
                if linked && format.cachesInvalidEntries { gather.addWalks(start, start + shape.itemSize, level: level) }
            }
            index += 1
        }
        return nil
    }

    /// The shared table of `level` whose items all map the repeated page (at the page's level)
    /// or all point at the chain table one level down, built on first use.
    private mutating func chainTable(level: Int, _ chain: inout RepeatChain<Format.Descriptor, Format.EncodedAttributes>) -> PhysicalAddress? {
        if let table = chain.tables[level] { return table }
        let shape = shapes[level]
        let item: Format.Descriptor
        if level == chain.pageLevel {
            item = chain.leaf
        } else {
            guard let below = chainTable(level: level - 1, &chain) else { return nil }
            item = format.tableDescriptor(address: below, level: level)
            shared.retain(below, shape.itemCount)
        }
        guard let table = allocateTable(level: level, for: nil) else {
            if level != chain.pageLevel, let below = chain.tables[level - 1] { _ = shared.release(below, shape.itemCount) }
            return nil
        }
        let items = self.items(table)
        for index in 0..<shape.itemCount { items[index] = item }
        makeVisible(table, bytes: shape.tableBytes)
        shared.references[table] = 0
        chain.tables[level] = table
        return table
    }

    /// Frees the chain tables this operation built but did not link (never seen by hardware),
    /// from the top down so each releases its references to the one below.
    private mutating func releaseUnusedChain(_ chain: inout RepeatChain<Format.Descriptor, Format.EncodedAttributes>) {
        for level in (0..<geometry.levelCount).reversed() {
            guard let table = chain.tables[level], shared.references[table] == 0 else { continue }
            shared.references[table] = nil
            if level != chain.pageLevel, let below = chain.tables[level - 1] {
                _ = shared.release(below, shapes[level].itemCount)
                if shared.references[below] == nil { shared.references[below] = 0 }
            }
            freeTable(table, level: level)
        }
        // Chain tables linked exactly once are ordinary private tables.
        for case let table? in chain.tables where shared.references[table] == 1 { shared.references[table] = nil }
    }
}

/// The tables of one repeat: the leaf it repeats and, per level, the shared table built for it;
/// the page's address and encoded attributes, for pages mapped as smaller leaves.
struct RepeatChain<Descriptor, Attributes> {
    let pageLevel: Int
    let leaf: Descriptor
    let output: PhysicalAddress
    let attributes: Attributes
    var tables: [PhysicalAddress?]

    init(pageLevel: Int, leaf: Descriptor, levels: Int, output: PhysicalAddress, attributes: Attributes) {
        self.pageLevel = pageLevel
        self.leaf = leaf
        self.output = output
        self.attributes = attributes
        tables = Array(repeating: nil, count: levels)
    }
}
