import PageTable

/// A model of an IOMMU/GPU MMU's caches, to prove that a table's invalidations are sufficient.
///
/// It caches leaf translations and, per level, pointers to intermediate tables, exactly as a
/// walker with a TLB and a walk cache does. It fills itself only by walking the table as the
/// hardware sees it (``HardwareView``: the CPU's bytes for coherent memory, or only what was
/// cleaned for non-coherent memory), and it drops entries only when the framework asks
/// (it is the table's `TLBInvalidator`). Invalidation requests are honoured precisely, level
/// sets included, so a missing or too narrow request leaves a stale entry behind, and
/// ``staleEntries(comparedWith:in:)`` reports it.
///
/// Install it as the table's invalidator, set ``root`` after creating the table, let it walk
/// (``translate(_:)``, ``prefetch(_:)``) between operations, and compare after each one.
///
/// Its public methods take input addresses (upper-range and sign-extended ones in full, see
/// `InputRange`); inside, entries are keyed by table address (the low input bits), so a
/// range reaching 2^64 needs no special case.
public final class TLBModel<Format: PageTableFormat>: TLBInvalidator {
    /// A cached leaf translation.
    public struct CachedLeaf: Hashable, Sendable {
        /// The leaf: its first input address, size in bytes, level and output address.
        public var start: VirtualAddress, size: UInt64, level: Int, outputAddress: PhysicalAddress
        /// The attributes the cached descriptor expressed (permissions are cached with it).
        public var attributes: MapAttributes? = nil
        /// Whether the cached descriptor was dirty (dirty tracking): writes through it then go
        /// unrecorded, so cleaning the leaf must invalidate it.
        public var dirty = false
    }
    /// A cached pointer to the table of `level` that covers `start ..< start + span`.
    public struct CachedWalk: Hashable, Sendable {
        /// The pointer: the table's level, the first input address and bytes it covers, its address.
        public var level: Int, start: VirtualAddress, span: UInt64, table: PhysicalAddress
    }

    /// The format the modelled hardware walks (it grows with a dynamic top: ``loadTop(_:)``).
    public private(set) var format: Format
    /// The memory as the modelled hardware reads it.
    public let view: HardwareView
    /// The top table: set it once the table exists.
    public var root: PhysicalAddress = 0
    /// Cached leaf translations, by their first input address.
    public private(set) var leaves: [VirtualAddress: CachedLeaf] = [:]
    /// Cached table pointers, by level and then by the first input address they cover.
    public private(set) var walks: [Int: [VirtualAddress: CachedWalk]] = [:]
    /// Empty items the hardware remembered (only for formats that cache invalid entries).
    public private(set) var invalid: [Int: Set<VirtualAddress>] = [:]
    /// Requests received, by kind.
    public private(set) var leafInvalidations = 0, walkInvalidations = 0, fullInvalidations = 0
    /// Rewrites each leaf and walk request before it is honoured: the range to drop, or `nil`
    /// to ignore the request. `nil` (the default) honours requests as made. For proving that a
    /// missing or too narrow invalidation is caught.
    public var requestFilter: (@Sendable (Range<VirtualAddress>) -> Range<VirtualAddress>?)?
    /// Break-before-make checking (`TLBModel+BreakBeforeMake.swift`).
    var writeWatch = WriteWatch()

    private var geometry: TableGeometry { format.geometry }

    /// Loads the registers of a grown top (the table's `onTopChange`): the new root, and the
    /// format grown as far as the change says. Cached entries stay until the table's
    /// invalidate-all that follows, as on hardware.
    public func loadTop(_ change: TopChange) {
        root = change.root
        while format.geometry.inputAddressBits < change.inputAddressBits, let step = format.grownTop() {
            format = step.format
        }
    }

    /// An empty cache for tables of `format`, read through `view`.
    public init(format: Format, view: HardwareView) {
        self.format = format
        self.view = view
    }

    // MARK: Walking, as the hardware does

    /// Translates `iova` through the caches, walking and filling them on a miss.
    @discardableResult
    public func translate(_ input: VirtualAddress) -> PhysicalAddress? {
        guard geometry.contains(inputAddress: input) else { return nil }
        return walk(geometry.tableAddress(of: input))
    }

