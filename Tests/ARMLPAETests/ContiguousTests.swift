import ARMLPAE
import PageTable
import PageTableTestSupport
import Testing

/// Contiguous groups: the Contiguous bit (52) on aligned runs of 16, 32 or 128 entries.
@Suite struct ContiguousTests {
    static let k: UInt64 = 1 << 10, m: UInt64 = 1 << 20, g: UInt64 = 1 << 30
    let rw = MapAttributes(access: [.read, .write])

    static func member(_ format: ARMLPAE, _ letters: String, at address: UInt64, level: Int) throws -> UInt64 {
        let encoded = try format.encode(MapAttributes(letters: letters))
        return format.leafDescriptor(template: format.leafTemplate(encoded, level: level, contiguous: true),
                                     outputAddress: address, level: level)
    }

    /// Hand-computed from the manual: the single-leaf bits (see `DescriptorTests.golden`) plus
    /// the Contiguous bit, and the member's own output address. (granule, stage, PROT, walker
    /// level, member's address, descriptor, group base.)
    static let golden: [(ARMLPAE.Granule, ARMLPAE.Stage, String, Int, UInt64, UInt64, UInt64)] = [
        // 4K: 16 x 4K at L3, 16 x 2M at L2, 16 x 1G at L1.
        (.size4K, .stage1, "rw", 0, 0x4001_1000, 0x0070_0000_4001_1E43, 0x4001_0000),
        (.size4K, .stage1, "rw", 1, 0x4260_0000, 0x0070_0000_4260_0E41, 0x4200_0000),
        (.size4K, .stage1, "rwx", 2, 0x7_C000_0000, 0x0010_0007_C000_0E41, 0x4_0000_0000),
        // 16K: 128 x 16K at L3, 32 x 32M at L2.
        (.size16K, .stage1, "rw", 0, 0x403F_C000, 0x0070_0000_403F_CE43, 0x4020_0000),
        (.size16K, .stage1, "rwc", 1, 0x4200_0000, 0x0070_0000_4200_0F45, 0x4000_0000),
        // 64K: 32 x 64K at L3, 32 x 512M at L2.
        (.size64K, .stage1, "rw", 0, 0x403F_0000, 0x0070_0000_403F_0E43, 0x4020_0000),
        (.size64K, .stage1, "rd", 1, 0x4_6000_0000, 0x0070_0004_6000_0EC9, 0x4_0000_0000),
        // Stage 2 uses the same bit.
        (.size4K, .stage2, "rw", 0, 0x4000_1000, 0x0050_0000_4000_16D7, 0x4000_0000),
        (.size64K, .stage2, "rc", 1, 0x4_2000_0000, 0x0050_0004_2000_077D, 0x4_0000_0000),
    ]

    @Test(arguments: 0..<golden.count)
    func goldenGroupMembers(_ index: Int) throws {
        let (granule, stage, letters, level, address, expected, base) = Self.golden[index]
        let format = try ARMLPAE(granule: granule, stage: stage)
        let descriptor = try Self.member(format, letters, at: address, level: level)
        #expect(descriptor == expected, "\(granule) s\(stage.rawValue) \(letters) L\(3 - level): \(hex(descriptor))")
        #expect(format.decode(descriptor, level: level) == .leaf(outputAddress: base, contiguous: true))
        #expect(format.attributes(ofLeaf: descriptor, level: level) == MapAttributes(letters: letters))
        // Members are linear: the next one is this one plus the stride.
        let next = try Self.member(format, letters, at: address + format.geometry[level].itemSize, level: level)
        #expect(format.linearGroupStride(level: level).map { descriptor &+ $0 } == next)
    }

