import ARMLPAE
import PageTable
import PageTableTestSupport
import Testing

/// Dynamic top (`ARMLPAE.Configuration.dynamicTop`): the table starts with the fewest levels
/// whose top table is full and grows its top when a map needs more input bits.
@Suite struct DynamicTopTests {
    static let rw = MapAttributes(access: [.read, .write])

    static func format(_ granule: ARMLPAE.Granule = .size4K, stage: ARMLPAE.Stage = .stage1, ias: Int = 48,
                       oas: Int = 48, vaRange: ARMLPAE.VARange = .lower) throws -> ARMLPAE {
        var configuration = ARMLPAE.Configuration(granule: granule, stage: stage, inputAddressBits: ias,
                                                  outputAddressBits: oas, vaRange: vaRange)
        configuration.dynamicTop = true
        return try ARMLPAE(configuration)
    }

    /// The sizes one format grows through, from its start.
    static func steps(_ format: ARMLPAE) -> [Int] {
        var sizes = [format.geometry.inputAddressBits], current = format
        while let step = current.grownTop() {
            sizes.append(step.format.geometry.inputAddressBits)
            current = step.format
        }
        return sizes
    }

    @Test func eachGranuleGrowsThroughFullTopTables() throws {
        #expect(Self.steps(try Self.format(.size4K)) == [30, 39, 48])
        #expect(Self.steps(try Self.format(.size16K)) == [25, 36, 47, 48])
        #expect(Self.steps(try Self.format(.size64K, ias: 52, oas: 52)) == [29, 42, 52])
        #expect(Self.steps(try Self.format(.size4K, ias: 44)) == [30, 39, 44])
        #expect(Self.steps(try Self.format(.size4K, ias: 30)) == [30])
        // Stage 2 where no step concatenates: 4K 30 -> 39 -> 48, VTCR's SL0 following.
        #expect(Self.steps(try Self.format(.size4K, stage: .stage2)) == [30, 39, 48])
        // Without the option nothing grows.
        #expect(try ARMLPAE(inputAddressBits: 39).grownTop() == nil)
    }

    @Test func theOldTopGoesFirstForTheLowerRangeAndLastForTheUpperRange() throws {
        #expect(try Self.format().grownTop()?.oldRootIndex == 0)
        #expect(try Self.format(vaRange: .upper).grownTop()?.oldRootIndex == 511)
        // 16K 47 -> 48: the new top table has two entries.
        var current = try Self.format(.size16K, vaRange: .upper)
        var indices: [Int] = []
        while let step = current.grownTop() {
            indices.append(step.oldRootIndex)
            current = step.format
        }
        #expect(indices == [2047, 2047, 1])
    }

    @Test func sizesWithoutAFullTopOrWithConcatenationAreRefused() {
        // 4K below 30 bits: no full top table to start from.
        #expect(throws: ARMLPAE.ConfigurationError.self) { try Self.format(.size4K, ias: 27) }
        // Stage 2, 4K, 40 bits: two concatenated L1 tables; 16K 48 bits: two concatenated L0.
        #expect(throws: ARMLPAE.ConfigurationError.self) { try Self.format(.size4K, stage: .stage2, ias: 40) }
        #expect(throws: ARMLPAE.ConfigurationError.self) { try Self.format(.size16K, stage: .stage2, ias: 48) }
        // The maximum itself must be valid.
        #expect(throws: ARMLPAE.ConfigurationError.self) { try Self.format(.size4K, ias: 49) }
        let error = #expect(throws: ARMLPAE.ConfigurationError.self) { try Self.format(.size4K, ias: 27) }
        #expect(error?.description.contains("--dynamic-top") == true)
    }

