import PageTable

/// A deliberately simple model of what a page table should contain: a sorted list of leaves.
///
/// It knows nothing about tables. It predicts every operation's outcome from the contract in
/// `docs/semantics.md` alone: map places the largest leaf legal at each position (alignment
/// of both addresses and remaining length, among the geometry's leaf sizes) and stops at the
/// first leaf that would overlap an existing one; unmap removes whole leaves front to back and
/// stops at a hole or at a leaf it would have to split.
public struct ReferenceModel {
    /// One leaf of the model.
    public struct Leaf: Hashable, CustomStringConvertible {
        /// The first input address it maps.
        public var start: UInt64
        /// Its size in bytes.
        public var size: UInt64
        /// The output address `start` maps to.
        public var physicalAddress: UInt64
        /// What the leaf allows.
        public var attributes: MapAttributes
        /// Whether the hardware recorded a write to it (dirty tracking) since it was last cleaned.
        /// Not part of equality: a table's leaves (translations and attributes) compare equal to
        /// the model's whatever their dirty state, which ``readAndClearDirty(_:_:)`` checks.
        public var dirty = false

        /// Equal translations and attributes (dirty state aside).
        public static func == (lhs: Leaf, rhs: Leaf) -> Bool {
            lhs.start == rhs.start && lhs.size == rhs.size && lhs.physicalAddress == rhs.physicalAddress
                && lhs.attributes == rhs.attributes
        }

        /// Hashes what equality compares.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(start)
            hasher.combine(size)
            hasher.combine(physicalAddress)
            hasher.combine(attributes)
        }
        /// The input address just past the leaf.
        public var end: UInt64 { start + size }
        public var description: String { "0x\(String(start, radix: 16))+0x\(String(size, radix: 16))" }