    @Test func fiftyTwoBitGroupsPackTheirHighBitsAndFourTerabyteBlocksNeverGroup() throws {
        let format = try ARMLPAE(granule: .size64K, inputAddressBits: 52, outputAddressBits: 52)
        let member = try Self.member(format, "rw", at: 0x000F_0000_0021_0000, level: 0)
        #expect(member == 0x0070_0000_0021_FE43)
        #expect(format.decode(member, level: 0) == .leaf(outputAddress: 0x000F_0000_0020_0000, contiguous: true))
        #expect(format.geometry[2].contiguousLog2 == 0, "the Contiguous bit is RES0 in 64K L1 blocks")
        let block: UInt64 = 0x0010_0400_0000_0E41  // A 4T block at 4T with bit 52 set.
        #expect(format.decode(block, level: 2) == .leaf(outputAddress: 0x0400_0000_0000, contiguous: false))
    }

    /// Where groups are written, the single-leaf pattern excludes hinted leaves; where not, a
    /// stray bit 52 is only a hint and the leaf decodes as single.
    @Test func decodingFollowsTheConfiguration() throws {
        let hinted: UInt64 = 0x0070_0000_4001_1E43
        let on = try ARMLPAE(), off = try ARMLPAE(contiguousHint: false)
        #expect(on.singleLeafPattern(level: 0)! == (1 << 52 | 3, 3))
        #expect(off.singleLeafPattern(level: 0)! == (3, 3))
        #expect(off.decode(hinted, level: 0) == .leaf(outputAddress: 0x4001_1000, contiguous: false))
        #expect(on.decode(hinted & ~(1 << 52), level: 0) == .leaf(outputAddress: 0x4001_1000, contiguous: false))
    }

    struct Shape: CustomTestStringConvertible, Sendable {
        var granule: ARMLPAE.Granule, stage: ARMLPAE.Stage = .stage1, ias: Int = 48
        var groupsLog2: [Int]  // By walker level, 0 = L3.
        var testDescription: String { "\(granule) s\(stage.rawValue) ias\(ias)" }
    }

    static let shapes: [Shape] = [
        Shape(granule: .size4K, groupsLog2: [4, 4, 4, 0]),
        Shape(granule: .size4K, ias: 32, groupsLog2: [4, 4, 0]),             // 4-entry top: no 16G group
        Shape(granule: .size4K, stage: .stage2, ias: 40, groupsLog2: [4, 4, 4]),  // two concatenated L1 tables
        Shape(granule: .size16K, groupsLog2: [7, 5, 0, 0]),
        Shape(granule: .size16K, stage: .stage2, ias: 36, groupsLog2: [7, 5]),
        Shape(granule: .size64K, groupsLog2: [5, 5, 0]),
        Shape(granule: .size64K, ias: 32, groupsLog2: [5, 0]),                // 8-entry top: no 16G group
        Shape(granule: .size64K, stage: .stage2, ias: 42, groupsLog2: [5, 5]),
    ]

    @Test(arguments: shapes)
    func groupSizesFollowTheArchitecture(_ shape: Shape) throws {
        let format = try ARMLPAE(granule: shape.granule, stage: shape.stage, inputAddressBits: shape.ias,
                                 outputAddressBits: min(shape.ias, 48))
        #expect((0..<format.geometry.levelCount).map { format.geometry[$0].contiguousLog2 } == shape.groupsLog2)
        let off = try ARMLPAE(granule: shape.granule, stage: shape.stage, inputAddressBits: shape.ias,
                              outputAddressBits: min(shape.ias, 48), contiguousHint: false)
        #expect((0..<off.geometry.levelCount).allSatisfy { off.geometry[$0].contiguousLog2 == 0 })
        #expect(off.configuration.contiguousHint == false && format.configuration.contiguousHint)
    }

    // MARK: - Through the walker