    /// ``translate(_:)`` of the table address `iova`.
    private func walk(_ iova: VirtualAddress) -> PhysicalAddress? {
        if let leaf = cachedLeaf(covering: iova) { return leaf.outputAddress + (iova - leaf.start) }
        var level = geometry.topLevel
        var table = root
        for candidate in 0..<geometry.topLevel {  // The deepest cached table wins.
            let span = tableSpan(candidate)
            if let walk = walks[candidate]?[iova & ~(span - 1)] {
                level = candidate
                table = walk.table
                break
            }
        }
        while true {
            let shape = geometry[level]
            let itemStart = iova & ~(shape.itemSize - 1)
            if invalid[level]?.contains(itemStart) == true { return nil }
            let descriptor: Format.Descriptor = view.load(table + UInt64(shape.index(of: iova) * MemoryLayout<Format.Descriptor>.stride))
            switch format.decode(descriptor, level: level) {
            case .empty:
                if format.cachesInvalidEntries { invalid[level, default: []].insert(itemStart) }
                return nil
            case .table(let next):
                guard level > 0 else { return nil }
                level -= 1
                let span = tableSpan(level)
                walks[level, default: [:]][iova & ~(span - 1)] = CachedWalk(level: level, start: iova & ~(span - 1),
                                                                             span: span, table: next)
                table = next
            case .leaf(let base, let contiguous):
                let size = contiguous ? shape.itemSize << UInt64(shape.contiguousLog2) : shape.itemSize
                let start = iova & ~(size - 1)
                leaves[start] = CachedLeaf(start: start, size: size, level: level, outputAddress: base,
                                           attributes: format.attributes(ofLeaf: descriptor, level: level),
                                           dirty: format.tracksDirtyState && format.isDirty(descriptor, level: level))
                return base + (iova - start)
            }
        }
    }

    /// The hardware's own write to `input` (after `PageTable.simulateHardwareWrite(iova:)`):
    /// it updates the descriptor and keeps the translation it used, now dirty, in its TLB.
    public func noteHardwareWrite(_ input: VirtualAddress) {
        let iova = tableRange(input..<(input &+ 1)).lowerBound
        if let leaf = cachedLeaf(covering: iova) { leaves[leaf.start] = nil }
        translate(input)
    }

    /// Walks each address, as speculative hardware walks would.
    public func prefetch(_ addresses: some Sequence<VirtualAddress>) {
        for address in addresses { translate(address) }
    }

    // MARK: Invalidation, as requested

    public func invalidateLeaves(in range: Range<VirtualAddress>, levels: LevelSet) {
        leafInvalidations += 1
        let now = observeWrites()
        guard let range = filtered(range).map(tableRange) else { return }
        leaves = leaves.filter { !(levels.contains(level: $0.value.level) && overlaps($0.value.start, $0.value.size, range)) }
        dropInvalid(in: range) { levels.contains(level: $0) }
        forgetCached(in: range, now: now) { slot, entry in
            if case .leaf = entry { levels.contains(level: slot.level) } else { false }
        }
    }

    /// Drops cached pointers held at the given levels (to tables one level lower) and
    /// everything cached below them in `range`.
    public func invalidateWalks(in range: Range<VirtualAddress>, levels: LevelSet) {
        walkInvalidations += 1
        let now = observeWrites()
        guard let range = filtered(range).map(tableRange) else { return }
        guard let highest = levels.levels.last else { return }
        forgetCached(in: range, now: now) { slot, entry in
            if case .leaf = entry { slot.level < highest } else { slot.level <= highest }
        }
        for level in 0..<highest {
            walks[level] = walks[level]?.filter { !overlaps($0.value.start, $0.value.span, range) }
        }
        leaves = leaves.filter { !($0.value.level < highest && overlaps($0.value.start, $0.value.size, range)) }
        dropInvalid(in: range) { $0 <= highest }
    }

    public func invalidateAll() {
        fullInvalidations += 1
        if let now = observeWrites() { writeWatch.cached = now }
        leaves = [:]
        walks = [:]
        invalid = [:]
    }

    // MARK: Checking

    /// Cached leaves (within `range`, if given) whose attributes differ from what `attributes`
    /// (the table's) says now: an attribute change that was not invalidated.
    public func staleAttributes(comparedWith attributes: (VirtualAddress) -> MapAttributes?,
                                in range: Range<VirtualAddress>? = nil) -> [String] {
        let range = range.map(tableRange) ?? 0..<geometry.inputLimit
        return leaves.values.filter { overlaps($0.start, $0.size, range) && $0.attributes != attributes(input($0.start)) }
            .map { "leaf \(hexString($0.start))+\(hexString($0.size)) has stale attributes" }
    }

