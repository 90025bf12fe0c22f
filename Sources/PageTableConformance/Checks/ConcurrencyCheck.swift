import PageTable
import PageTableConcurrent
import PageTableTestSupport
import Synchronization

/// Many threads on one `ConcurrentPageTable` of the format: 8 threads of
/// seeded random map, unmap and translate on disjoint ranges that share interior tables, each
/// against its own reference model, with allocation failures injected every third round; then
/// the tree against the union of the models, the accounting against the tree, and nothing left
/// allocated after teardown.
///
/// Formats whose descriptors are not 32 or 64 bits wide (no atomic word access) or whose
/// geometry has no level above pages with at least 64 pages per item are not checked: the
/// check records nothing for them. The seed fixes every thread's choices, not how the threads
/// interleave, so a replay with the printed seed repeats the operations, not the timing.
enum ConcurrencyCheck {
    /// The address layout. Each round works in fresh address space: 8 shared chunks (one
    /// level-1 item each, e.g. 2 MiB), cut into 32 units owned round-robin by the 8 threads, so
    /// every thread maps into every shared chunk's one table at once; then one chunk per thread
    /// that it maps whole (as a block or as pages) and unmaps whole (unlinking the table below
    /// it, freed after a grace period).
    struct Layout: Sendable {
        static let threads = 8
        static let sharedChunks = 8
        static let unitsPerChunk = 32
        static let rounds = 8
        static let operationsPerRound = 40
        /// Output pages the random maps choose from.
        static let outputPages: UInt64 = 0x3000

        let pageSize: UInt64
        let chunk: UInt64
        let blocksAllowed: Bool
        /// Where the random maps' outputs start.
        let outputBase: PhysicalAddress
        /// The lowest input address (the bottom of the table's first input span: 0, or the
        /// start of an upper range).
        let inputBase: VirtualAddress
        /// Input bytes one round uses.
        var roundBytes: UInt64 { UInt64(Self.sharedChunks + Self.threads) &* chunk }
        var unit: UInt64 { chunk / UInt64(Self.unitsPerChunk) }
        var pagesPerUnit: UInt64 { unit / pageSize }

        func roundBase(_ round: Int) -> UInt64 { inputBase &+ UInt64(round) &* roundBytes }
        func unitStart(round: Int, chunk index: Int, unit: Int) -> UInt64 {
            roundBase(round) + UInt64(index) * chunk + UInt64(unit) * self.unit
        }
        func ownChunk(round: Int, thread: Int) -> UInt64 { roundBase(round) + UInt64(Self.sharedChunks + thread) * chunk }

        /// The layout for `geometry`, if it suits one.
        init?(_ geometry: TableGeometry) {
            guard geometry.levelCount >= 2 else { return nil }
            pageSize = geometry.pageSize
            chunk = geometry[1].itemSize
            blocksAllowed = geometry[1].allowsLeaf
            guard let span = geometry.inputSpans.first else { return nil }
            inputBase = span.lowerBound
            // Outputs: pages from 1 GiB where the output space allows, and blocks at chunk
            // multiples 1 ... 32.
            // (Geometries with pages or chunks too large for that are not checked.)
            let outputEnd = pageSize < 1 << 40 && chunk < 1 << 56 ? max(Self.outputPages * pageSize, 33 * chunk) : .max
            let limit = geometry.outputAddressBits >= 64 ? UInt64.max : geometry.outputLimit
            outputBase = limit >= outputEnd && limit - outputEnd >= 0x4000_0000 &+ outputEnd ? 0x4000_0000 : 0
            let (inputBytes, overflow) = UInt64(Self.rounds).multipliedReportingOverflow(by: roundBytes)
            guard pagesPerUnit >= 2, !overflow, inputBytes &- 1 <= span.upperBound &- inputBase,
                  outputEnd != .max, outputEnd <= limit &- outputBase else { return nil }
        }
    }

    /// One mapping a thread made, as its reference model records it.
    struct ModelEntry: Sendable {
        var iova: UInt64
        var size: UInt64
        var physicalAddress: UInt64
        var end: UInt64 { iova + size }
    }

    /// What one thread hands back.
    struct ThreadReport: Sendable {
        var failures: [String] = []
        var model: [ModelEntry] = []
    }

    /// Whether the check runs on `format` (it skips formats it cannot check).
    static func applies<Format: PageTableFormat>(to format: Format) -> Bool {
        let width = MemoryLayout<Format.Descriptor>.size
        // A growing top (dynamic top) is refused by the concurrent table: its top is fixed.
        return (width == 4 || width == 8) && Layout(format.geometry) != nil && format.grownTop() == nil
    }

