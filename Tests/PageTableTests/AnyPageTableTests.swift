import PageTable
import PageTableTestSupport
import Testing

@Suite struct AnyPageTableTests {
    @Test func forwardsEveryOperation() throws {
        let fixture = tinyFixture()
        let table = AnyPageTable(try fixture.makeTable(TinyFormat()))
        #expect(table.formatName == "tiny")
        #expect(table.registers == [HardwareRegister(name: "ROOT", value: table.root)])
        #expect(table.map(iova: 0x100, to: 0x4000_0100, size: 0x700, attributes: readWrite).isComplete)
        #expect(table.translate(0x400) == 0x4000_0400)
        #expect(table.lookup(0x400)?.size == 0x400)
        #expect(table.statistics.leavesPerLevel == [2, 1, 0, 0, 0])
        #expect(table.statistics.tables == table.tableCount && table.tableCount == 5, "top, levels 3 to 1, and one level-0 table")
        #expect(table.levelName(2) == "level 2")
        #expect(table.unmap(iova: 0x100, size: 0x700).isComplete)
        #expect(table.tableCount == 1 && table.invariantViolations().isEmpty)
    }
}
