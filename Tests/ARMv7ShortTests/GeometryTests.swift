import ARMv7Short
import PageTable
import Testing

@Suite struct GeometryTests {
    @Test func levelsFollowTheArchitecture() {
        let format = ARMv7Short()
        let geometry = format.geometry
        #expect(format.name == "arm-v7s")
        #expect(geometry.levelCount == 2)
        #expect(geometry.inputAddressBits == 32 && geometry.outputAddressBits == 32)
        #expect(geometry.tableAddressLimit == 0xFFFF_FFFF)
        // Level 0 is L2: 256 items of 4 KiB in a 1 KiB table; large pages are 16 items.
        #expect(geometry[0] == LevelGeometry(itemShift: 12, indexBits: 8, tableBytes: 1024, tableAlignment: 1024,
                                             allowsLeaf: true, contiguousLog2: 4))
        // Level 1 is L1: 4096 items of 1 MiB in a 16 KiB table; supersections are 16 items.
        #expect(geometry[1] == LevelGeometry(itemShift: 20, indexBits: 12, tableBytes: 16384, tableAlignment: 16384,
                                             allowsLeaf: true, contiguousLog2: 4))
        #expect(geometry.leafSizeShifts == [12, 16, 20, 24])
        #expect(format.levelName(0) == "L2" && format.levelName(1) == "L1")
    }

    @Test func allZeroDescriptorsAreEmpty() {
        let format = ARMv7Short()
        #expect(format.decode(0, level: 0) == .empty && format.decode(0, level: 1) == .empty)
    }
}
