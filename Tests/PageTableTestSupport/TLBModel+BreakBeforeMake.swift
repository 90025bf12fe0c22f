import PageTable

/// One table entry the TLB model watches for break-before-make: its level and the first input
/// address of its item.
struct WatchedSlot: Hashable {
    var level: Int
    var start: VirtualAddress
}

/// What a valid entry means to the hardware: a table pointer, or a leaf (a contiguous group's
/// member as the whole group) with its descriptor, widened.
enum WatchedEntry: Hashable {
    case table(PhysicalAddress)
    case leaf(start: VirtualAddress, size: UInt64, output: PhysicalAddress, descriptor: UInt64)
}

/// The TLB model's break-before-make bookkeeping while it watches a range.
struct WriteWatch {
    var range: Range<VirtualAddress>?
    /// Per slot, the valid entry the hardware may hold cached: what was there when watching
    /// began, or was written since, and has not been invalidated.
    var cached: [WatchedSlot: WatchedEntry] = [:]
    var violations: [String] = []
}

extension TLBModel {
    /// Break-before-make violations seen so far, as readable descriptions: a valid entry
    /// turned into another valid one of a different size or output (leaf <-> table, another
    /// output address, a leaf of another size) with no invalidation of the old one between
    /// the two, where the format does not allow it
    /// (`PageTableFormat.allowsLeafSizeChangeWithoutBreak`; an output change is never
    /// allowed), or a leaf rewritten in place with attributes the format says need a break
    /// (`PageTableFormat.leafChangeNeedsBreak(from:to:level:)`). A table pointer replaced by another table pointer (a copy) is not one: the
    /// walk-cache check covers it.
    public var breakBeforeMakeViolations: [String] { writeWatch.violations }

    /// Forgets the violations seen so far.
    public func clearBreakBeforeMakeViolations() { writeWatch.violations = [] }

    /// Starts watching the entries whose items overlap `range` (an operation's input range)
    /// for break-before-make: every valid one may be cached from now on.
    ///
    /// The model sees the entries, as the hardware does (``HardwareView``), at each
    /// invalidation request and at ``endWatch()``: the walker writes descriptors and
    /// invalidates only at the end of an operation, so every write between two requests is
    /// seen as one change from the entry before to the entry after, which is what
    /// break-before-make is about. (An entry changed and changed back between two requests is
    /// not seen.)
    public func watchWrites(in range: Range<VirtualAddress>) {
        let range = tableRange(range)
        writeWatch.range = range
        writeWatch.cached = entries(in: range)
    }

    /// Looks at the watched entries a last time (an operation's writes after its last
    /// request) and stops watching.
    public func endWatch() {
        _ = observeWrites()
        writeWatch.range = nil
        writeWatch.cached = [:]
    }

    /// Compares the watched entries with what may be cached, records violations, and returns
    /// the entries as they are now (`nil` when not watching).
    func observeWrites() -> [WatchedSlot: WatchedEntry]? {
        guard let range = writeWatch.range else { return nil }
        let now = entries(in: range)
        for (slot, entry) in now {
            if let old = writeWatch.cached[slot], old != entry, let problem = breakBeforeMakeProblem(old, entry, level: slot.level) {
                writeWatch.violations.append("\(format.levelName(slot.level)) entry at \(hexString(input(slot.start))): \(problem)")
            }
            writeWatch.cached[slot] = entry  // The old one may still be cached too; it was checked.
        }
        return now
    }

    /// An invalidation of `range` was honoured: the cached entries it dropped (leaves and
    /// table pointers, chosen by `drops`) are now at most what the slot holds now.
    func forgetCached(in range: Range<VirtualAddress>, now: [WatchedSlot: WatchedEntry]?,
                      drops: (WatchedSlot, WatchedEntry) -> Bool) {
        guard let now else { return }
        for (slot, entry) in writeWatch.cached
            where drops(slot, entry) && overlaps(slot.start, format.geometry[slot.level].itemSize, range) {
            writeWatch.cached[slot] = now[slot]
        }
    }

    private func breakBeforeMakeProblem(_ old: WatchedEntry, _ new: WatchedEntry, level: Int) -> String? {
        let allowed = format.allowsLeafSizeChangeWithoutBreak
        switch (old, new) {
        case (.table, .table):
            return nil
        case (.leaf(let start, let size, _, _), .table):
            return allowed ? nil : "the leaf \(hexString(start))+\(hexString(size)) became a table without break-before-make"
        case (.table, .leaf(let start, let size, _, _)):
            return allowed ? nil : "a table became the leaf \(hexString(start))+\(hexString(size)) without break-before-make"
        case (.leaf(let start, let size, let output, let descriptor), .leaf(let newStart, let newSize, let newOutput, let newDescriptor)):
            if output &- start != newOutput &- newStart {
                return "the output of \(hexString(start))+\(hexString(size)) changed from \(hexString(output)) "
                    + "to \(hexString(newOutput &- newStart &+ start)) without break-before-make"
            }
            if size != newSize && !allowed {
                return "the leaf \(hexString(start))+\(hexString(size)) became \(hexString(newStart))+\(hexString(newSize)) "
                    + "without break-before-make"
            }
            if format.leafChangeNeedsBreak(from: Format.Descriptor(truncatingIfNeeded: descriptor),
                                           to: Format.Descriptor(truncatingIfNeeded: newDescriptor), level: level) {
                return "the leaf \(hexString(start))+\(hexString(size)) got attributes that need break-before-make "
                    + "(\(hexString(descriptor)) -> \(hexString(newDescriptor))) in place"
            }
            return nil
        }
    }

    /// The valid entries, as the hardware sees them, whose items overlap `range` (a table
    /// reachable twice is read once).
    func entries(in range: Range<VirtualAddress>) -> [WatchedSlot: WatchedEntry] {
        var found: [WatchedSlot: WatchedEntry] = [:]
        var seen: Set<PhysicalAddress> = []
        guard !range.isEmpty else { return found }
        collect(root, level: format.geometry.topLevel, start: 0, last: format.geometry.inputLimit &- 1,
                range, &found, &seen)
        return found
    }

    private func collect(_ table: PhysicalAddress, level: Int, start: VirtualAddress, last: VirtualAddress,
                         _ range: Range<VirtualAddress>, _ found: inout [WatchedSlot: WatchedEntry],
                         _ seen: inout Set<PhysicalAddress>) {
        guard seen.insert(table).inserted else { return }
        let shape = format.geometry[level]
        let low = max(start, range.lowerBound), high = min(last, range.upperBound &- 1)
        guard low <= high else { return }
        for index in shape.index(of: low)...shape.index(of: high) {
            let itemStart = start &+ UInt64(index) &* shape.itemSize
            let descriptor: Format.Descriptor = view.load(table + UInt64(index * MemoryLayout<Format.Descriptor>.stride))
            switch format.decode(descriptor, level: level) {
            case .empty:
                continue
            case .table(let next):
                found[WatchedSlot(level: level, start: itemStart)] = .table(next)
                if level > 0 {
                    collect(next, level: level - 1, start: itemStart, last: itemStart &+ (shape.itemSize &- 1),
                            range, &found, &seen)
                }
            case .leaf(let base, let contiguous):
                let size = contiguous ? shape.itemSize << UInt64(shape.contiguousLog2) : shape.itemSize
                found[WatchedSlot(level: level, start: itemStart)] = .leaf(start: itemStart & ~(size - 1), size: size, output: base,
                                                                           descriptor: UInt64(truncatingIfNeeded: descriptor))
            }
        }
    }
}
