import PageTable
import PageTableTestSupport
import Testing

/// Adopting a tree found in memory (``PageTable/init(adopting:format:memory:allocator:invalidator:)``)
/// on the tiny format: four 32-bit items per 16-byte table, table pointer `address | 2`, leaf
/// `output | attributes | 1` (`| 3` for a contiguous pair; levels 0, 1 and 3 hold leaves).
@Suite struct AdoptTests {
    let format = TinyFormat()

    /// A fixture and a table in it that maps a 256-byte page at 0 and a 1K leaf at 0x400.
    func built(_ fixture: TableFixture) throws -> TestTable<TinyFormat> {
        var table = try fixture.makeTable(format)
        #expect(table.map(iova: 0, to: 0x5000, size: 0x100, attributes: readWrite).isComplete)
        #expect(table.map(iova: 0x400, to: 0x8000, size: 0x400, attributes: readWrite).isComplete)
        return table
    }

    /// The table addresses the walk from the root passes to reach `iova`, top first.
    func path(_ table: borrowing TestTable<TinyFormat>, _ iova: UInt64) -> [UInt64] { table.trace(iova).steps.map(\.table) }

    func store(_ value: UInt32, at address: UInt64, in fixture: TableFixture) {
        fixture.arena.pointer(to: address).storeBytes(of: value.littleEndian, as: UInt32.self)
    }

    func load(_ address: UInt64, in fixture: TableFixture) -> UInt32 {
        UInt32(littleEndian: fixture.arena.pointer(to: address).load(as: UInt32.self))
    }

    /// The problems adopting `root` finds, as (kind, address) pairs.
    func problems(_ root: UInt64, _ fixture: TableFixture, format: TinyFormat = TinyFormat()) -> [(ImageProblem.Kind, UInt64)] {
        TestTable<TinyFormat>.problems(adopting: root, format: format, memory: fixture.arena).map { ($0.kind, $0.address) }
    }

    @Test func aBuiltTreeAdoptsWithTheSameTranslationsAndCounts() throws {
        let fixture = tinyFixture()
        let table = try built(fixture)
        #expect(problems(table.root, fixture).isEmpty)
        // A second allocator over the upper half of the memory, where no table lies: adoption
        // must allocate nothing and give nothing back.
        let allocator = try #require(BuddyAllocator(base: 0x18_0000, size: 1 << 19))
        var adopted = try PageTable(adopting: table.root, format: format, memory: fixture.arena,
                                    allocator: allocator, invalidator: RecordingInvalidator())
        #expect(adopted.tableCount == table.tableCount && adopted.tableBytes == table.tableBytes)
        #expect(adopted.statistics == table.statistics)
        #expect(leaves(adopted).map { "\($0)" } == leaves(table).map { "\($0)" })
        for iova in stride(from: UInt64(0), to: 0x1000, by: 0x40) { #expect(adopted.translate(iova) == table.translate(iova)) }
        #expect(adopted.invariantViolations().isEmpty)
        // Emptying it unlinks the adopted tables without handing them to the allocator.
        let freeBefore = allocator.freeBytes
        #expect(adopted.unmap(iova: 0, size: 0x100).isComplete && adopted.unmap(iova: 0x400, size: 0x400).isComplete)
        #expect(adopted.tableCount == 1)
        #expect(allocator.freeBytes == freeBefore)
        // New tables come from the allocator and go back to it.
        #expect(adopted.map(iova: 0x2_0000, to: 0x5000, size: 0x100, attributes: readWrite).isComplete)
        #expect(allocator.freeBytes < freeBefore)
        #expect(adopted.unmap(iova: 0x2_0000, size: 0x100).isComplete)
        #expect(allocator.freeBytes == freeBefore)
        #expect(adopted.invariantViolations().isEmpty)
    }

    @Test func aRootOutsideMemoryOrMisalignedIsReported() throws {
        let fixture = tinyFixture()
        let table = try built(fixture)
        #expect(problems(0x9000_0000, fixture).map(\.0) == [.outsideMemory])
        #expect(problems(table.root + 8, fixture).map(\.0) == [.misalignedTable])
        #expect(throws: ImageProblems.self) {
            try PageTable(adopting: 0x9000_0000, format: format, memory: fixture.arena, allocator: fixture.allocator,
                          invalidator: fixture.invalidator)
        }
    }