        /// A leaf mapping `start ..< start + size` to `physicalAddress` with `attributes`.
        public init(start: UInt64, size: UInt64, physicalAddress: UInt64, attributes: MapAttributes) {
            self.start = start
            self.size = size
            self.physicalAddress = physicalAddress
            self.attributes = attributes
        }
    }

    /// Leaves ordered by start address; they never overlap.
    public private(set) var leaves: [Leaf] = []
    /// Every leaf size the model has placed so far (for coverage checks).
    public private(set) var leafSizesBuilt: Set<UInt64> = []
    /// Leaf sizes (log2 bytes) the format offers, largest first.
    public let leafShifts: [Int]
    /// The geometry the model mirrors.
    public let geometry: TableGeometry

    /// Creates an empty model for a geometry.
    public init(geometry: TableGeometry) {
        self.geometry = geometry
        leafShifts = geometry.leafSizeShifts.sorted(by: >)
    }

    /// The predicted outcome: bytes mapped and the error kind, if any. Validation is the
    /// caller's concern: pass only valid requests, or compare validation separately.
    public mutating func map(_ iova: UInt64, _ pa: UInt64, _ size: UInt64, _ attributes: MapAttributes)
        -> (bytes: UInt64, error: PageTableError.Kind?) {
        var offset: UInt64 = 0
        while offset < size {
            let va = iova + offset, out = pa + offset
            guard let shift = leafShifts.first(where: { shift in
                let mask = (UInt64(1) << UInt64(shift)) - 1
                return (va | out) & mask == 0 && size - offset > mask
            }) else { fatalError("no leaf fits at 0x\(String(va, radix: 16)); the request was not page-aligned") }
            let leaf = Leaf(start: va, size: 1 << UInt64(shift), physicalAddress: out, attributes: attributes)
            let position = insertionPoint(va)
            if position > 0 && leaves[position - 1].end > va { return (offset, .alreadyMapped) }
            if position < leaves.count && leaves[position].start < leaf.end { return (offset, .alreadyMapped) }
            leaves.insert(leaf, at: position)
            leafSizesBuilt.insert(leaf.size)
            offset += leaf.size
        }
        return (size, nil)
    }

    /// The predicted outcome of mapping the page list `pages` (physical address, length) to
    /// consecutive addresses from `iova`: at each position the largest leaf whose input and
    /// output addresses are aligned to it and whose bytes the list holds physically contiguous
    /// from there; the first overlap stops it. Validation is the caller's concern.
    public mutating func mapList(_ iova: UInt64, _ pages: [(pa: UInt64, length: UInt64)], _ attributes: MapAttributes)
        -> (bytes: UInt64, error: PageTableError.Kind?) {
        let size = pages.reduce(0) { $0 + $1.length }
        var offset: UInt64 = 0
        var extent = 0, within: UInt64 = 0  // Where `offset` is in the list.
        while offset < size {
            while within == pages[extent].length { extent += 1; within = 0 }
            let va = iova + offset, out = pages[extent].pa + within
            // Bytes physically contiguous from `out` in the list.
            var contiguous = pages[extent].length - within
            var next = extent + 1
            while next < pages.count && pages[next].pa == pages[next - 1].pa + pages[next - 1].length {
                contiguous += pages[next].length
                next += 1
            }
            guard let shift = leafShifts.first(where: { shift in
                let mask = (UInt64(1) << UInt64(shift)) - 1
                return (va | out) & mask == 0 && contiguous > mask
            }) else { fatalError("no leaf fits at 0x\(String(va, radix: 16)); the request was not page-aligned") }
            let leafSize: UInt64 = 1 << UInt64(shift)
            let leaf = Leaf(start: va, size: leafSize, physicalAddress: out, attributes: attributes)
            let position = insertionPoint(va)
            if position > 0 && leaves[position - 1].end > va { return (offset, .alreadyMapped) }
            if position < leaves.count && leaves[position].start < leaf.end { return (offset, .alreadyMapped) }
            leaves.insert(leaf, at: position)
            leafSizesBuilt.insert(leaf.size)
            offset += leafSize
            // Step through the extents the leaf covered.
            var left = leafSize
            while left > 0 {
                let step = min(left, pages[extent].length - within)
                left -= step
                within += step
                if left > 0 { extent += 1; within = 0 }
            }
        }
        return (size, nil)
    }

    /// The predicted outcome of repeating `pa ..< pa + pageSize` over every page of
    /// `iova ..< iova + size`: pages are placed front to back and the first one overlapping an
    /// existing leaf stops it. Validation is the caller's concern.
    public mutating func repeatPage(_ iova: UInt64, _ size: UInt64, _ pa: UInt64, pageSize: UInt64,
                                    _ attributes: MapAttributes) -> (bytes: UInt64, error: PageTableError.Kind?) {
        let end = iova + size
        var start = iova
        let position = insertionPoint(iova)
        if position > 0 && leaves[position - 1].end > iova { return (0, .alreadyMapped) }
        var stop: PageTableError.Kind?
        if position < leaves.count && leaves[position].start < end {
            start = leaves[position].start
            stop = .alreadyMapped
        } else {
            start = end
        }
        let done = (start - iova) / pageSize * pageSize
        let pages = (0..<(done / pageSize)).map {
            Leaf(start: iova + $0 * pageSize, size: pageSize, physicalAddress: pa, attributes: attributes)
        }
        leaves.insert(contentsOf: pages, at: position)
        if !pages.isEmpty { leafSizesBuilt.insert(pageSize) }
        return (done, stop)
    }

    /// The predicted outcome of an unmap.
    public mutating func unmap(_ iova: UInt64, _ size: UInt64) -> (bytes: UInt64, error: PageTableError.Kind?) {
        var cursor = iova
        let end = iova + size
        while cursor < end {
            guard let index = leafIndex(covering: cursor) else { return (cursor - iova, .notMapped) }
            let leaf = leaves[index]
            guard leaf.start == cursor, leaf.end <= end else { return (cursor - iova, .partialLeaf) }
            leaves.remove(at: index)
            cursor = leaf.end
        }
        return (size, nil)
    }

    /// The predicted outcome of a protect: whole leaves front to back get `attributes`; it
    /// stops at a hole or at a leaf it would have to split, as an unmap does, and with
    /// `unsupported` at a leaf whose change to `attributes` `needsBreak` says needs
    /// break-before-make.
    public mutating func protect(_ iova: UInt64, _ size: UInt64, _ attributes: MapAttributes,
                                 needsBreak: (Leaf, MapAttributes) -> Bool = { _, _ in false })
        -> (bytes: UInt64, error: PageTableError.Kind?) {
        var cursor = iova
        let end = iova + size
        while cursor < end {
            guard let index = leafIndex(covering: cursor) else { return (cursor - iova, .notMapped) }
            let leaf = leaves[index]
            guard leaf.start == cursor, leaf.end <= end else { return (cursor - iova, .partialLeaf) }
            if needsBreak(leaf, attributes) { return (cursor - iova, .unsupported) }
            leaves[index].attributes = attributes
            leaves[index].dirty = leaf.dirty && attributes.access.contains(.write)  // Kept while writable.
            cursor = leaf.end
        }
        return (size, nil)
    }

    /// The predicted outcome of a cut (`allowed`: the format changes leaf sizes without
    /// break-before-make): the leaf covering `iova` becomes leaves of the next smaller size
    /// with the same translations and attributes; `bytes` is its size.
    public mutating func cut(_ iova: UInt64, allowed: Bool) -> (bytes: UInt64, error: PageTableError.Kind?) {
        guard let index = leafIndex(covering: iova) else { return (0, .notMapped) }
        let leaf = leaves[index]
        guard let shift = leafShifts.first(where: { UInt64(1) << UInt64($0) < leaf.size }), allowed else {
            return (0, .unsupported)
        }
        let size = UInt64(1) << UInt64(shift)
        let pieces = (0..<leaf.size / size).map {
            var piece = Leaf(start: leaf.start + $0 * size, size: size, physicalAddress: leaf.physicalAddress + $0 * size,
                             attributes: leaf.attributes)
            piece.dirty = leaf.dirty
            return piece
        }
        leaves.replaceSubrange(index...index, with: pieces)
        leafSizesBuilt.insert(size)
        return (leaf.size, nil)
    }

    /// The predicted hardware write to `iova`: `true` (it goes through, and with `tracking`
    /// the leaf is now dirty) if a writable leaf covers it, `false` (a fault) otherwise.
    public mutating func hardwareWrite(_ iova: UInt64, tracking: Bool) -> Bool {
        guard let index = leafIndex(covering: iova), leaves[index].attributes.access.contains(.write) else { return false }
        if tracking { leaves[index].dirty = true }
        return true
    }

    /// The predicted read-and-clear of the dirty state of `iova ..< iova + size` (a tracking
    /// table): the dirty leaves' ranges in order, adjacent ones merged, now clean; `partial-leaf`
    /// with nothing cleared when a leaf sticks out of the range. Validation is the caller's concern.
    public mutating func readAndClearDirty(_ iova: UInt64, _ size: UInt64) -> (runs: [Range<UInt64>], error: PageTableError.Kind?) {
        let end = iova + size
        for address in [iova, end - 1] {
            if let leaf = leaf(covering: address), leaf.start < iova || leaf.end > end { return ([], .partialLeaf) }
        }
        var runs: [Range<UInt64>] = []
        for index in leaves.indices where leaves[index].start >= iova && leaves[index].end <= end && leaves[index].dirty {
            leaves[index].dirty = false
            let leaf = leaves[index]
            if let last = runs.last, last.upperBound == leaf.start {
                runs[runs.count - 1] = last.lowerBound..<leaf.end
            } else {
                runs.append(leaf.start..<leaf.end)
            }
        }
        return (runs, nil)
    }

    /// The predicted outcome of a collapse (`allowed`: the format changes leaf sizes without
    /// break-before-make): the leaves of `iova ..< iova + size`, all smaller than `size`,
    /// become one leaf if they map every address consecutively from a `size`-aligned output
    /// with one set of attributes. Checks in the walker's order: a block size and alignment,
    /// `allowed`, one leaf already covering the range, holes and breaks in the run in address
    /// order, then the output's alignment.
    public mutating func collapse(_ iova: UInt64, _ size: UInt64, allowed: Bool) -> (bytes: UInt64, error: PageTableError.Kind?) {
        let blockSizes = (1..<geometry.levelCount).filter { geometry[$0].allowsLeaf }.map { geometry[$0].itemSize }
        guard blockSizes.contains(size) else { return (0, .unsupported) }
        guard iova % size == 0 else { return (0, .misaligned) }
        guard allowed else { return (0, .unsupported) }
        if let leaf = leafIndex(covering: iova).map({ leaves[$0] }), leaf.size >= size { return (0, .unsupported) }
        var cursor = iova
        var first: Leaf? = nil
        while cursor < iova + size {
            guard let index = leafIndex(covering: cursor) else { return (0, .notMapped) }
            let leaf = leaves[index]
            if let first {
                guard leaf.physicalAddress == first.physicalAddress + (leaf.start - first.start),
                      leaf.attributes == first.attributes else { return (0, .notUniform) }
            } else {
                first = leaf
            }
            cursor = leaf.end
        }
        guard let first, first.physicalAddress % size == 0 else { return (0, .misaligned) }
        let low = insertionPoint(iova), high = insertionPoint(iova + size)
        var block = Leaf(start: iova, size: size, physicalAddress: first.physicalAddress, attributes: first.attributes)
        block.dirty = leaves[low..<high].contains { $0.dirty }  // a recorded write is never lost
        leaves.replaceSubrange(low..<high, with: [block])
        leafSizesBuilt.insert(size)
        return (size, nil)
    }

    /// What `iova` translates to, or `nil`.
    public func translate(_ iova: UInt64) -> UInt64? {
        leafIndex(covering: iova).map { leaves[$0].physicalAddress + (iova - leaves[$0].start) }
    }

    /// The leaf covering `iova`, if any.
    public func leaf(covering iova: UInt64) -> Leaf? { leafIndex(covering: iova).map { leaves[$0] } }

    private func leafIndex(covering address: UInt64) -> Int? {
        let position = address == .max ? leaves.count : insertionPoint(address + 1)
        guard position > 0, leaves[position - 1].end > address else { return nil }
        return position - 1
    }

    /// The first index whose leaf starts at or after `address`.
    private func insertionPoint(_ address: UInt64) -> Int {
        var low = 0, high = leaves.count
        while low < high {
            let middle = (low + high) / 2
            if leaves[middle].start < address { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
