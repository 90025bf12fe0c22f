import PageTableKit
import PageTableTestSupport
import Testing

/// Estimates, prepared batches and reservations, for every format.
@Suite struct ReservationTests {
    static let operations = 400

    /// Estimates equal what maps really allocate, per level, on empty and populated tables; the
    /// worst-case estimate (no output address) bounds every choice of output address.
    @Test(arguments: FormatCase.all)
    func estimatesEqualAllocations(_ formatCase: FormatCase) throws {
        try checkEstimates(formatCase.make(), formatCase)
    }

    private func checkEstimates<Format: PageTableFormat>(_ format: Format, _ formatCase: FormatCase) throws {
        let seed = baseSeed() ^ formatCase.name.hashValueStable ^ 0xE5
        var random = SeededGenerator(seed: seed)
        var generator = OperationGenerator(geometry: format.geometry)
        var modelled = try ModelledTable(format, base: formatCase.arenaBase, size: formatCase.arenaSize, coherent: true)
        var model = ReferenceModel(geometry: format.geometry)
        var checked = 0, allocating = 0
        // A few maps that certainly allocate (in distinct top-level items), then random ones.
        let top = format.geometry[format.geometry.topLevel]
        let page = format.geometry.pageSize
        let opening = (0..<min(3, top.itemCount)).map { item -> Operation in
            .map(iova: UInt64(item) * top.itemSize + page, pa: 0x1000_0000 + page, size: 2 * page,
                 attributes: MapAttributes(access: .read))
        }
        for step in 0..<Self.operations + opening.count {
            let operation = step < opening.count ? opening[step] : generator.next(model: model, using: &random)
            let context = "\(formatCase.name) seed \(seed) step \(step): \(operation)"
            switch operation {
            case .repeatPage(let iova, let pa, let pageSize, let size, let attributes):
                let estimate = try modelled.table.estimateRepeat(iova: iova, size: size, pageSize: pageSize)
                let requests = modelled.allocator.requests
                let outcome = modelled.table.mapRepeat(iova: iova, size: size, physicalAddress: pa, pageSize: pageSize,
                                                       attributes: attributes)
                if outcome.bytes > 0 { _ = model.repeatPage(iova, outcome.bytes, pa, pageSize: pageSize, attributes) }
                if outcome.isComplete {
                    #expect(modelled.allocator.requests - requests == estimate.tables, "\(context): \(estimate)")
                }
            case .unmap(let iova, let size):
                let estimate = try modelled.table.estimateUnmap(iova: iova, size: size)
                let requests = modelled.allocator.requests
                let outcome = modelled.table.unmap(iova: iova, size: size)
                _ = model.unmap(iova, size)
                let copies = modelled.allocator.requests - requests
                // Exact for an unmap that succeeds; one stopped early copies less.
                #expect(outcome.isComplete ? copies == estimate.tables : copies <= estimate.tables, "\(context): \(copies)")
            case .map(let iova, let pa, let size, let attributes):
                let estimate = try modelled.table.estimateMap(iova: iova, size: size, physicalAddress: pa)
                let worst = try modelled.table.estimateMap(iova: iova, size: size)
                let before = modelled.table.statistics.tablesPerLevel
                let requests = modelled.allocator.requests
                let outcome = modelled.table.map(iova: iova, to: pa, size: size, attributes: attributes)
                if (try? format.encode(attributes)) != nil { _ = model.map(iova, pa, size, attributes) }
                let allocated = modelled.allocator.requests - requests
                #expect(allocated <= worst.tables, "\(context): worst case \(worst.tables) < \(allocated)")
                guard outcome.isComplete else {
                    #expect(allocated <= estimate.tables, "\(context): \(allocated) > estimate \(estimate.tables)")
                    continue
                }
                checked += 1
                if estimate.tables > 0 { allocating += 1 }
                let after = modelled.table.statistics.tablesPerLevel
                #expect(zip(after, before).map { $0 - $1 } == estimate.tablesPerLevel, "\(context): \(estimate)")
                #expect(allocated == estimate.tables, "\(context)")
            }
        }
        #expect(checked >= 10 && allocating >= 3, "\(formatCase.name): too few allocating maps (\(allocating) of \(checked))")
    }

