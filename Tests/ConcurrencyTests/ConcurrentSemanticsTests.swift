import ARMLPAE
import PageTable
import PageTableConcurrent
import PageTableConformance
import PageTableTestSupport
import Testing

/// One thread at a time: the concurrent table's outcomes, invalidations and accounting.
@Suite("Concurrent table semantics")
struct ConcurrentSemanticsTests {
    typealias Table = ConcurrentPageTable<ARMLPAE, PhysicalArena, BuddyAllocator, RecordingInvalidator>

    static func lpae(contiguous: Bool = true) -> ARMLPAE {
        try! ARMLPAE(granule: .size4K, stage: .stage1, inputAddressBits: 48, outputAddressBits: 48, contiguousHint: contiguous)
    }

    static func makeTable() throws -> (Table, BuddyAllocator, RecordingInvalidator) {
        let arena = PhysicalArena(base: 0x8000_0000, size: 4 << 20)!
        let allocator = BuddyAllocator(base: arena.base, size: arena.size)!
        let invalidator = RecordingInvalidator()
        return (try Table(format: lpae(), memory: arena, allocator: allocator, invalidator: invalidator), allocator, invalidator)
    }

    @Test func badInputIsRefusedWithTypedErrorsAndNothingChanges() throws {
        let (table, _, _) = try Self.makeTable()
        let cases: [(UInt64, UInt64, UInt64, MapAttributes, PageTableError.Kind)] = [
            (0x1000, 0x8000_0000, 0x800, readWrite, .misaligned),
            (0x1001, 0x8000_0000, 0x1000, readWrite, .misaligned),
            (0x1000, 0x8000_0001, 0x1000, readWrite, .misaligned),
            (1 << 48, 0x8000_0000, 0x1000, readWrite, .outOfRange),
            (UInt64.max - 0xFFF, 0, 0x2000, readWrite, .outOfRange),
            (0x1000, 1 << 48, 0x1000, readWrite, .outOfRange),
            (0x1000, 0x8000_0000, 0x1000, MapAttributes(access: []), .invalidAttributes),
        ]
        for (iova, pa, size, attributes, kind) in cases {
            let outcome = table.map(iova: iova, to: pa, size: size, attributes: attributes)
            #expect(outcome.bytes == 0 && outcome.error?.kind == kind, "\(hex(iova)) -> \(hex(pa)) + \(hex(size)): \(outcome)")
        }
        #expect(table.unmap(iova: 0x1000, size: 0).error?.kind == .misaligned)
        #expect(table.unmap(iova: 1 << 48, size: 0x1000).error?.kind == .outOfRange)
        #expect(table.tableCount == 1 && table.leaves().isEmpty)
    }

    @Test func mapUnmapOutcomesAreExact() throws {
        let (table, allocator, invalidator) = try Self.makeTable()
        #expect(table.map(iova: 0x40_0000, to: 0x100_0000, size: 0x20_0000, attributes: readWrite) == RangeOutcome(bytes: 0x20_0000))
        #expect(table.lookup(0x40_0000)?.size == 0x20_0000, "a 2 MiB block where it fits")
        #expect(table.map(iova: 0x60_0000, to: 0x200_0000, size: 0x4000, attributes: readWrite) == RangeOutcome(bytes: 0x4000))
        let overlap = table.map(iova: 0x3F_E000, to: 0x300_0000, size: 0x4000, attributes: readWrite)
        #expect(overlap.bytes == 0x2000 && overlap.error?.kind == .alreadyMapped && overlap.error?.address == 0x40_0000)
        let split = table.unmap(iova: 0x40_1000, size: 0x1000)
        #expect(split.bytes == 0 && split.error?.kind == .partialLeaf)
        let hole = table.unmap(iova: 0x60_0000, size: 0x8000)
        #expect(hole.bytes == 0x4000 && hole.error?.kind == .notMapped && hole.error?.address == 0x60_4000)
        #expect(table.translate(0x3F_E123) == 0x300_0123 && table.translate(0x40_0123) == 0x100_0123)
        #expect(table.translate(0x60_0000) == nil)
        // The tables stay counted and reachable; everything back to the allocator at teardown.
        #expect(table.reachableTables().count == table.tableCount && allocator.liveBlocks == table.tableCount)
        _ = invalidator
    }

