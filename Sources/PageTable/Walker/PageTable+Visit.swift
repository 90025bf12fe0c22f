extension PageTable {
    /// Visits every table and leaf in pre-order (a table before its items, items in address
    /// order). Leaves entirely outside `range` and tables that do not intersect it are skipped.
    ///
    /// A shared table is met once per entry pointing at it. With `expandingShared` (the
    /// default) its items are visited every time, so every leaf of the naive expansion is
    /// reported -- for a huge repeat that is a great many. Without it, a shared table met again
    /// is reported with ``TableInfo/isRepeat`` set and its items are not visited again.
    ///
    /// Addresses are input addresses (upper-range and sign-extended ones in full, see
    /// ``InputRange``); `nil` visits everything, up to the top of the 64-bit space.
    public func visit<E: Error>(_ range: Range<VirtualAddress>? = nil, expandingShared: Bool = true,
                                _ body: (TreeNode) throws(E) -> Void) throws(E) {
        // A closed range inside, so everything up to 2^64 can be asked for; empty: 1 ... 0.
        let isEmpty = range?.isEmpty == true
        let first: VirtualAddress = isEmpty ? 1 : range?.lowerBound ?? 0
        let last: VirtualAddress = isEmpty ? 0 : range.map { $0.upperBound &- 1 } ?? .max
        var seen: Set<PhysicalAddress> = []
        try visitTable(root, level: geometry.topLevel, base: 0, first: first, last: last,
                       references: 0, expandingShared: expandingShared, seen: &seen, body)
    }

    /// Calls `body` with every leaf intersecting `range` (all leaves if `nil`), in address order.
    public func forEachMapping<E: Error>(in range: Range<VirtualAddress>? = nil,
                                         _ body: (Mapping) throws(E) -> Void) throws(E) {
        try visit(range) { (node) throws(E) in
            if case .leaf(let mapping) = node { try body(mapping) }
        }
    }

    /// Visits the table at `address`, whose first table address is `base`; `first ... last`
    /// are input addresses.
    func visitTable<E: Error>(_ address: PhysicalAddress, level: Int, base: VirtualAddress,
                              first: VirtualAddress, last: VirtualAddress, references: Int, expandingShared: Bool,
                              seen: inout Set<PhysicalAddress>, _ body: (TreeNode) throws(E) -> Void) throws(E) {
        let shape = shapes[level]
        let isRepeat = references > 1 && !seen.insert(address).inserted
        try body(.table(TableInfo(address: address, level: level, virtualAddress: inputAddress(base), bytes: shape.tableBytes,
                                  references: references, isRepeat: isRepeat)))
        if isRepeat && !expandingShared { return }
        let table = items(address)
        var index = 0
        while index < shape.itemCount {
            let start = base &+ UInt64(index) &<< UInt64(shape.itemShift)
            var step = 1
            switch format.decode(table[index], level: level) {
            case .empty:
                break
            case .table(let child):
                let input = inputAddress(start)
                if input <= last && input &+ (shape.itemSize &- 1) >= first {
                    try visitTable(child, level: level - 1, base: start, first: first, last: last,
                                   references: shared.count(child), expandingShared: expandingShared, seen: &seen, body)
                }
            case .leaf(let output, let contiguous):
                let size = contiguous ? shape.itemSize << UInt64(shape.contiguousLog2) : shape.itemSize
                if contiguous { step = (1 << shape.contiguousLog2) - (index & ((1 << shape.contiguousLog2) - 1)) }
                let leafStart = inputAddress(start & ~(size - 1))
                if leafStart <= last && leafStart &+ (size &- 1) >= first {
                    try body(.leaf(Mapping(virtualAddress: leafStart, physicalAddress: output, size: size, level: level,
                                           attributes: format.attributes(ofLeaf: table[index], level: level))))
                }
            }
            index += step
        }
    }
}