    /// Every cached entry whose answer differs from `inputTranslate` (the table's own walk, by
    /// input address), as readable descriptions; empty when nothing is stale. Limit the check to
    /// `range` (input addresses) if given.
    public func staleEntries(comparedWith inputTranslate: (VirtualAddress) -> PhysicalAddress?,
                             in range: Range<VirtualAddress>? = nil) -> [String] {
        var stale: [String] = []
        let range = range.map(tableRange) ?? 0..<geometry.inputLimit
        func translate(_ address: VirtualAddress) -> PhysicalAddress? { inputTranslate(input(address)) }
        for leaf in leaves.values where overlaps(leaf.start, leaf.size, range) {
            for probe in [leaf.start, leaf.start + leaf.size - 1] where translate(probe) != leaf.outputAddress + (probe - leaf.start) {
                stale.append("leaf \(hexString(leaf.start))+\(hexString(leaf.size)) -> \(hexString(leaf.outputAddress)) is stale")
            }
        }
        for (level, entries) in walks {
            for walk in entries.values where overlaps(walk.start, walk.span, range) {
                for probe in [walk.start, walk.start + walk.span / 2, walk.start + walk.span - 1]
                    where walkFrom(walk, probe) != translate(probe) {
                    stale.append("walk-cache entry for the level-\(level) table at \(hexString(walk.start)) is stale")
                    break
                }
            }
        }
        for (level, starts) in invalid {
            for start in starts where overlaps(start, geometry[level].itemSize, range) && translate(start) != nil {
                stale.append("cached invalid entry at \(hexString(start)) (level \(level)) is stale")
            }
        }
        return stale
    }

    /// What the hardware would answer for `iova` when its walk starts at a cached table,
    /// without using or filling any cache.
    private func walkFrom(_ walk: CachedWalk, _ iova: VirtualAddress) -> PhysicalAddress? {
        var table = walk.table
        var level = walk.level
        while true {
            let shape = geometry[level]
            let descriptor: Format.Descriptor = view.load(table + UInt64(shape.index(of: iova) * MemoryLayout<Format.Descriptor>.stride))
            switch format.decode(descriptor, level: level) {
            case .empty: return nil
            case .table(let next):
                guard level > 0 else { return nil }
                table = next
                level -= 1
            case .leaf(let base, let contiguous):
                let size = contiguous ? shape.itemSize << UInt64(shape.contiguousLog2) : shape.itemSize
                return base + (iova & (size - 1))
            }
        }
    }

    private func cachedLeaf(covering iova: VirtualAddress) -> CachedLeaf? {
        for shift in geometry.leafSizeShifts {
            if let leaf = leaves[iova & ~((1 << UInt64(shift)) - 1)], leaf.size == 1 << UInt64(shift) { return leaf }
        }
        return nil
    }

    /// The table addresses of the input range `range` (ranges that span the canonical hole
    /// cover both halves' parts of it, which are adjacent as table addresses).
    func tableRange(_ range: Range<VirtualAddress>) -> Range<VirtualAddress> {
        guard geometry.inputRange != .lower, !range.isEmpty else { return range }
        let first = geometry.tableAddress(of: range.lowerBound)
        // The bound `UInt64.max` stands for 2^64 (a `Range` cannot end there).
        let last = range.upperBound == .max ? geometry.inputLimit - 1 : geometry.tableAddress(of: range.upperBound - 1)
        return first <= last ? first..<(last + 1) : 0..<0
    }

    func input(_ tableAddress: VirtualAddress) -> VirtualAddress { geometry.inputAddress(ofTable: tableAddress) }

    private func filtered(_ range: Range<VirtualAddress>) -> Range<VirtualAddress>? {
        guard let requestFilter else { return range }
        return requestFilter(range)
    }

    private func tableSpan(_ level: Int) -> UInt64 { 1 << UInt64(geometry[level].tableSpanShift) }

    private func dropInvalid(in range: Range<VirtualAddress>, levels: (Int) -> Bool) {
        for (level, starts) in invalid where levels(level) {
            invalid[level] = starts.filter { !overlaps($0, geometry[level].itemSize, range) }
        }
    }

    func overlaps(_ start: VirtualAddress, _ size: UInt64, _ range: Range<VirtualAddress>) -> Bool {
        start < range.upperBound && start &+ size > range.lowerBound
    }
}

func hexString(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