    @Test func coveringUnmapUnlinksAndFreesAfterTheInvalidationAndAGracePeriod() throws {
        let (table, allocator, invalidator) = try Self.makeTable()
        #expect(table.map(iova: 0x20_0000, to: 0x100_1000, size: 0x20_0000, attributes: readWrite).isComplete)
        #expect(table.tableCount == 4 && allocator.liveBlocks == 4)
        invalidator.reset()
        let partial = table.unmap(iova: 0x20_0000, size: 0x1F_F000)
        #expect(partial.isComplete && table.tableCount == 4 && table.gracePeriodCount == 0, "a partly covered table stays")
        #expect(table.unmap(iova: 0x3F_F000, size: 0x1000).isComplete)
        #expect(table.tableCount == 4, "emptied without being covered: another call could be mapping into it")
        #expect(table.map(iova: 0x20_0000, to: 0x100_1000, size: 0x20_0000, attributes: readWrite).isComplete)
        invalidator.reset()
        #expect(table.unmap(iova: 0x20_0000, size: 0x20_0000).isComplete)
        #expect(table.tableCount == 3 && allocator.liveBlocks == 3 && table.gracePeriodCount == 1)
        #expect(invalidator.requests == [.leaves(0x20_0000..<0x40_0000, LevelSet(level: 0)),
                                         .walks(0x20_0000..<0x40_0000, LevelSet(level: 1))])
        #expect(table.tableBytes == 3 * 4096 && table.reachableTables().count == 3)
    }

    /// A growing top (dynamic top) is refused: lock-free translations read a fixed top.
    @Test func aDynamicTopIsRefused() throws {
        let arena = PhysicalArena(base: 0x8000_0000, size: 4 << 20)!
        let allocator = BuddyAllocator(base: arena.base, size: arena.size)!
        var configuration = ARMLPAE.Configuration(inputAddressBits: 48)
        configuration.dynamicTop = true
        let format = try ARMLPAE(configuration)
        let error = #expect(throws: PageTableError.self) {
            _ = try ConcurrentPageTable(format: format, memory: arena, allocator: allocator, invalidator: OfflineInvalidator())
        }
        #expect(error?.kind == .unsupported && allocator.liveBlocks == 0)
    }

    @Test func allocationFailureMapsAnExactPrefixAndKeepsTablesCounted() throws {
        let arena = PhysicalArena(base: 0x8000_0000, size: 4 << 20)!
        let allocator = FaultInjectingAllocator(BuddyAllocator(base: arena.base, size: arena.size)!)
        let table = try ConcurrentPageTable(format: Self.lpae(), memory: arena, allocator: allocator,
                                            invalidator: OfflineInvalidator())
        #expect(table.map(iova: 0x1F_F000, to: 0x100_0000, size: 0x1000, attributes: readWrite).isComplete)
        allocator.failAllocations(from: 1)
        let outcome = table.map(iova: 0x1F_F000 + 0x1000, to: 0x200_0000, size: 0x4000, attributes: readWrite)
        #expect(outcome.bytes == 0 && outcome.error?.kind == .outOfMemory)
        let across = table.map(iova: 0x1F_E000, to: 0x300_0000, size: 0x3000, attributes: readWrite)
        #expect(across.bytes == 0x1000 && across.error?.kind == .alreadyMapped && across.error?.address == 0x1F_F000,
                "no allocation needed for the first page")
        allocator.stopFailing()
        #expect(table.map(iova: 0x20_0000, to: 0x200_0000, size: 0x1000, attributes: readWrite).isComplete)
        #expect(table.translate(0x20_0000) == 0x200_0000 && table.translate(0x1F_E000) == 0x300_0000)
        #expect(table.reachableTables().count == table.tableCount && allocator.base.liveBlocks == table.tableCount)
    }

    /// One random step of an equivalence run: a map or an unmap, then a translation of `probe`.
    enum Step {
        case map(iova: UInt64, physicalAddress: UInt64, size: UInt64)
        case unmap(iova: UInt64, size: UInt64)
    }

    /// Runs `steps` operations drawn by `draw` on a `PageTable` and a `ConcurrentPageTable` of
    /// `format` side by side (each with its own half of one arena) and expects the same outcome
    /// and translation from both at every step. Returns the concurrent table and its allocator.
    static func compareWithPageTable(_ format: ARMLPAE, steps: Int, draw: (inout SeededGenerator) -> (Step, probe: UInt64))
        throws -> (ConcurrentPageTable<ARMLPAE, PhysicalArena, BuddyAllocator, OfflineInvalidator>, BuddyAllocator) {
        let arena = PhysicalArena(base: 0x8000_0000, size: 8 << 20)!
        let buddy = BuddyAllocator(base: arena.base, size: arena.size / 2)!
        let concurrentBuddy = BuddyAllocator(base: arena.base + UInt64(arena.size / 2), size: arena.size / 2)!
        var reference = try PageTable(format: format, memory: arena, allocator: buddy, invalidator: OfflineInvalidator())
        let table = try ConcurrentPageTable(format: format, memory: arena, allocator: concurrentBuddy,
                                            invalidator: OfflineInvalidator())
        var random = SeededGenerator(seed: Conformance.baseSeed())
        for step in 0..<steps {
            let (operation, probe) = draw(&random)
            switch operation {
            case .map(let iova, let pa, let size):
                let expected = reference.map(iova: iova, to: pa, size: size, attributes: readWrite)
                let got = table.map(iova: iova, to: pa, size: size, attributes: readWrite)
                #expect(got == expected, "step \(step) map \(hex(iova))+\(hex(size)) (PAGETABLE_SEED=\(Conformance.baseSeed()))")
            case .unmap(let iova, let size):
                let expected = reference.unmap(iova: iova, size: size)
                let got = table.unmap(iova: iova, size: size)
                #expect(got == expected, "step \(step) unmap \(hex(iova))+\(hex(size)) (PAGETABLE_SEED=\(Conformance.baseSeed()))")
            }
            #expect(table.translate(probe) == reference.translate(probe), "step \(step) translate \(hex(probe))")
        }
        return (table, concurrentBuddy)
    }

    @Test func sameOutcomesAsPageTableForRandomOperations() throws {
        let window: UInt64 = 16 << 20
        let (table, allocator) = try Self.compareWithPageTable(Self.lpae(contiguous: false), steps: 2000) { random in
            let iova = (random.next() % (window >> 12)) << 12
            let pages = 1 + random.next() % (random.next() % 4 == 0 ? 1024 : 16)
            let size = min(pages << 12, window - iova)
            let step: Step
            if random.next() % 2 == 0 {
                step = .map(iova: iova, physicalAddress: (random.next() % 2 == 0 ? iova : iova + 0x1000) + 0x4000_0000, size: size)
            } else {
                step = .unmap(iova: iova, size: size)
            }
            return (step, (random.next() % (window >> 12)) << 12 | 0x18)
        }
        #expect(table.reachableTables().count == table.tableCount && allocator.liveBlocks == table.tableCount)
    }

    /// An upper-range (TTBR1) table: the same outcomes as PageTable at the top of the 64-bit
    /// space, errors naming the full addresses, lower addresses out of range.
    @Test func upperRangeOutcomesMatchPageTable() throws {
        let window: UInt64 = 16 << 20
        let base = 0 &- window  // The top 16 MiB, up to 0xffff_ffff_ffff_ffff.
        let (table, _) = try Self.compareWithPageTable(try ARMLPAE(contiguousHint: false, vaRange: .upper), steps: 1000) { random in
            let offset = (random.next() % (window >> 12)) << 12
            let size = min((1 + random.next() % 64) << 12, window - offset)
            let step: Step = random.next() % 2 == 0
                ? .map(iova: base + offset, physicalAddress: 0x4000_0000 + offset, size: size)
                : .unmap(iova: base + offset, size: size)
            return (step, base + ((random.next() % (window >> 12)) << 12 | 0x18))
        }
        #expect(table.map(iova: 0x1000, to: 0, size: 0x1000, attributes: readWrite).error?.kind == .outOfRange)
        #expect(table.translate(0x18) == nil)
    }
}