    static func run<Format: PageTableFormat>(_ format: Format, _ configuration: Conformance.Configuration,
                                             _ log: FailureLog) throws {
        let geometry = format.geometry
        guard applies(to: format), let layout = Layout(geometry) else { return }
        for level in 0..<geometry.levelCount {
            try log.require(format.decode(0, level: level) == .empty, "an all-zero descriptor does not decode as empty at level \(level)")
        }
        guard let attributes = ContractCheck.encodableAttributes(format).first?.attributes else {
            return log.record("the format encodes none of the common attribute sets")
        }
        let seed = log.derivedSeed(salt: 0xC0C0)
        log.seed = seed
        guard let arena = PhysicalArena(base: configuration.arenaBase, size: configuration.arenaSize),
              let buddy = BuddyAllocator(base: arena.base, size: arena.size) else {
            return log.record("no arena at \(hex(configuration.arenaBase)) of \(configuration.arenaSize) bytes")
        }
        let allocator = FlakyAllocator(LockedAllocator(buddy))
        var table: ConcurrentPageTable<Format, PhysicalArena, FlakyAllocator, OfflineInvalidator>? =
            try ConcurrentPageTable(format: format, memory: arena, allocator: allocator, invalidator: OfflineInvalidator())
        table!.installsWithPlainStoreForTesting = log.breaksConcurrentInstalls
        // Held unowned: `table = nil` below must run the teardown.
        unowned let shared = table!
        let reports = PerThread(count: Layout.threads, initial: ThreadReport())
        let barrier = Barrier(parties: Layout.threads)
        runThreads(Layout.threads) { thread in
            reports[thread] = work(shared, layout, attributes: attributes, thread: thread, seed: seed,
                                   allocator: allocator, barrier: barrier)
        }
        var models: [ModelEntry] = []
        for thread in 0..<Layout.threads {
            for failure in reports[thread].failures { log.record(failure) }
            models += reports[thread].model
        }
        try log.expect(allocator.injectedFailures > 0, "no allocation failure was injected")
        try log.expect(shared.gracePeriodCount > 0, "no unmap freed a table")
        checkTree(shared, models: models, pageSize: layout.pageSize, log)
        let reachable = shared.reachableTables()
        if reachable.count != shared.tableCount || reachable.bytes != shared.tableBytes || allocator.liveBlocks != shared.tableCount {
            log.record("accounting: \(shared.tableCount) tables / \(shared.tableBytes) bytes counted, "
                       + "\(reachable.count) / \(reachable.bytes) reachable, \(allocator.liveBlocks) allocated")
        }
        table = nil
        if allocator.liveBlocks != 0 { log.record("\(allocator.liveBlocks) tables leaked after teardown") }
    }