    @Test func everyCorruptDescriptorIsListedWithItsAddress() throws {
        let fixture = tinyFixture()
        let table = try built(fixture)
        let walk = path(table, 0)          // top, level 3, 2, 1, 0 tables
        let leafTable = walk[4]
        let root = table.detach().root     // Its teardown would walk the corrupt tree.
        // A pointer outside memory, a loop back to the root, a second pointer to a table, a
        // reserved encoding (a table pointer at level 0): all at once. (Tiny decodes outputs
        // aligned, so it cannot express a misaligned leaf.)
        store(0x9000_0002, at: walk[0] + 4, in: fixture)      // top item 1
        store(UInt32(walk[0]) | 2, at: walk[1] + 4, in: fixture) // level-3 item 1 -> the root
        store(UInt32(walk[3]) | 2, at: walk[2] + 4, in: fixture) // level-2 item 1 -> its own level-1 table again
        store(UInt32(leafTable) | 2, at: leafTable + 4, in: fixture)
        let found = problems(root, fixture)
        #expect(found.map(\.0) == [.reservedEncoding, .sharedTable, .loop, .outsideMemory])
        #expect(found.map(\.1) == [leafTable + 4, walk[2] + 4, walk[1] + 4, walk[0] + 4])
        do {
            _ = try PageTable(adopting: root, format: format, memory: fixture.arena, allocator: fixture.allocator,
                              invalidator: fixture.invalidator)
            Issue.record("a corrupt image was adopted")
        } catch {
            #expect(error.problems.count == 4)
            let expected = "\(hex(leafTable + 4)): reserved-encoding: level 0 table \(hex(leafTable)) item 1 holds "
                + "\(hex(leafTable | 2)), which the format treats as invalid"
            #expect(error.description.split(separator: "\n").map(String.init).first == expected)
        }
    }

    @Test func brokenGroupsAndEmptyTablesAreReported() throws {
        let fixture = tinyFixture()
        var table = try fixture.makeTable(format)
        #expect(table.map(iova: 0, to: 0x5000 & ~0x1ff, size: 0x200, attributes: readWrite).isComplete)  // a pair at level 0
        #expect(table.map(iova: 0x1_0000, to: 0x6000, size: 0x100, attributes: readWrite).isComplete)
        let pair = path(table, 0)[4]
        #expect(load(pair, in: fixture) & 3 == 3, "a contiguous pair")
        store(load(pair + 4, in: fixture) | 1 << 4, at: pair + 4, in: fixture)   // the second member executes
        let lone = path(table, 0x1_0000)[4]
        let root = table.detach().root
        store(0, at: lone, in: fixture)                                          // its table now holds nothing
        let found = problems(root, fixture)
        #expect(found.map(\.0) == [.brokenGroup, .emptyTable])
        #expect(found.map(\.1) == [pair + 4, lone])
    }

    @Test func sharedTablesAdoptWhereTheFormatSharesAndOnlyComplete() throws {
        let sharing = TinyFormat(allowsSharedTables: true)
        let fixture = tinyFixture()
        var table = try fixture.makeTable(sharing)
        #expect(table.mapRepeat(iova: 0x2_0000, size: 0x2_0000, physicalAddress: 0x5000, pageSize: 0x100,
                                attributes: readWrite).isComplete)
        #expect(problems(table.root, fixture, format: sharing).isEmpty)
        #expect(problems(table.root, fixture).map(\.0).allSatisfy { $0 == .sharedTable }, "tiny without sharing refuses it")
        let adopted = try PageTable(adopting: table.root, format: sharing, memory: fixture.arena,
                                    allocator: TableFixture(base: 0x20_0000, size: 1 << 20).allocator,
                                    invalidator: fixture.invalidator)
        #expect(adopted.statistics == table.statistics)
        #expect(adopted.invariantViolations().isEmpty)
        // A hole in the shared leaf table: neither it nor the shared tables above it are complete.
        let chain = Array(path(table, 0x2_0000).dropFirst())
        let root = table.detach().root
        store(0, at: chain[3] + 4, in: fixture)
        let found = problems(root, fixture, format: sharing)
        #expect(found.map(\.0) == Array(repeating: .incompleteSharedTable, count: 4))
        #expect(found.map(\.1) == chain.sorted())
    }
}