    /// The "done": a 64 KiB map on the 4 KiB granule writes one 16-entry group, the bit
    /// set in each member, each member holding its own output address.
    @Test func aSixtyFourKilobyteMapIsOneGroup() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(ARMLPAE(inputAddressBits: 39))
        #expect(table.map(iova: 0x4001_0000, to: 0x1234_0000, size: 64 * Self.k, attributes: rw).isComplete)
        let scan = GroupScan(table, arena: fixture.arena)
        #expect(scan.problems.isEmpty, "\(scan.problems)")
        #expect(scan.groups == [0: 1] && scan.hinted == 16)
        let found = table.lookup(0x4001_5678)
        let mapping = try #require(found)
        #expect(mapping.size == 64 * Self.k && mapping.virtualAddress == 0x4001_0000 && mapping.physicalAddress == 0x1234_0000)
        #expect(table.translate(0x4001_5678) == 0x1234_5678)
        var leaves: [Mapping] = []
        table.forEachMapping { leaves.append($0) }
        #expect(leaves.count == 1 && leaves.first?.size == 64 * Self.k, "the group is one leaf")
        #expect(table.statistics.leavesPerLevel[0] == 1)
        // The raw member for 0x4001_5000 holds 0x1234_5000.
        let leafTableAddress = leafTable(table, fixture, 0x4001_0000)
        let l3 = try #require(leafTableAddress)
        #expect(read(fixture, l3 + 8 * 0x15) == 0x0070_0000_1234_5E43)
    }

    /// A map of exactly one group takes the straight one-leaf path, into a fresh table or an
    /// existing one; it writes the bits the general path writes for the same group (here as the
    /// first part of a longer map), and with any member slot taken it leaves the map to the
    /// general path, which refuses it and changes nothing.
    @Test func aOneGroupMapWritesWhatTheGeneralPathWrites() throws {
        let fixture = TableFixture()
        let base: UInt64 = 0x4000_0000, group = 64 * Self.k, page: UInt64 = 4096
        var general = try fixture.makeTable(ARMLPAE(inputAddressBits: 39))
        #expect(general.map(iova: base, to: 0x1234_0000, size: group + page, attributes: rw).isComplete)
        let expected = Array(rawLeaves(general, fixture, base)[0..<16])
        #expect(expected.allSatisfy { $0 & (1 << 52) != 0 }, "members")
        // Fresh: the walk builds the L2 and L3 tables.
        var fresh = try fixture.makeTable(ARMLPAE(inputAddressBits: 39))
        #expect(fresh.map(iova: base, to: 0x1234_0000, size: group, attributes: rw).isComplete)
        #expect(Array(rawLeaves(fresh, fixture, base)[0..<16]) == expected && fresh.tableCount == 3)
        #expect(rawLeaves(fresh, fixture, base)[16...].allSatisfy { $0 == 0 })
        // Existing: an L3 table already holds a page elsewhere.
        var existing = try fixture.makeTable(ARMLPAE(inputAddressBits: 39))
        #expect(existing.map(iova: base + 1 * Self.m, to: 0x5000_0000, size: page, attributes: rw).isComplete)
        #expect(existing.map(iova: base, to: 0x1234_0000, size: group, attributes: rw).isComplete)
        #expect(Array(rawLeaves(existing, fixture, base)[0..<16]) == expected && existing.tableCount == 3)
        #expect(existing.lookup(base + 0x5678)?.size == group && existing.translate(base + 0x5678) == 0x1234_5678)
        // One member taken: already-mapped at the group's start, nothing written.
        #expect(existing.map(iova: base + group + 3 * page, to: 0x6000_0000, size: page, attributes: rw).isComplete)
        let before = rawLeaves(existing, fixture, base)
        let outcome = existing.map(iova: base + group, to: 0x1235_0000, size: group, attributes: rw)
        #expect(outcome.bytes == 0 && outcome.error?.kind == .alreadyMapped && outcome.error?.address == base + group)
        #expect(rawLeaves(existing, fixture, base) == before)
        #expect(existing.invariantViolations().isEmpty && fresh.invariantViolations().isEmpty)
    }

    /// Every granule's group sizes, at every level that has one: chosen when alignment and
    /// length allow, and written whole.
    @Test(arguments: ARMLPAE.Granule.allCases)
    func everyGroupSizeIsChosenWhereLegal(_ granule: ARMLPAE.Granule) throws {
        let fixture = TableFixture(size: 16 << 20)
        var table = try fixture.makeTable(ARMLPAE(granule: granule))
        var expected: [Int: Int] = [:]
        var iova: UInt64 = 1 << 40
        for level in 0..<table.format.geometry.levelCount where table.format.geometry[level].contiguousLog2 > 0 {
            let groupSize = table.format.geometry[level].itemSize << UInt64(table.format.geometry[level].contiguousLog2)
            #expect(table.map(iova: iova, to: iova >> 4, size: groupSize, attributes: rw).isComplete)
            #expect(table.lookup(iova + groupSize / 2)?.size == groupSize, "\(granule) L\(3 - level)")
            expected[level] = 1
            iova += 1 << 40
        }
        #expect(expected.count == (granule == .size4K ? 3 : 2))
        let scan = GroupScan(table, arena: fixture.arena)
        #expect(scan.problems.isEmpty && scan.groups == expected, "\(scan.problems) \(scan.groups)")
        #expect(table.invariantViolations().isEmpty)
    }

    /// One item short of a group, or an output address off by one item, gives single leaves.
    @Test func withoutAlignmentOrLengthThereIsNoGroup() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(ARMLPAE(inputAddressBits: 39))
        #expect(table.map(iova: 0x4000_0000, to: 0x1000_0000, size: 60 * Self.k, attributes: rw).isComplete)
        #expect(table.map(iova: 0x4010_0000, to: 0x1010_1000, size: 128 * Self.k, attributes: rw).isComplete)
        // 2M blocks: 30M of them is no 32M group; 32M at a 2M-only-aligned PA is none either.
        #expect(table.map(iova: 0x1_0000_0000, to: 0x2_0000_0000, size: 30 * Self.m, attributes: rw).isComplete)
        #expect(table.map(iova: 0x1_4000_0000, to: 0x2_4020_0000, size: 32 * Self.m, attributes: rw).isComplete)
        let scan = GroupScan(table, arena: fixture.arena)
        #expect(scan.hinted == 0 && scan.problems.isEmpty)
        #expect(table.lookup(0x1_4000_0000)?.size == 2 * Self.m)
        // Largest first: 64K + 32M + 1G + ... a 1G-aligned 1G + 64K range is one block and one group.
        #expect(table.map(iova: 0x40_0000_0000, to: 0x80_0000_0000, size: Self.g + 64 * Self.k, attributes: rw).isComplete)
        #expect(table.lookup(0x40_0000_0000)?.size == Self.g)
        #expect(table.lookup(0x40_4000_0000)?.size == 64 * Self.k)
    }

    /// A group is one leaf: unmaps that start or end inside it are refused and change nothing;
    /// an unmap covering it removes all members and invalidates the group's whole range.
    @Test func partialUnmapsOfAGroupAreRefused() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(ARMLPAE(inputAddressBits: 39))
        let base: UInt64 = 0x4000_0000, group = 64 * Self.k, page: UInt64 = 4096
        #expect(table.map(iova: base, to: 0x1000_0000, size: 2 * group, attributes: rw).isComplete)
        let before = rawLeaves(table, fixture, base)
        for (iova, size) in [(base, page), (base + page, page), (base + group - page, page), (base + page, group)] {
            let outcome = table.unmap(iova: iova, size: size)
            #expect(outcome.bytes == 0 && outcome.error?.kind == .partialLeaf && outcome.error?.address == iova,
                    "unmap \(hex(iova)) \(hex(size)): \(outcome)")
            #expect(rawLeaves(table, fixture, base) == before, "a refused unmap changes nothing")
        }
        // Ending inside the second group: the first one goes, the second stays whole.
        let outcome = table.unmap(iova: base, size: group + page)
        #expect(outcome.bytes == group && outcome.error?.kind == .partialLeaf)
        #expect(table.translate(base) == nil && table.translate(base + group + page) == 0x1001_1000)
        #expect(fixture.invalidator.requests.contains(.leaves(base..<base + group, LevelSet(level: 0))))
        #expect(table.unmap(iova: base + group, size: group).isComplete)
        #expect(table.tableCount == 1)
    }

    /// Reserved (pinned, empty) tables stand where a 32M group would go: the map places smaller
    /// leaves into them -- 64K groups -- instead of failing, as for any large leaf.
    @Test func aGroupOverReservedTablesUsesThemInstead() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(ARMLPAE(inputAddressBits: 39))
        let base: UInt64 = 0x4200_0000
        #expect(table.reserve(iova: base, size: 32 * Self.m).isComplete)
        let reserved = table.tableCount
        #expect(table.map(iova: base, to: 0x1_0200_0000, size: 32 * Self.m, attributes: rw).isComplete)
        #expect(table.tableCount == reserved, "the reserved tables are used, none added")
        #expect(table.lookup(base + 5 * Self.m)?.size == 64 * Self.k)
        #expect(table.translate(base + 0x1F_FFFF) == 0x1_021F_FFFF)
        let scan = GroupScan(table, arena: fixture.arena)
        #expect(scan.problems.isEmpty && scan.groups == [0: 512])
        // A real leaf in the span still stops the group with already-mapped at its start.
        #expect(table.map(iova: 0x8000_0000 + 3 * 2 * Self.m, to: 0x3000_0000, size: 4096, attributes: rw).isComplete)
        let outcome = table.map(iova: 0x8000_0000, to: 0x2_0000_0000, size: 32 * Self.m, attributes: rw)
        #expect(outcome.bytes == 0 && outcome.error?.kind == .alreadyMapped && outcome.error?.address == 0x8000_0000)
    }

    /// `contiguousHint: false` writes no group anywhere, whatever the alignment.
    @Test(arguments: ARMLPAE.Granule.allCases)
    func noContiguousWritesNoGroup(_ granule: ARMLPAE.Granule) throws {
        let fixture = TableFixture(size: 16 << 20)
        var table = try fixture.makeTable(ARMLPAE(granule: granule, contiguousHint: false))
        let page = table.format.geometry.pageSize
        for (index, size) in [64 * Self.k, 2 * Self.m, 32 * Self.m, Self.g, 16 * Self.g].enumerated() where size >= page {
            let iova = UInt64(index + 1) << 40
            #expect(table.map(iova: iova, to: iova >> 4, size: size, attributes: rw).isComplete)
        }
        #expect(table.mapPages(iova: 1 << 44, to: 0, pageSize: page, pageCount: 64, attributes: rw).isComplete)
        let scan = GroupScan(table, arena: fixture.arena)
        #expect(scan.hinted == 0 && scan.problems.isEmpty)
        var sizes: Set<UInt64> = []
        table.forEachMapping { sizes.insert($0.size) }
        let singles = Set(table.format.geometry.leafSizeShifts.map { UInt64(1) << UInt64($0) })
        #expect(sizes.isSubset(of: singles) && singles.count == (granule == .size4K ? 3 : 2))
    }

    /// `mapPages` never writes leaves larger than asked: 4K pages stay single, and a group size
    /// is a page size of its own.
    @Test func mapPagesUsesGroupsOnlyWhenAsked() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(ARMLPAE(inputAddressBits: 39))
        #expect(table.mapPages(iova: 0x4000_0000, to: 0x1000_0000, pageSize: 4096, pageCount: 32, attributes: rw).isComplete)
        #expect(GroupScan(table, arena: fixture.arena).hinted == 0)
        #expect(table.mapPages(iova: 0x4010_0000, to: 0x1010_0000, pageSize: 64 * Self.k, pageCount: 2, attributes: rw).isComplete)
        #expect(GroupScan(table, arena: fixture.arena).groups == [0: 2])
    }

    /// A repeat maps every page to the same one; a group promises consecutive output addresses,
    /// so repeats never set the bit, even where groups are on and the range is aligned.
    @Test func repeatsWriteNoContiguousBit() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(ARMLPAE(inputAddressBits: 39))
        #expect(table.mapRepeat(iova: 0x4000_0000, size: 4 * Self.m, physicalAddress: 0x1000_0000, pageSize: 4096,
                                attributes: rw).isComplete)
        #expect(table.mapRepeat(iova: 0x8000_0000, size: 64 * Self.m, physicalAddress: 0x2000_0000, pageSize: 2 * Self.m,
                                attributes: rw).isComplete)
        let scan = GroupScan(table, arena: fixture.arena)
        #expect(scan.hinted == 0 && scan.problems.isEmpty)
        #expect(table.translate(0x4001_2345) == 0x1000_0345)
        #expect(table.lookup(0x4001_2345)?.size == 4096)
    }

    /// Model-based: seeded random maps and unmaps aimed at group boundaries, every outcome and
    /// translation compared with ``ReferenceModel`` (whose leaf sizes include the groups), and
    /// every image checked by ``GroupScan``. `PAGETABLE_SEED` replays a run.
    @Test(arguments: ARMLPAE.Granule.allCases)
    func randomGroupOperationsMatchTheModel(_ granule: ARMLPAE.Granule) throws {
        let seed = (environmentSeed() ?? 0x6C0_0001) ^ UInt64(granule.shift)
        var random = SeededGenerator(seed: seed)
        let fixture = TableFixture()
        var table = try fixture.makeTable(ARMLPAE(granule: granule, inputAddressBits: 42))
        var model = ReferenceModel(geometry: table.format.geometry)
        let geometry = table.format.geometry
        let units = geometry.leafSizeShifts.filter { $0 <= 34 }.map { UInt64(1) << UInt64($0) }
        let page = geometry.pageSize
        let window: UInt64 = 256 << 30
        var seen: Set<String> = []
        // One leaf of every size up front, beyond the random window, so each is built and
        // checked whatever the seed (a 16G group needs 16G of free, aligned space).
        for (index, unit) in units.enumerated() {
            let iova = 2 * window + UInt64(index) * 32 * Self.g
            let attributes = MapAttributes(letters: "rw")
            let outcome = table.map(iova: iova, to: iova, size: unit, attributes: attributes)
            let expected = model.map(iova, iova, unit, attributes)
            #expect(outcome.bytes == expected.bytes && outcome.error?.kind == expected.error,
                    "seed \(seed): map \(hex(iova)) of \(hex(unit)) got \(outcome)")
        }
        let wanted: Set = ["map ok", "map already-mapped", "unmap ok", "unmap partial-leaf", "unmap not-mapped",
                           "groups in the image"]
        // 600 steps, or more (up to 2400) until every outcome and leaf size has appeared.
        var step = -1
        while true {
            step += 1
            let covered = wanted.isSubset(of: seen) && Set(units).isSubset(of: model.leafSizesBuilt)
            guard step < 600 || (step < 2400 && !covered) else { break }
            let unit = units.randomElement(using: &random)!
            let context = "seed \(seed) step \(step)"
            var iova = UInt64.random(in: 0..<(window / unit), using: &random) * unit
            if let leaf = model.leaves.randomElement(using: &random), Bool.random(using: &random) { iova = leaf.start }
            if Int.random(in: 0..<4, using: &random) == 0 { iova += page * UInt64.random(in: 0...2, using: &random) }
            var size = unit * UInt64.random(in: 1...2, using: &random)
            if Int.random(in: 0..<3, using: &random) == 0 { size += page * UInt64.random(in: 0...3, using: &random) }
            size = min(size, 34 * Self.g)
            if Int.random(in: 0..<3, using: &random) < 2 {
                // Output congruent to the input modulo the unit (groups possible) or off by a page.
                let pa = (iova & (unit - 1)) + UInt64.random(in: 0..<64, using: &random) * unit
                    + (Int.random(in: 0..<4, using: &random) == 0 ? page : 0)
                // At most a few hundred leaves: the alignment both addresses share bounds the size.
                let shared = UInt64(1) << UInt64(min((iova | pa).trailingZeroBitCount, 40))
                let size = min(size, shared * 256)
                let letters = ["rw", "r", "rwx", "rwc", "rd"].randomElement(using: &random)!
                let attributes = MapAttributes(letters: letters)
                let outcome = table.map(iova: iova, to: pa, size: size, attributes: attributes)
                let expected = model.map(iova, pa, size, attributes)
                seen.insert("map " + (outcome.error?.kind.name ?? "ok"))
                #expect(outcome.bytes == expected.bytes && outcome.error?.kind == expected.error,
                        "\(context): map \(hex(iova)) \(hex(pa)) \(hex(size)) got \(outcome)")
            } else {
                let outcome = table.unmap(iova: iova, size: size)
                let expected = model.unmap(iova, size)
                seen.insert("unmap " + (outcome.error?.kind.name ?? "ok"))
                #expect(outcome.bytes == expected.bytes && outcome.error?.kind == expected.error,
                        "\(context): unmap \(hex(iova)) \(hex(size)) got \(outcome)")
            }
            let probes: [UInt64] = [iova, iova + size / 2, iova + size - 1, iova &- 1]
            for probe in probes where probe < geometry.inputLimit {
                #expect(table.translate(probe) == model.translate(probe), "\(context): translate \(hex(probe))")
            }
            if step % 25 == 24 {
                let scan = GroupScan(table, arena: fixture.arena)
                try #require(scan.problems.isEmpty, "\(context): \(scan.problems.prefix(3))")
                let violations = table.invariantViolations()
                try #require(violations.isEmpty, "\(context): \(violations.prefix(3))")
                if !scan.groups.isEmpty { seen.insert("groups in the image") }
            }
        }
        #expect(wanted.subtracting(seen).isEmpty, "seed \(seed): never saw \(wanted.subtracting(seen))")
        // Every leaf size up to 16G was placed, the groups among them.
        #expect(Set(units).subtracting(model.leafSizesBuilt).isEmpty,
                "seed \(seed): never built \(Set(units).subtracting(model.leafSizesBuilt).map(hex))")
    }

    // MARK: - Helpers

    func read(_ fixture: TableFixture, _ address: UInt64) -> UInt64 {
        fixture.arena.bytes.load(fromByteOffset: Int(address - fixture.arena.base), as: UInt64.self)
    }

    /// The leaf-level table holding `iova`.
    func leafTable(_ table: borrowing TestTable<ARMLPAE>, _ fixture: TableFixture, _ iova: UInt64) -> UInt64? {
        var found: UInt64?
        table.visit(iova..<iova + 1) { node in
            if case .table(let info) = node, info.level == 0 { found = info.address }
        }
        return found
    }

    /// The raw descriptors of the L3 table holding `iova`.
    func rawLeaves(_ table: borrowing TestTable<ARMLPAE>, _ fixture: TableFixture, _ iova: UInt64) -> [UInt64] {
        guard let address = leafTable(table, fixture, iova) else { return [] }
        return (0..<512).map { read(fixture, address + 8 * UInt64($0)) }
    }
}

/// `PAGETABLE_SEED` from the environment, if set.
func environmentSeed() -> UInt64? {
    guard let text = getenv("PAGETABLE_SEED") else { return nil }
    return UInt64(String(cString: text))
}

#if canImport(Glibc)
import Glibc
#endif