    /// A prepared batch commits with every allocation failing, and does what the same
    /// operations do one by one; unused tables go back.
    @Test(arguments: FormatCase.all)
    func preparedBatchesCommitWithoutAllocating(_ formatCase: FormatCase) throws {
        try checkBatches(formatCase.make(), formatCase)
    }

    private func checkBatches<Format: PageTableFormat>(_ format: Format, _ formatCase: FormatCase) throws {
        let seed = baseSeed() ^ formatCase.name.hashValueStable ^ 0xBA
        var random = SeededGenerator(seed: seed)
        var generator = OperationGenerator(geometry: format.geometry)
        var modelled = try ModelledTable(format, base: formatCase.arenaBase, size: formatCase.arenaSize, coherent: false)
        var model = ReferenceModel(geometry: format.geometry)
        for round in 0..<40 {
            var batch: [BatchOperation] = []
            var expected: [(UInt64, PageTableError.Kind?)] = []
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                switch generator.next(model: model, using: &random) {
                case .map(let iova, let pa, let size, let attributes):
                    batch.append(.map(iova: iova, physicalAddress: pa, size: size, attributes: attributes))
                    expected.append((try? format.encode(attributes)) == nil ? (0, .invalidAttributes)
                                    : model.map(iova, pa, size, attributes))
                case .unmap(let iova, let size):
                    batch.append(.unmap(iova: iova, size: size))
                    expected.append(model.unmap(iova, size))
                case .repeatPage(let iova, let pa, let pageSize, let size, let attributes):
                    batch.append(.repeat(iova: iova, size: size, physicalAddress: pa, pageSize: pageSize, attributes: attributes))
                    expected.append((try? format.encode(attributes)) == nil ? (0, .invalidAttributes)
                                    : model.repeatPage(iova, size, pa, pageSize: pageSize, attributes))
                }
            }
            let context = "\(formatCase.name) seed \(seed) round \(round): \(batch)"
            let blocks = modelled.buddy.liveBlocks
            let prepared = try modelled.table.prepare(batch)
            #expect(modelled.buddy.liveBlocks == blocks + prepared.estimate.tables, "\(context)")
            modelled.allocator.failAllocations(from: 1)
            let outcomes = modelled.table.commit(prepared)
            modelled.allocator.stopFailing()
            #expect(outcomes.map { $0.bytes } == expected.map(\.0), "\(context): \(outcomes)")
            #expect(outcomes.map { $0.error?.kind.rawValue } == expected.map { $0.1?.rawValue }, "\(context): \(outcomes)")
            #expect(modelled.buddy.liveBlocks == modelled.table.tableCount, "\(context): leftovers returned")
            #expect(modelled.staleness().isEmpty, "\(context)")
            #expect(modelled.table.invariantViolations().isEmpty, "\(context)")
        }
    }

    /// Inside a reservation maps never allocate and unmaps never free; releasing returns the
    /// table to exactly the tables it had before.
    @Test(arguments: FormatCase.all)
    func reservedRangesNeverAllocateOrFree(_ formatCase: FormatCase) throws {
        try checkReservation(formatCase.make(), formatCase)
    }

    private func checkReservation<Format: PageTableFormat>(_ format: Format, _ formatCase: FormatCase) throws {
        let seed = baseSeed() ^ formatCase.name.hashValueStable ^ 0x7E
        var random = SeededGenerator(seed: seed)
        let geometry = format.geometry
        var generator = OperationGenerator(geometry: geometry)
        var modelled = try ModelledTable(format, base: formatCase.arenaBase, size: formatCase.arenaSize, coherent: true)
        var model = ReferenceModel(geometry: geometry)
        // Something mapped before, partly where the reservation will be.
        for _ in 0..<20 {
            if case .map(let iova, let pa, let size, let attributes) = generator.next(model: model, using: &random),
               modelled.table.map(iova: iova, to: pa, size: size, attributes: attributes).isComplete {
                _ = model.map(iova, pa, size, attributes)
            }
        }
        let before = tableSet(modelled.table)
        let page = geometry.pageSize
        // Half the operations' window, halved until its tables fit in a quarter of the memory.
        var reserved = min(geometry.inputLimit, generator.window) / 2 / page * page
        while reserved > page,
              try modelled.table.estimateMap(iova: 0, size: reserved).bytes > formatCase.arenaSize / 4 { reserved /= 2 }
        let range = UInt64(0)..<reserved
        let outcome = modelled.table.reserve(iova: range.lowerBound, size: range.upperBound - range.lowerBound)
        #expect(outcome.isComplete, "\(formatCase.name): \(outcome)")
        #expect(modelled.table.reserve(iova: 0, size: page).isComplete, "reservations compose")
        let tables = modelled.table.tableCount
        let estimate = try modelled.table.estimateMap(iova: range.lowerBound, size: range.upperBound - range.lowerBound)
        #expect(estimate.tables == 0, "\(formatCase.name): a reserved range needs no tables: \(estimate)")
        modelled.allocator.failAllocations(from: 1)
        for step in 0..<200 {
            let operation = generator.next(model: model, using: &random)
            guard range.contains(operation.range.lowerBound), operation.range.upperBound <= range.upperBound else { continue }
            let context = "\(formatCase.name) seed \(seed) step \(step): \(operation)"
            // Inside a reservation maps descend into empty pinned tables with smaller leaves than
            // the model would choose, so the model only steers; the guarantees are checked.
            switch operation {
            case .map(let iova, let pa, let size, let attributes):
                let result = modelled.table.map(iova: iova, to: pa, size: size, attributes: attributes)
                #expect(result.error?.kind != .outOfMemory, "\(context)")
                if result.isComplete { _ = model.map(iova, pa, size, attributes) }
            case .unmap(let iova, let size):
                if modelled.table.unmap(iova: iova, size: size).isComplete { _ = model.unmap(iova, size) }
            case .repeatPage(let iova, let pa, let pageSize, let size, let attributes):
                let result = modelled.table.mapRepeat(iova: iova, size: size, physicalAddress: pa, pageSize: pageSize,
                                                      attributes: attributes)
                #expect(result.error?.kind != .outOfMemory, "\(context)")
                if result.bytes > 0 { _ = model.repeatPage(iova, result.bytes, pa, pageSize: pageSize, attributes) }
            }
            #expect(modelled.table.tableCount == tables, "\(context): tables allocated or freed")
            #expect(modelled.staleness(in: operation.range).isEmpty, "\(context)")
        }
        modelled.allocator.stopFailing()
        // Unmap what lies in the reservation, release both reservations: the old table set.
        for leaf in leavesOf(modelled.table) where range.contains(leaf.lowerBound) {
            _ = modelled.table.unmap(iova: leaf.lowerBound, size: leaf.upperBound - leaf.lowerBound)
        }
        #expect(modelled.table.release(iova: 0, size: page).isComplete)
        #expect(modelled.table.release(iova: range.lowerBound, size: range.upperBound - range.lowerBound).isComplete)
        #expect(modelled.table.release(iova: 0, size: page).error?.kind == .notMapped, "released twice")
        let kept = leavesOf(modelled.table).allSatisfy { !range.contains($0.lowerBound) }
        #expect(kept)
        #expect(modelled.table.invariantViolations().isEmpty, "\(formatCase.name)")
        #expect(modelled.staleness().isEmpty, "\(formatCase.name)")
        if before.leaves.allSatisfy({ !range.overlaps($0) }) {
            #expect(tableSet(modelled.table).tables == before.tables, "\(formatCase.name): not the pre-reserve table set")
        }
    }

    private func tableSet<F, M, A, I>(_ table: borrowing PageTable<F, M, A, I>) -> (tables: Set<UInt64>, leaves: [Range<UInt64>]) {
        var tables = Set<UInt64>()
        var leaves: [Range<UInt64>] = []
        table.visit { node in
            switch node {
            case .table(let info): tables.insert(info.address)
            case .leaf(let mapping): leaves.append(mapping.virtualAddress..<mapping.virtualAddress + mapping.size)
            }
        }
        return (tables, leaves)
    }

    private func leavesOf<F, M, A, I>(_ table: borrowing PageTable<F, M, A, I>) -> [Range<UInt64>] {
        tableSet(table).leaves
    }
}