    @Test func startsSmallAndGrowsWhenAMapNeedsMoreBits() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try Self.format())
        #expect(table.format.geometry.levelCount == 2 && table.registers[.armTCR]! & 0x3F == 34)
        var changes: [TopChange] = []
        table.onTopChange = { changes.append($0) }
        #expect(table.map(iova: 0x1000, to: 0x4000_1000, size: 0x1000, attributes: Self.rw).isComplete)
        #expect(changes.isEmpty && table.tableCount == 2)
        let oldRoot = table.root
        fixture.invalidator.reset()
        #expect(table.map(iova: 1 << 40, to: 0x5000_0000, size: 0x1000, attributes: Self.rw).isComplete)
        #expect(changes.count == 1)
        #expect(changes.first?.root == table.root && table.root != oldRoot)
        #expect(changes.first?.inputAddressBits == 48 && changes.first?.levelCount == 4)
        #expect(changes.first?.registers == table.registers)
        #expect(table.registers[.armTTBR0] == table.root && table.registers[.armTCR]! & 0x3F == 16)
        #expect(table.format.geometry.inputAddressBits == 48)
        #expect(fixture.invalidator.requests.first == .all, "the grown registers' TLB care: one invalidate-all")
        #expect(table.translate(0x1234) == 0x4000_1234 && table.translate((1 << 40) + 0x10) == 0x5000_0010)
        // Two new tops (L1, L0) and the new path (L1, L2, L3 below the L0 entry for 1 << 40).
        #expect(table.tableCount == 2 + 2 + 3)
        #expect(table.invariantViolations().isEmpty)
        // Beyond the maximum stays out of range.
        #expect(table.map(iova: 1 << 48, to: 0, size: 0x1000, attributes: Self.rw).error?.kind == .outOfRange)
        // Unmaps and translations across the old and the new range.
        #expect(table.unmap(iova: 0x1000, size: 0x1000).isComplete && table.unmap(iova: 1 << 40, size: 0x1000).isComplete)
        #expect(table.translate(0x1234) == nil && table.translate(1 << 40) == nil)
        #expect(table.invariantViolations().isEmpty)
    }

    /// The callback runs after the new top points at the old one and before anything is
    /// written below the new top for the map that needed it.
    @Test func theCallbackSeesTheNewRootBeforeItIsUsed() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try Self.format(ias: 39))
        #expect(table.map(iova: 0x20_0000, to: 0x4000_0000, size: 0x1000, attributes: Self.rw).isComplete)
        let oldRoot = table.root, arena = fixture.arena, format = table.format
        var seen: (oldEntry: DecodedEntry, newEntry: UInt64)?
        table.onTopChange = { change in
            let top = arena.pointer(to: change.root).assumingMemoryBound(to: UInt64.self)
            seen = (format.decode(top[0], level: 2), top[(1 << 38) >> 30])
        }
        #expect(table.map(iova: 1 << 38, to: 0x5000_0000, size: 0x1000, attributes: Self.rw).isComplete)
        #expect(seen?.oldEntry == .table(oldRoot), "entry 0 points at the old top")
        #expect(seen?.newEntry == 0, "nothing beyond the old range was written yet")
        #expect(table.translate(1 << 38) == 0x5000_0000 && table.translate(0x20_0000) == 0x4000_0000)
    }

    @Test(arguments: 1...2)
    func runningOutOfMemoryWhileGrowingChangesNothing(failingAllocation: Int) throws {
        let fixture = TableFixture()
        let allocator = FaultInjectingAllocator(fixture.allocator)
        var table = try PageTable(format: try Self.format(), memory: fixture.arena, allocator: allocator,
                                  invalidator: fixture.invalidator)
        #expect(table.map(iova: 0x1000, to: 0x4000_1000, size: 0x1000, attributes: Self.rw).isComplete)
        var changes = 0
        table.onTopChange = { _ in changes += 1 }
        let (root, tables, blocks) = (table.root, table.tableCount, fixture.allocator.liveBlocks)
        fixture.invalidator.reset()
        allocator.failAllocations(from: failingAllocation)
        // 1 << 40 needs two new tops: failing either allocation fails the map.
        let outcome = table.map(iova: 1 << 40, to: 0x5000_0000, size: 0x1000, attributes: Self.rw)
        #expect(outcome.bytes == 0 && outcome.error?.kind == .outOfMemory)
        #expect(table.root == root && table.tableCount == tables && fixture.allocator.liveBlocks == blocks)
        #expect(table.format.geometry.inputAddressBits == 30 && changes == 0)
        #expect(fixture.invalidator.requests.isEmpty)
        #expect(table.translate(0x1000) == 0x4000_1000)
        allocator.stopFailing()
        #expect(table.map(iova: 1 << 40, to: 0x5000_0000, size: 0x1000, attributes: Self.rw).isComplete)
        #expect(changes == 1 && table.invariantViolations().isEmpty)
    }

    /// A map refused for another reason (attributes, output range, alignment) grows nothing.
    @Test func aMapRefusedOtherwiseDoesNotGrow() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try Self.format())
        var changes = 0
        table.onTopChange = { _ in changes += 1 }
        #expect(table.map(iova: 1 << 40, to: 0, size: 0x1000, attributes: MapAttributes(access: [])).error?.kind
                == .invalidAttributes)
        #expect(table.map(iova: 1 << 40, to: 1 << 48, size: 0x1000, attributes: Self.rw).error?.kind == .outOfRange)
        #expect(table.map(iova: (1 << 40) + 1, to: 0, size: 0x1000, attributes: Self.rw).error?.kind == .misaligned)
        #expect(changes == 0 && table.format.geometry.inputAddressBits == 30 && table.tableCount == 1)
    }

    @Test func theUpperRangeGrowsDownwards() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try Self.format(vaRange: .upper))
        #expect(table.registers[.armTCR]! >> 16 & 0x3F == 34)
        let top: UInt64 = 0xFFFF_FFFF_FFFF_F000
        #expect(table.map(iova: top, to: 0x4000_0000, size: 0x1000, attributes: Self.rw).isComplete)
        #expect(table.reserve(iova: 0xFFFF_FFFF_FFE0_0000, size: 0x1000).isComplete)
        let oldRoot = table.root
        #expect(table.map(iova: 0xFFFF_0000_0000_0000, to: 0x5000_0000, size: 0x1000, attributes: Self.rw).isComplete)
        #expect(table.format.geometry.inputAddressBits == 48 && table.registers[.armTCR]! >> 16 & 0x3F == 16)
        #expect(table.registers[.armTTBR1] == table.root)
        #expect(table.translate(top + 0xFFF) == 0x4000_0FFF && table.translate(0xFFFF_0000_0000_0000) == 0x5000_0000)
        #expect(table.reservedRanges == [0xFFFF_FFFF_FFE0_0000..<0xFFFF_FFFF_FFE0_1000])
        // The old top is the last entry of the L1 table under the new L0's last entry.
        let l0 = fixture.arena.pointer(to: table.root).assumingMemoryBound(to: UInt64.self)
        guard case .table(let l1) = table.format.decode(l0[511], level: 3) else { Issue.record("no L1"); return }
        let l1Items = fixture.arena.pointer(to: l1).assumingMemoryBound(to: UInt64.self)
        #expect(table.format.decode(l1Items[511], level: 2) == .table(oldRoot))
        #expect(table.release(iova: 0xFFFF_FFFF_FFE0_0000, size: 0x1000).isComplete)
        #expect(table.invariantViolations().isEmpty)
    }

    /// An empty old top is not kept (freed at the map's sync): the grown table is then exactly
    /// the table of the maximum size, where a large leaf may cover the old range.
    @Test func anEmptyTopIsReplacedNotLinked() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try Self.format(.size64K, ias: 42, vaRange: .upper))
        let oldRoot = table.root
        var changes = 0
        table.onTopChange = { _ in changes += 1 }
        // A 16 GiB group over the top of the range, the old 512 MiB top's span included.
        #expect(table.map(iova: 0xFFFF_FFFC_0000_0000, to: 0xD8_0000_0000, size: 16 << 30, attributes: Self.rw).isComplete)
        #expect(changes == 1 && table.root != oldRoot && table.tableCount == 1 && fixture.allocator.liveBlocks == 1)
        #expect(table.translate(0xFFFF_FFFE_4699_0000) == 0xDA_4699_0000)
        #expect(table.unmap(iova: 0xFFFF_FFFE_4699_0000, size: 0x1_0000).error?.kind == .partialLeaf)
        #expect(table.invariantViolations().isEmpty)
    }

    /// On memory the walker does not snoop, the new top is cleaned before the hardware reads
    /// it, in both paths (an empty top replaced, a top kept below the new one).
    @Test(arguments: [false, true])
    func aNonCoherentWalkerSeesTheGrownTop(mapsFirst: Bool) throws {
        var modelled = try ModelledTable(try Self.format(.size64K, ias: 42, vaRange: .upper), base: 0x8000_0000,
                                         size: 16 << 20, coherent: false)
        if mapsFirst {
            #expect(modelled.table.map(iova: 0xFFFF_FFFF_FFFF_0000, to: 0x4000_0000, size: 0x1_0000, attributes: Self.rw).isComplete)
        }
        #expect(modelled.table.map(iova: 0xFFFF_FC00_0000_0000, to: 0x5000_0000, size: 0x1_0000, attributes: Self.rw).isComplete)
        #expect(modelled.tlb.root == modelled.table.root)
        let probes: [UInt64] = [0xFFFF_FC00_0000_0000, 0xFFFF_FFFF_FFFF_0000]
        #expect(modelled.staleness(probes: probes).isEmpty, "\(modelled.staleness(probes: probes))")
        #expect(modelled.tlb.translate(0xFFFF_FC00_0000_0010) == 0x5000_0010)
        #expect(modelled.tlb.translate(0xFFFF_FFFF_FFFF_0010) == (mapsFirst ? 0x4000_0010 : nil))
    }

    /// 64K: one level at 29 bits (a single L3 table) grows to two at 42.
    @Test func theSixtyFourKilobyteGranuleGrowsFromOneLevel() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try Self.format(.size64K, ias: 42))
        #expect(table.format.geometry.levelCount == 1)
        #expect(table.map(iova: 0x1_0000, to: 0x4000_0000, size: 0x1_0000, attributes: Self.rw).isComplete)
        #expect(table.map(iova: 1 << 41, to: 0x6000_0000, size: 512 << 20, attributes: Self.rw).isComplete)
        #expect(table.format.geometry.levelCount == 2 && table.format.geometry.inputAddressBits == 42)
        #expect(table.lookup(1 << 41)?.size == 512 << 20)
        #expect(table.translate(0x1_0010) == 0x4000_0010)
        #expect(table.invariantViolations().isEmpty)
    }

    /// An applied batch's map grows the top as `map` does; `prepare` refuses a map beyond the
    /// top with `out-of-range` (a commit may use only the tables prepared for it).
    @Test func appliedBatchesGrowAndCommittedOnesDoNot() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try Self.format())
        let beyond = BatchOperation.map(iova: 1 << 40, physicalAddress: 0x4000_0000, size: 0x1000, attributes: Self.rw)
        #expect(throws: PageTableError.self) { _ = try table.prepare([beyond]) }
        do { _ = try table.prepare([beyond]) } catch { #expect(error.kind == .outOfRange) }
        #expect(table.format.geometry.inputAddressBits == 30)
        let applied = table.apply([beyond])
        #expect(applied.map(\.bytes) == [0x1000])
        #expect(table.format.geometry.inputAddressBits == 48)
        #expect(table.translate(1 << 40) == 0x4000_0000)
    }
}
