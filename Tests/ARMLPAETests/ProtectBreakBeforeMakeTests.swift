import ARMLPAE
import PageTable
import PageTableTestSupport
import Testing

/// `protect` on ARM LPAE refuses a new memory type, cacheability or shareability for a live
/// leaf (break-before-make at every FEAT_BBM level), stopping there with the prefix
/// protected; permission changes are made in place.
@Suite struct ProtectBreakBeforeMakeTests {
    let fixture = TableFixture()
    let page: UInt64 = 4096

    @Test(arguments: [ARMLPAE.Stage.stage1, .stage2])
    func memoryTypeChangesAreRefusedPermissionsAreNot(_ stage: ARMLPAE.Stage) throws {
        var configuration = ARMLPAE.Configuration(stage: stage)
        configuration.breakBeforeMakeLevel = .level2
        var table = try fixture.makeTable(ARMLPAE(configuration))
        let rw = MapAttributes(letters: "rw"), device = MapAttributes(letters: "rwd"), cached = MapAttributes(letters: "rwc")
        #expect(table.map(iova: 0, to: 0x4000_0000, size: 4 * page, attributes: rw).isComplete)
        #expect(table.map(iova: 4 * page, to: 0x5000_0000, size: 4 * page, attributes: device).isComplete)
        // Device pages first made read-only (in place), then the whole range to device:
        // the device pages stay, the first normal page stops it.
        #expect(table.protect(iova: 4 * page, size: 4 * page, attributes: MapAttributes(letters: "rd")).isComplete)
        let outcome = table.protect(iova: 0, size: 8 * page, attributes: device)
        #expect(outcome.bytes == 0 && outcome.error?.kind == .unsupported && outcome.error?.address == 0)
        #expect(table.lookup(0)?.attributes == rw)
        let refused = table.protect(iova: 4 * page, size: 4 * page, attributes: cached)
        #expect(refused.bytes == 0 && refused.error?.kind == .unsupported && table.lookup(4 * page)?.attributes.memoryType == .device)
        // A prefix that needs no break is protected before the refusal.
        #expect(table.protect(iova: 4 * page, size: 4 * page, attributes: device).isComplete)
        let prefix = table.protect(iova: 2 * page, size: 6 * page, attributes: device)
        #expect(prefix.bytes == 0 && prefix.error?.kind == .unsupported, "the normal page at 2 pages is first")
        let tail = table.protect(iova: 4 * page, size: 4 * page, attributes: MapAttributes(letters: "rwxd"))
        #expect(tail == RangeOutcome(bytes: 4 * page) || tail.error?.kind == .invalidAttributes)
        let needsBreak = table.attributeChangeNeedsBreak(from: rw, to: device, leafSize: page)
        let permissionNeedsBreak = table.attributeChangeNeedsBreak(from: rw, to: MapAttributes(letters: "r"), leafSize: page)
        #expect(needsBreak && !permissionNeedsBreak)
    }

    @Test func theModelFlagsTheChangeWrittenInPlace() throws {
        var configuration = ARMLPAE.Configuration()
        configuration.breakBeforeMakeLevel = .level2
        let format = try ARMLPAE(configuration)
        var modelled = try ModelledTable(format, base: 0x8000_0000, size: 16 << 20, coherent: true)
        #expect(modelled.table.map(iova: 0, to: 0x4000_0000, size: page, attributes: MapAttributes(letters: "rw")).isComplete)
        modelled.tlb.translate(0)
        modelled.tlb.watchWrites(in: 0..<page)
        // What protect did before: the descriptor rewritten in place with another memory type.
        let edited = modelled.table.modify(iova: 0, size: page) { edit in
            edit.attributes = MapAttributes(letters: "rwd")
            return .proceed
        }
        modelled.tlb.endWatch()
        #expect(edited.isComplete)
        #expect(modelled.tlb.breakBeforeMakeViolations.count == 1, "\(modelled.tlb.breakBeforeMakeViolations)")
    }
}
