import PageTable
import PageTableTestSupport

/// Model-based random operations: thousands of seeded maps, page-list maps, protects, unmaps,
/// cuts, collapses and repeats (with hardware writes and dirty reads between them,
/// ``DirtySteps``), every outcome and every translation compared with ``ReferenceModel``, every
/// cached translation and walk compared with the table by ``TLBModel``, every operation's
/// descriptor writes checked by it for break-before-make.
///
/// On tables whose `InputRange` is not `lower` the operations run at the top of the range
/// (ARM TTBR1 and sign-extended tables: up to `0xffff_ffff_ffff_ffff`). The generator and the
/// model work with table addresses; every call to the table passes the input address.
enum RandomOperationCheck {
    static let operations = 3000
    /// The hardware's caches are flushed (as at a context switch) this often, after a full check.
    static let flushInterval = 32

    static func run<Format: PageTableFormat>(_ format: Format, _ configuration: Conformance.Configuration,
                                             coherent: Bool, _ log: FailureLog) throws {
        log.seed = log.derivedSeed(salt: 0)
        var random = SeededGenerator(seed: log.seed!)
        // A growing top (dynamic top) is driven over its whole range: maps beyond the start grow it.
        let geometry = format.fullyGrown.geometry
        var generator = OperationGenerator(geometry: geometry, atTop: geometry.inputRange != .lower)
        let input = { (address: UInt64) in geometry.inputAddress(ofTable: address) }
        generator.cuts = true
        var modelled = try configuration.modelledTable(format, coherent: coherent)
        var model = ReferenceModel(geometry: geometry)
        var previousProbes: [UInt64] = []
        var seenOutcomes: Set<String> = []
        // The run must exercise every outcome and every leaf size, or it proves little: past
        // the planned operations it goes on (to twice as many) until it has.
        let wanted: Set<String> = ["map ok", "map already-mapped", "map invalid-attributes", "repeat ok",
                                   "repeat already-mapped", "map-list ok", "map-list already-mapped", "protect ok",
                                   "protect not-mapped", "unmap ok", "unmap not-mapped", "unmap partial-leaf"]
        let wantedCuts: Set<String> = format.allowsLeafSizeChangeWithoutBreak
            ? ["cut ok", "cut unsupported", "collapse ok", "collapse not-mapped"] : ["cut unsupported", "collapse unsupported"]
        let wantedDirty = DirtySteps.wanted(format)
        let leafSizes = Set(geometry.leafSizeShifts.map { UInt64(1) << UInt64($0) })
        // One leaf of every size up front, each at its own aligned place, so that no seed can
        // miss a size (a fresh seed once drew no 32 KiB leaf in 6000 operations); the random
        // operations then work on and around them.
        let largest = leafSizes.max() ?? geometry.pageSize
        for (index, size) in leafSizes.sorted().enumerated() {
            let (pa, overflow) = UInt64(index).multipliedReportingOverflow(by: largest)
            let iova = generator.origin &+ pa
            guard !overflow, size <= generator.window, pa <= generator.window - size,
                  size <= geometry.outputLimit, pa <= geometry.outputLimit - size,
                  let attributes = (0..<64).lazy.map({ _ in generator.attributes(using: &random) })
                      .first(where: { (try? format.encode($0)) != nil }) else { continue }
            log.at(step: -1, "map \(hex(input(iova))) \(hex(pa)) \(hex(size)) \(attributes)")
            let outcome = modelled.table.map(iova: input(iova), to: pa, size: size, attributes: attributes)
            let expected = model.map(iova, pa, size, attributes)
            try log.expect(outcome.bytes == expected.bytes && outcome.error?.kind == expected.error,
                           "got \(outcome), the model says \(expected)")
            if size > geometry.pageSize && outcome.isComplete {
                // One page out of a block: `partial-leaf`, whatever the seed draws later.
                log.at(step: -1, "unmap \(hex(input(iova))) \(hex(geometry.pageSize))")
                let partial = modelled.table.unmap(iova: input(iova), size: geometry.pageSize)
                let predicted = model.unmap(iova, geometry.pageSize)
                seenOutcomes.insert("unmap " + (partial.error?.kind.name ?? "ok"))
                try log.expect(partial.bytes == predicted.bytes && partial.error?.kind == predicted.error,
                               "got \(partial), the model says \(predicted)")
            }
        }
        // One repeat of a page past those leaves, where nothing is mapped yet, so that
        // `repeat ok` is seen whatever the seed draws (fixed attributes: no random draw).
        let page = geometry.pageSize
        let (repeatOffset, repeatOverflow) = UInt64(leafSizes.count).multipliedReportingOverflow(by: largest)
        let readWrite = MapAttributes(access: [.read, .write])
        if !repeatOverflow, repeatOffset <= generator.window - page, repeatOffset <= geometry.outputLimit - page,
           (try? format.encode(readWrite)) != nil {
            let iova = generator.origin &+ repeatOffset
            log.at(step: -1, "repeat \(hex(input(iova))) \(hex(repeatOffset)) \(hex(page)) \(hex(page)) \(readWrite)")
            let outcome = modelled.table.mapRepeat(iova: input(iova), size: page, physicalAddress: repeatOffset,
                                                   pageSize: page, attributes: readWrite)
            let expected = model.repeatPage(iova, page, repeatOffset, pageSize: page, readWrite)
            seenOutcomes.insert("repeat " + (outcome.error?.kind.name ?? "ok"))
            try log.expect(outcome.bytes == expected.bytes && outcome.error?.kind == expected.error,
                           "got \(outcome), the model says \(expected)")
        }
        var step = -1
        while true {
            step += 1
            let covered = wanted.union(wantedCuts).union(wantedDirty).isSubset(of: seenOutcomes) && leafSizes.isSubset(of: model.leafSizesBuilt)
            guard step < Conformance.scaled(operations) || (step < 2 * operations && !covered) else { break }
            let operation = generator.next(model: model, using: &random)
            log.at(step: step, "\(operation)" + (generator.origin == 0 ? "" : " (table addresses)"))
            // Hardware walks speculatively: fill its caches around what is about to change.
            modelled.tlb.prefetch((previousProbes + generator.probes(around: operation, model: model, using: &random)).map(input))
            modelled.tlb.watchWrites(in: geometry.inputAddresses(ofTable: operation.range))  // Break-before-make, checked after the switch.
            switch operation {
            case .map(let iova, let pa, let size, let attributes) where Int.random(in: 0..<4, using: &random) == 0:
                // The same range as a page list: a map from pieces, some of them moved.
                let pages = generator.pageList(pa: pa, size: size, using: &random)
                log.at(step: step, "map-list \(hex(input(iova))) \(pages.map { "\(hex($0.physicalAddress)):\(hex($0.length))" }.joined(separator: " ")) \(attributes)")
                let outcome = modelled.table.map(iova: input(iova), pages: pages, attributes: attributes)
                seenOutcomes.insert("map-list " + (outcome.error?.kind.name ?? "ok"))
                if (try? format.encode(attributes)) == nil {
                    try log.expect(outcome.bytes == 0 && outcome.error?.kind == .invalidAttributes,
                                   "refused attributes must map nothing with invalid-attributes; got \(outcome)")
                    continue
                }
                let expected = model.mapList(iova, pages.map { ($0.physicalAddress, $0.length) }, attributes)
                try log.expect(outcome.bytes == expected.bytes && outcome.error?.kind == expected.error,
                               "got \(outcome), the model says \(expected)")
            case .map(let iova, let pa, let size, let attributes):
                let outcome = modelled.table.map(iova: input(iova), to: pa, size: size, attributes: attributes)
                seenOutcomes.insert("map " + (outcome.error?.kind.name ?? "ok"))
                if (try? format.encode(attributes)) == nil {
                    try log.expect(outcome.bytes == 0 && outcome.error?.kind == .invalidAttributes,
                                   "refused attributes must map nothing with invalid-attributes; got \(outcome)")
                    continue
                }
                let expected = model.map(iova, pa, size, attributes)
                try log.expect(outcome.bytes == expected.bytes && outcome.error?.kind == expected.error,
                               "got \(outcome), the model says \(expected)")
            case .repeatPage(let iova, let pa, let pageSize, let size, let attributes):
                let outcome = modelled.table.mapRepeat(iova: input(iova), size: size, physicalAddress: pa, pageSize: pageSize,
                                                       attributes: attributes)
                let valid = (try? format.encode(attributes)) != nil
                let expected = valid ? model.repeatPage(iova, size, pa, pageSize: pageSize, attributes) : (0, .invalidAttributes)
                seenOutcomes.insert("repeat " + (outcome.error?.kind.name ?? "ok"))
                try log.expect(outcome.bytes == expected.bytes && outcome.error?.kind == expected.error,
                               "got \(outcome), the model says \(expected)")
            case .unmap(let iova, let size) where Int.random(in: 0..<3, using: &random) == 0:
                // The same range protected instead: new attributes, the same translations.
                let attributes = generator.attributes(using: &random)
                log.at(step: step, "protect \(hex(input(iova))) \(hex(size)) \(attributes)")
                let outcome = modelled.table.protect(iova: input(iova), size: size, attributes: attributes)
                seenOutcomes.insert("protect " + (outcome.error?.kind.name ?? "ok"))
                if (try? format.encode(attributes)) == nil {
                    try log.expect(outcome.bytes == 0 && outcome.error?.kind == .invalidAttributes,
                                   "refused attributes must protect nothing with invalid-attributes; got \(outcome)")
                    continue
                }
                let expected = model.protect(iova, size, attributes) {
                    modelled.table.attributeChangeNeedsBreak(from: $0.attributes, to: $1, leafSize: $0.size)
                }
                try log.expect(outcome.bytes == expected.bytes && outcome.error?.kind == expected.error,
                               "got \(outcome), the model says \(expected)")
            case .cut(let iova, _):
                let outcome = modelled.table.cut(iova: input(iova))
                let expected = model.cut(iova, allowed: format.allowsLeafSizeChangeWithoutBreak)
                seenOutcomes.insert("cut " + (outcome.error?.kind.name ?? "ok"))
                try log.expect(outcome.bytes == expected.bytes && outcome.error?.kind == expected.error,
                               "got \(outcome), the model says \(expected)")
            case .collapse(let iova, let size):
                let outcome = modelled.table.collapse(iova: input(iova), size: size)
                let expected = model.collapse(iova, size, allowed: format.allowsLeafSizeChangeWithoutBreak)
                seenOutcomes.insert("collapse " + (outcome.error?.kind.name ?? "ok"))
                try log.expect(outcome.bytes == expected.bytes && outcome.error?.kind == expected.error,
                               "got \(outcome), the model says \(expected)")
            case .unmap(let iova, let size):
                let outcome = modelled.table.unmap(iova: input(iova), size: size)
                let expected = model.unmap(iova, size)
                seenOutcomes.insert("unmap " + (outcome.error?.kind.name ?? "ok"))
                try log.expect(outcome.bytes == expected.bytes && outcome.error?.kind == expected.error,
                               "got \(outcome), the model says \(expected)")
            }
            modelled.tlb.endWatch()
            try log.expect(modelled.tlb.breakBeforeMakeViolations.isEmpty,
                           "break-before-make broken: \(modelled.tlb.breakBeforeMakeViolations.prefix(3))")
            try DirtySteps.run(format, &modelled, &model, near: operation.range, input: input, seen: &seenOutcomes, log,
                               using: &random)
            let probes = generator.probes(around: operation, model: model, using: &random)
            for probe in probes {
                let leaf = model.leaf(covering: probe)
                let translated = modelled.table.translate(input(probe))
                try log.expect(translated == model.translate(probe),
                               "translate \(hex(probe)) gives \(translated.map(hex) ?? "nil"), the model \(model.translate(probe).map(hex) ?? "nil")")
                let attributes = modelled.table.lookup(input(probe))?.attributes
                try log.expect(attributes == leaf?.attributes,
                               "the attributes at \(hex(probe)) are \(attributes.map { "\($0)" } ?? "nil"), "
                               + "mapped as \(leaf.map { "\($0.attributes)" } ?? "nil")")
            }
            // Nothing the hardware cached may be stale, and a fresh hardware walk sees the table.
            let full = step % flushInterval == flushInterval - 1
            let stale = modelled.staleness(in: full ? nil : geometry.inputAddresses(ofTable: operation.range), probes: probes.map(input))
            try log.expect(stale.isEmpty, "the hardware's caches are stale: \(stale.prefix(3))")
            if full { modelled.tlb.invalidateAll() }
            previousProbes = probes
            if step % 250 == 0 || step == operations - 1 {
                try log.require(leaves(of: modelled.table).map { $0.atTableAddress(geometry) } == model.leaves,
                                "the table's leaves differ from the model's")
                let violations = modelled.table.invariantViolations()
                try log.require(violations.isEmpty, "invariants broken: \(violations.prefix(3))")
            }
        }
        log.at(step: nil, nil)

        try log.expect(wanted.union(wantedCuts).union(wantedDirty).subtracting(seenOutcomes).isEmpty,
                       "never saw \(wanted.union(wantedCuts).union(wantedDirty).subtracting(seenOutcomes).sorted())")
        try log.expect(leafSizes.subtracting(model.leafSizesBuilt).isEmpty,
                       "never built leaves of \(leafSizes.subtracting(model.leafSizesBuilt).sorted().map(hex))")

        // Unmap everything, in runs of adjacent leaves, and only the top table must remain.
        for run in adjacentRuns(model.leaves) {
            let outcome = modelled.table.unmap(iova: input(run.lowerBound), size: run.upperBound - run.lowerBound)
            try log.expect(outcome.isComplete, "the final unmap of \(hex(run.lowerBound))..<\(hex(run.upperBound)): \(outcome)")
        }
        try log.expect(modelled.table.tableCount == 1, "\(modelled.table.tableCount) tables remain after unmapping everything")
        try log.expect(modelled.buddy.liveBlocks == 1, "the allocator holds \(modelled.buddy.liveBlocks) blocks at the end")
        try log.expect(modelled.table.invariantViolations().isEmpty, "invariants broken at the end")
        try log.expect(modelled.staleness().isEmpty, "stale after the final unmaps: \(modelled.staleness().prefix(3))")
        if !coherent { try log.expect(modelled.table.cacheCleanCount > 0, "non-coherent memory was never cleaned") }
    }

    static func leaves<F, M, A, I>(of table: borrowing PageTable<F, M, A, I>) -> [ReferenceModel.Leaf] {
        var leaves: [ReferenceModel.Leaf] = []
        table.forEachMapping { leaves.append(.init(start: $0.virtualAddress, size: $0.size,
                                                   physicalAddress: $0.physicalAddress, attributes: $0.attributes)) }
        return leaves
    }

    private static func adjacentRuns(_ leaves: [ReferenceModel.Leaf]) -> [Range<UInt64>] {
        var runs: [Range<UInt64>] = []
        for leaf in leaves {
            if let last = runs.last, last.upperBound == leaf.start {
                runs[runs.count - 1] = last.lowerBound..<leaf.end
            } else {
                runs.append(leaf.start..<leaf.end)
            }
        }
        return runs
    }
}

extension ReferenceModel.Leaf {
    /// The leaf with its start as a table address (the low input bits).
    func atTableAddress(_ geometry: TableGeometry) -> Self {
        .init(start: geometry.tableAddress(of: start), size: size, physicalAddress: physicalAddress, attributes: attributes)
    }
}