    /// One thread's rounds; returns its failures and its model.
    static func work<Format: PageTableFormat, Memory, Invalidator>(
        _ table: ConcurrentPageTable<Format, Memory, FlakyAllocator, Invalidator>, _ layout: Layout,
        attributes: MapAttributes, thread: Int, seed: UInt64, allocator: FlakyAllocator, barrier: Barrier
    ) -> ThreadReport {
        var random = SeededGenerator(seed: seed &+ UInt64(thread) &* 0x9E37_79B9_7F4A_7C15)
        var report = ThreadReport()
        let page = layout.pageSize
        func fail(_ text: String) { if report.failures.count < 20 { report.failures.append("thread \(thread): \(text)") } }
        func overlapStart(_ start: UInt64, _ end: UInt64) -> UInt64? {
            var first: UInt64?
            for entry in report.model where entry.iova < end && start < entry.end {
                let at = max(entry.iova, start)
                first = min(first ?? at, at)
            }
            return first
        }
        func covering(_ address: UInt64) -> ModelEntry? { report.model.first { $0.iova <= address && address < $0.end } }
        func checkMap(_ iova: UInt64, _ size: UInt64, _ pa: UInt64, _ outcome: RangeOutcome, armed: Bool) {
            let overlap = overlapStart(iova, iova + size)
            let what = "map \(hex(iova))+\(hex(size)): \(outcome), model overlap \(overlap.map(hex) ?? "none")"
            switch outcome.error?.kind {
            case nil: if outcome.bytes != size || overlap != nil { fail(what) }
            case .alreadyMapped?: if overlap != iova + outcome.bytes { fail(what) }
            case .outOfMemory?: if !armed || iova + outcome.bytes > (overlap ?? iova + size) { fail("\(what) (armed \(armed))") }
            default: fail(what)
            }
            let mapped = min(outcome.bytes, (overlap ?? iova + size) - iova)
            if mapped > 0 { report.model.append(ModelEntry(iova: iova, size: mapped, physicalAddress: pa)) }
        }
        func unmapExactly(_ entry: ModelEntry, _ what: String) {
            let outcome = table.unmap(iova: entry.iova, size: entry.size)
            if outcome != RangeOutcome(bytes: entry.size) { fail("unmap \(what) \(hex(entry.iova))+\(hex(entry.size)): \(outcome)") }
        }

        for round in 0..<Layout.rounds {
            barrier.wait()
            let armed = round % 3 == 2
            if thread == 0 { allocator.failEvery(armed ? 3 : 0) }
            barrier.wait()
            for _ in 0..<Layout.operationsPerRound {
                let unitStart = layout.unitStart(round: round, chunk: Int(random.next() % UInt64(Layout.sharedChunks)),
                                                 unit: Int(random.next() % 4) * Layout.threads + thread)
                let pa = layout.outputBase + (random.next() % Layout.outputPages) * page
                switch random.next() % 12 {
                case 0...4:  // Map pages in one of this thread's units of a shared chunk.
                    let first = random.next() % layout.pagesPerUnit
                    let count = 1 + random.next() % (layout.pagesPerUnit - first)
                    let iova = unitStart + first * page
                    checkMap(iova, count * page, pa, table.map(iova: iova, to: pa, size: count * page, attributes: attributes),
                             armed: armed)
                case 5, 6:  // This thread's own chunk: map it whole if empty, else unmap it whole.
                    let start = layout.ownChunk(round: round, thread: thread)
                    if let index = report.model.firstIndex(where: { $0.iova == start }) {
                        unmapExactly(report.model.remove(at: index), "own chunk")
                    } else {
                        let block = layout.blocksAllowed && random.next() % 2 == 0
                        let output = block ? layout.outputBase + layout.chunk * (1 + random.next() % 32) : pa
                        checkMap(start, layout.chunk, output,
                                 table.map(iova: start, to: output, size: layout.chunk, attributes: attributes), armed: armed)
                    }
                case 7, 8:  // Unmap one earlier mapping exactly.
                    guard !report.model.isEmpty else { continue }
                    unmapExactly(report.model.remove(at: Int(random.next() % UInt64(report.model.count))), "earlier")
                case 9:  // Unmap a hole: nothing changes.
                    let iova = unitStart + (random.next() % layout.pagesPerUnit) * page
                    guard covering(iova) == nil else { continue }
                    let outcome = table.unmap(iova: iova, size: page)
                    if outcome.bytes != 0 || outcome.error?.kind != .notMapped { fail("unmap hole \(hex(iova)): \(outcome)") }
                default:  // Translate: own addresses against the model, others' racing with their changes.
                    if !report.model.isEmpty {
                        let entry = report.model[Int(random.next() % UInt64(report.model.count))]
                        let offset = (random.next() % (entry.size / page)) * page + 8
                        let answer = table.translate(entry.iova + offset)
                        if answer != entry.physicalAddress + offset {
                            fail("translate \(hex(entry.iova + offset)): \(answer.map(hex) ?? "nil"), model \(hex(entry.physicalAddress + offset))")
                        }
                    }
                    let iova = unitStart + (random.next() % layout.pagesPerUnit) * page
                    if covering(iova) == nil, let answer = table.translate(iova) { fail("translate unmapped \(hex(iova)): \(hex(answer))") }
                    let other = layout.roundBase(round) + random.next() % layout.roundBytes
                    _ = table.translate(other & ~(page - 1))
                }
            }
        }
        return report
    }

    /// The tree against the union of the models: every leaf inside exactly one model entry, at
    /// its output address, and every model byte mapped.
    static func checkTree<Format: PageTableFormat, Memory, Allocator, Invalidator>(
        _ table: ConcurrentPageTable<Format, Memory, Allocator, Invalidator>, models: [ModelEntry], pageSize page: UInt64,
        _ log: FailureLog
    ) {
        let entries = models.sorted { $0.iova < $1.iova }
        var modelBytes: UInt64 = 0
        for entry in entries {
            modelBytes += entry.size
            for address in [entry.iova, entry.end - page] where table.translate(address) != entry.physicalAddress + (address - entry.iova) {
                log.record("after: \(hex(address)) translates to \(table.translate(address).map(hex) ?? "nil"), "
                           + "model \(hex(entry.physicalAddress + address - entry.iova))")
            }
        }
        var treeBytes: UInt64 = 0
        for leaf in table.leaves() {
            treeBytes += leaf.size
            guard let entry = entries.last(where: { $0.iova <= leaf.virtualAddress }), leaf.virtualAddress + leaf.size <= entry.end,
                  leaf.physicalAddress == entry.physicalAddress + (leaf.virtualAddress - entry.iova) else {
                log.record("after: leaf \(leaf) is in no thread's model")
                continue
            }
        }
        if treeBytes != modelBytes { log.record("after: the tree maps \(hex(treeBytes)) bytes, the models \(hex(modelBytes))") }
    }
}
