import PageTableKit
import PageTableTestSupport
import Testing

/// Model-based random tests: thousands of seeded operations per configuration, every outcome
/// and every translation compared with ``ReferenceModel``. Set `PAGETABLE_SEED` to replay a
/// failing seed; failures name the seed.
@Suite struct RandomOperationTests {
    static let operations = 3000

    /// The walker's caches are flushed (as at a context switch) this often, after a full check.
    static let flushInterval = 32

    @Test(arguments: FormatCase.all, [true, false])
    func randomOperationsMatchTheModel(_ formatCase: FormatCase, coherent: Bool) throws {
        let seed = baseSeed() ^ UInt64(truncatingIfNeeded: formatCase.name.hashValueStable)
        try run(formatCase.make(), formatCase, coherent: coherent, seed: seed)
    }

    private func run<Format: PageTableFormat>(_ format: Format, _ formatCase: FormatCase, coherent: Bool, seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        var generator = OperationGenerator(geometry: format.geometry)
        var modelled = try ModelledTable(format, base: formatCase.arenaBase, size: formatCase.arenaSize, coherent: coherent)
        var model = ReferenceModel(geometry: format.geometry)
        let context = "\(format.name) \(coherent ? "coherent" : "non-coherent") seed \(seed)"
        var previousProbes: [UInt64] = []
        var seenOutcomes: Set<String> = []

        for step in 0..<Self.operations {
            let operation = generator.next(model: model, using: &random)
            let where_ = "\(context) step \(step): \(operation)"
            // Hardware walks speculatively: fill its caches around what is about to change.
            modelled.tlb.prefetch(previousProbes + generator.probes(around: operation, model: model, using: &random))
            switch operation {
            case .map(let iova, let pa, let size, let attributes):
                let outcome = modelled.table.map(iova: iova, to: pa, size: size, attributes: attributes)
                if (try? format.encode(attributes)) == nil {
                    seenOutcomes.insert("map " + (outcome.error?.kind.name ?? "ok"))
                    #expect(outcome.bytes == 0 && outcome.error?.kind == .invalidAttributes, "\(where_)")
                    continue
                }
                let expected = model.map(iova, pa, size, attributes)
                seenOutcomes.insert("map " + (outcome.error?.kind.name ?? "ok"))
                #expect(outcome.bytes == expected.bytes && outcome.error?.kind == expected.error, "\(where_): got \(outcome)")
            case .repeatPage(let iova, let pa, let pageSize, let size, let attributes):
                let outcome = modelled.table.mapRepeat(iova: iova, size: size, physicalAddress: pa, pageSize: pageSize,
                                                       attributes: attributes)
                let valid = (try? format.encode(attributes)) != nil
                let expected = valid ? model.repeatPage(iova, size, pa, pageSize: pageSize, attributes) : (0, .invalidAttributes)
                seenOutcomes.insert("repeat " + (outcome.error?.kind.name ?? "ok"))
                #expect(outcome.bytes == expected.bytes && outcome.error?.kind == expected.error, "\(where_): got \(outcome)")
            case .unmap(let iova, let size):
                let outcome = modelled.table.unmap(iova: iova, size: size)
                let expected = model.unmap(iova, size)
                seenOutcomes.insert("unmap " + (outcome.error?.kind.name ?? "ok"))
                #expect(outcome.bytes == expected.bytes && outcome.error?.kind == expected.error, "\(where_): got \(outcome)")
            }
            let probes = generator.probes(around: operation, model: model, using: &random)
            for probe in probes {
                let leaf = model.leaf(covering: probe)
                #expect(modelled.table.translate(probe) == model.translate(probe), "\(where_): translate \(hex(probe))")
                #expect(modelled.table.lookup(probe)?.attributes == leaf?.attributes, "\(where_): attributes at \(hex(probe))")
            }
            // Nothing the hardware cached may be stale, and a fresh hardware walk sees the table.
            let full = step % Self.flushInterval == Self.flushInterval - 1
            let stale = modelled.staleness(in: full ? nil : operation.range, probes: probes)
            #expect(stale.isEmpty, "\(where_): \(stale.prefix(3))")
            if full { modelled.tlb.invalidateAll() }
            previousProbes = probes
            if step % 250 == 0 || step == Self.operations - 1 {
                let same = sameLeaves(modelled.table, model)
                try #require(same, "\(where_): leaf lists differ")
                let violations = modelled.table.invariantViolations()
                try #require(violations.isEmpty, "\(where_): \(violations)")
            }
        }

        // The run must have exercised every outcome and every leaf size, or it proves little.
        let wanted: Set<String> = ["map ok", "map already-mapped", "map invalid-attributes", "repeat ok",
                                   "repeat already-mapped", "unmap ok", "unmap not-mapped", "unmap partial-leaf"]
        #expect(wanted.subtracting(seenOutcomes).isEmpty, "\(context): never saw \(wanted.subtracting(seenOutcomes))")
        let leafSizes = Set(format.geometry.leafSizeShifts.map { UInt64(1) << UInt64($0) })
        #expect(leafSizes.subtracting(model.leafSizesBuilt).isEmpty,
                "\(context): never built leaves of \(leafSizes.subtracting(model.leafSizesBuilt).map(hex))")

        // Unmap everything, in runs of adjacent leaves, and only the top table must remain.
        for run in adjacentRuns(model.leaves) {
            let outcome = modelled.table.unmap(iova: run.lowerBound, size: run.upperBound - run.lowerBound)
            #expect(outcome.isComplete, "\(context): final unmap \(run): \(outcome)")
        }
        #expect(modelled.table.tableCount == 1, "\(context): \(modelled.table.tableCount) tables remain")
        #expect(modelled.buddy.liveBlocks == 1, "\(context): allocator holds \(modelled.buddy.liveBlocks) blocks")
        #expect(modelled.table.invariantViolations().isEmpty, "\(context)")
        #expect(modelled.staleness().isEmpty, "\(context): stale after the final unmaps")
        if !coherent { #expect(modelled.table.cacheCleanCount > 0, "\(context): non-coherent memory was never cleaned") }
    }

    private func sameLeaves<F, M, A, I>(_ table: borrowing PageTable<F, M, A, I>, _ model: ReferenceModel) -> Bool {
        var leaves: [ReferenceModel.Leaf] = []
        table.forEachMapping { leaves.append(.init(start: $0.virtualAddress, size: $0.size,
                                                   physicalAddress: $0.physicalAddress, attributes: $0.attributes)) }
        return leaves == model.leaves
    }

    private func adjacentRuns(_ leaves: [ReferenceModel.Leaf]) -> [Range<UInt64>] {
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

/// The seed for this run: `PAGETABLE_SEED` from the environment, or a fixed default.
func baseSeed() -> UInt64 {
    if let text = getenv("PAGETABLE_SEED"), let seed = UInt64(String(cString: text)) { return seed }
    return 0x5EED_0001
}

func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

extension String {
    /// A hash that is the same in every process (Swift's `hashValue` is seeded per process).
    var hashValueStable: UInt64 { utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 } }
}

#if canImport(Glibc)
import Glibc
#endif
