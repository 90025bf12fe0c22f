import PageTable
import PageTableTestSupport
import Testing

/// A format that tracks dirty state and shares tables is refused (the hardware would write
/// into tables many entries share), and a format without tracking refuses the dirty read.
@Suite struct DirtySharingRefusalTests {
    /// The tiny format with sharing on, claiming hardware dirty state.
    struct SharingAndTracking: PageTableFormat {
        let tiny = TinyFormat(allowsSharedTables: true)
        var name: String { "sharing-and-tracking" }
        var geometry: TableGeometry { tiny.geometry }
        var allowsSharedTables: Bool { true }
        var tracksDirtyState: Bool { true }
        func decode(_ descriptor: UInt32, level: Int) -> DecodedEntry { tiny.decode(descriptor, level: level) }
        func tableDescriptor(address: PhysicalAddress, level: Int) -> UInt32 { tiny.tableDescriptor(address: address, level: level) }
        func encode(_ attributes: MapAttributes) throws(PageTableError) -> UInt32 { try tiny.encode(attributes) }
        func leafTemplate(_ attributes: UInt32, level: Int, contiguous: Bool) -> UInt32 {
            tiny.leafTemplate(attributes, level: level, contiguous: contiguous)
        }
        func leafDescriptor(template: UInt32, outputAddress: PhysicalAddress, level: Int) -> UInt32 {
            tiny.leafDescriptor(template: template, outputAddress: outputAddress, level: level)
        }
        func attributes(ofLeaf descriptor: UInt32, level: Int) -> MapAttributes { tiny.attributes(ofLeaf: descriptor, level: level) }
        func registers(root: PhysicalAddress) -> [HardwareRegister] { tiny.registers(root: root) }
    }

    @Test func theCombinationIsRefusedAtConstruction() {
        let fixture = TableFixture(base: 0x10_0000, size: 1 << 20)
        #expect {
            _ = try fixture.makeTable(SharingAndTracking())
        } throws: { error in
            (error as? PageTableError)?.kind == .unsupported
                && (error as? PageTableError)?.message.contains("dirty tracking and shared tables exclude each other") == true
        }
    }

    @Test func withoutTrackingTheReadIsUnsupportedAndWritesFollowTheAttributes() throws {
        let fixture = TableFixture(base: 0x10_0000, size: 1 << 20)
        var table = try fixture.makeTable(TinyFormat())
        #expect(table.map(iova: 0, to: 0x1000, size: 0x200, attributes: MapAttributes(access: [.read, .write])).isComplete)
        #expect(table.map(iova: 0x200, to: 0x1200, size: 0x100, attributes: MapAttributes(access: .read)).isComplete)
        let refused = table.readAndClearDirty(iova: 0, size: 0x300)
        #expect(refused.outcome.error?.kind == .unsupported && refused.outcome.bytes == 0 && refused.runs.isEmpty)
        #expect(table.simulateHardwareWrite(iova: 0x100) == .written && table.simulateHardwareWrite(iova: 0x200) == .fault)
        #expect(table.simulateHardwareWrite(iova: 0x300) == .fault)
    }
}
