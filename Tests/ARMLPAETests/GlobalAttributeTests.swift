import ARMLPAE
import PageTable
import PageTableTestSupport
import Testing

/// `MapAttributes.global`: stage-1 leaves without nG; refused at stage 2.
@Suite struct GlobalAttributeTests {
    static let notGlobal: UInt64 = 1 << 11

    @Test func stage1GlobalClearsNotGlobal() throws {
        let format = try ARMLPAE()
        let perAddressSpace = try format.encode(MapAttributes(access: [.read, .write]))
        let global = try format.encode(MapAttributes(access: [.read, .write], global: true))
        #expect(perAddressSpace.bits & Self.notGlobal != 0)
        #expect(global.bits & Self.notGlobal == 0)
        #expect(global.bits | Self.notGlobal == perAddressSpace.bits, "nothing else changes")
    }

    @Test func globalReadsBack() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try ARMLPAE())
        let attributes = MapAttributes(access: [.read, .execute], privileged: true, memoryType: .cacheable, global: true)
        #expect(table.map(iova: 0x1000, to: 0x4000_1000, size: 0x1000, attributes: attributes).isComplete)
        #expect(table.map(iova: 0x2000, to: 0x4000_2000, size: 0x1000, attributes: MapAttributes(access: .read)).isComplete)
        #expect(table.lookup(0x1000)?.attributes == attributes)
        #expect(table.lookup(0x2000)?.attributes.global == false)
    }

    @Test func stage2RefusesGlobal() throws {
        let format = try ARMLPAE(stage: .stage2)
        #expect(throws: PageTableError.self) { try format.encode(MapAttributes(access: .read, global: true)) }
        let fixture = TableFixture()
        var table = try fixture.makeTable(format)
        let outcome = table.map(iova: 0, to: 0x4000_0000, size: 0x1000, attributes: MapAttributes(access: .read, global: true))
        #expect(outcome.bytes == 0 && outcome.error?.kind == .invalidAttributes)
    }

    @Test func registersHaveIdentifiers() throws {
        let stage1 = try ARMLPAE().registers(root: 0x8000_0000)
        #expect(stage1.map(\.id) == [.armTTBR0, .armTCR, .armMAIR])
        #expect(stage1[.armTTBR0] == 0x8000_0000 && stage1[.armMAIR] == 0xF404_FF44 && stage1[.armVTCR] == nil)
        let stage2 = try ARMLPAE(stage: .stage2).registers(root: 0x8000_0000)
        #expect(stage2.map(\.id) == [.armVTTBR, .armVTCR])
    }
}
