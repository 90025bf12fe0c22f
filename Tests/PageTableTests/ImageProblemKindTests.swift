import PageTable
import PageTableTestSupport
import Testing

/// The image problems no built-in format's decode lets through (they all decode strictly),
/// each in a hand-made image of ``LooseFormat``, asserted with its address.
@Suite struct ImageProblemKindTests {
    let format = LooseFormat()
    /// Where the top table of every image here lies (in ``tinyFixture()``'s memory).
    let root: UInt64 = 0x10_0000

    func store(_ descriptors: [UInt64: UInt32], in fixture: TableFixture) {
        for (address, value) in descriptors {
            fixture.arena.pointer(to: address).storeBytes(of: value.littleEndian, as: UInt32.self)
        }
    }

    /// The (kind, address) pairs adopting `root` finds in the image `descriptors` makes.
    func problems(_ descriptors: [UInt64: UInt32]) -> [(ImageProblem.Kind, UInt64)] {
        let fixture = tinyFixture()
        store(descriptors, in: fixture)
        return PageTable<LooseFormat, PhysicalArena, BuddyAllocator, RecordingInvalidator>
            .problems(adopting: root, format: format, memory: fixture.arena).map { ($0.kind, $0.address) }
    }

    /// A chain from the top table down to a level-0 table at 0x10_0130: top item 0 -> level 3
    /// 0x10_0100 -> level 2 0x10_0110 -> level 1 0x10_0120 -> level 0 0x10_0130, which maps
    /// a page at 0x5000.
    var chain: [UInt64: UInt32] {
        [root: 0x10_0100 | 2, 0x10_0100: 0x10_0110 | 2, 0x10_0110: 0x10_0120 | 2, 0x10_0120: 0x10_0130 | 2,
         0x10_0130: 0x5000 | 1]
    }

    @Test func theChainAloneIsSound() {
        #expect(problems(chain).isEmpty)
    }

    @Test func aTablePointerAtTheLeafMostLevelIsAWrongLevel() {
        var image = chain
        image[0x10_0134] = 0x10_0140 | 2
        let found = problems(image)
        #expect(found.map(\.0) == [.wrongLevel])
        #expect(found.map(\.1) == [0x10_0134])
    }

    @Test func aLeafWhereTheLevelHasNoneIsAWrongLevel() {
        var image = chain
        image[0x10_0118] = 0x8_0000 | 1  // Level 2 holds no leaves.
        let found = problems(image)
        #expect(found.map(\.0) == [.wrongLevel])
        #expect(found.map(\.1) == [0x10_0118])
    }

    @Test func aLeafOutputNotAlignedToItsSizeIsReported() {
        var image = chain
        image[0x10_0124] = 0x5100 | 1  // A 1K leaf at level 1 from 0x5100.
        let found = problems(image)
        #expect(found.map(\.0) == [.misalignedOutput])
        #expect(found.map(\.1) == [0x10_0124])
    }

    @Test func aLeafBeyondTheOutputSizeIsReported() {
        var image = chain
        image[0x10_0128] = 0x100_0000 | 1  // 1K at 2^24: the 24-bit output size ends there.
        image[0x10_012c] = 0xff_fc00 | 1   // The last 1K below it: sound.
        let found = problems(image)
        #expect(found.map(\.0) == [.outputOutOfRange])
        #expect(found.map(\.1) == [0x10_0128])
    }

    @Test func aTableAboveTheTableLimitIsReported() {
        var image = chain
        image[root + 4] = 0x18_0000 | 2  // Inside the memory, above the limit 0x17_ffff.
        let found = problems(image)
        #expect(found.map(\.0) == [.aboveTableLimit])
        #expect(found.map(\.1) == [root + 4])
        let fixture = tinyFixture()
        store([root: 0x18_0000 | 2], in: fixture)
        let atRoot = PageTable<LooseFormat, PhysicalArena, BuddyAllocator, RecordingInvalidator>
            .problems(adopting: 0x18_0000, format: format, memory: fixture.arena)
        #expect(atRoot.map(\.kind) == [.aboveTableLimit], "the root itself")
    }

    /// The 32-byte top table's second half is also a level-3 table: top item 2 points into
    /// the top table itself. (Its items 4 to 7, read as level-3 items, are leaves at both
    /// levels.)
    @Test func tablesThatOverlapAreReported() {
        var image = chain
        image[root + 8] = UInt32(root + 16) | 2
        for item in UInt64(4)..<8 { image[root + 4 * item] = UInt32(0x1_0000 * item) | 1 }
        let found = problems(image)
        #expect(found.map(\.0) == [.overlappingTables])
        #expect(found.map(\.1) == [root + 16])
    }
}

/// ``TinyFormat``'s descriptors decoded trusting every bit -- a table pointer at any level, a
/// leaf at any level, the output address as stored -- with a 32-byte top table that may hold
/// 64K leaves, a 24-bit output size and tables below 0x18_0000: a format that lets through what
/// the built-in formats refuse in decode, so that the survey's own checks are what stop it.
struct LooseFormat: PageTableFormat {
    typealias Descriptor = UInt32
    let base = TinyFormat()
    let name = "loose tiny"
    let geometry: TableGeometry

    init() {
        let leafLevels: [Int: Int] = [0: 1, 1: 0, 3: 1, 4: 0]  // level: contiguousLog2
        let levels = (0..<5).map { level in
            LevelGeometry(itemShift: 8 + 2 * level, indexBits: level == 4 ? 3 : 2, tableBytes: level == 4 ? 32 : 16,
                          tableAlignment: 16, allowsLeaf: leafLevels[level] != nil, contiguousLog2: leafLevels[level] ?? 0)
        }
        geometry = TableGeometry(levels: levels, inputAddressBits: 19, outputAddressBits: 24, tableAddressLimit: 0x17_FFFF)
    }

    func decode(_ descriptor: UInt32, level: Int) -> DecodedEntry {
        switch descriptor & 3 {
        case 0: return .empty
        case 2: return .table(PhysicalAddress(descriptor & ~0xF))
        default: return .leaf(outputAddress: PhysicalAddress(descriptor & ~0xFF), contiguous: descriptor & 3 == 3)
        }
    }

    func tableDescriptor(address: PhysicalAddress, level: Int) -> UInt32 { base.tableDescriptor(address: address, level: level) }
    func encode(_ attributes: MapAttributes) throws(PageTableError) -> UInt32 { try base.encode(attributes) }
    func leafTemplate(_ attributes: UInt32, level: Int, contiguous: Bool) -> UInt32 {
        base.leafTemplate(attributes, level: level, contiguous: contiguous)
    }
    func leafDescriptor(template: UInt32, outputAddress: PhysicalAddress, level: Int) -> UInt32 {
        base.leafDescriptor(template: template, outputAddress: outputAddress, level: level)
    }
    func linearLeafStride(level: Int) -> UInt32? { base.linearLeafStride(level: level) }
    func singleLeafPattern(level: Int) -> (mask: UInt32, value: UInt32)? { base.singleLeafPattern(level: level) }
    func attributes(ofLeaf descriptor: UInt32, level: Int) -> MapAttributes { base.attributes(ofLeaf: descriptor, level: level) }
    func registers(root: PhysicalAddress) -> [HardwareRegister] { base.registers(root: root) }
}
