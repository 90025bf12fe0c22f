import PageTable
import PageTableTestSupport
import Testing
import X86

/// x86-64 input addresses are canonical: both halves of the sign-extended space, nothing in
/// the hole, no range across it.
@Suite struct CanonicalAddressTests {
    @Test(arguments: X86_64.Levels.allCases)
    func bothHalvesMapAndTheHoleIsOutOfRange(levels: X86_64.Levels) throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try X86_64(X86_64.Configuration(levels: levels)))
        let half: UInt64 = 1 << UInt64(levels.inputAddressBits - 1)
        let upper = 0 &- half  // 0xffff_8000_0000_0000 with 4 levels
        let rw = MapAttributes(access: [.read, .write])
        #expect(table.map(iova: upper, to: 0x4000_0000, size: 2 << 20, attributes: rw).isComplete)
        #expect(table.map(iova: half - 0x1000, to: 0x5000_0000, size: 4096, attributes: rw).isComplete)
        #expect(table.map(iova: 0xFFFF_FFFF_FFFF_F000, to: 0x6000_0000, size: 4096, attributes: rw).isComplete)
        #expect(table.translate(upper | 0x1234) == 0x4000_1234)
        #expect(table.translate(half - 1) == 0x5000_0FFF && table.translate(.max) == 0x6000_0FFF)
        // The low bits alone (the old table address) are not canonical.
        #expect(table.translate(half) == nil && table.translate(half | 0x1234) == nil)
        for (iova, size) in [(half, UInt64(4096)), (half - 0x1000, UInt64(0x2000)), (upper - 0x1000, UInt64(0x2000)),
                             (0xFFFF_FFFF_FFFF_F000, UInt64(0x2000)), (0x8000_0000_0000_0000, UInt64(4096))] {
            let outcome = table.map(iova: iova, to: 0, size: size, attributes: rw)
            #expect(outcome.bytes == 0 && outcome.error?.kind == .outOfRange, "\(outcome)")
            #expect(outcome.error?.message.contains("canonical") == true)
            #expect(table.unmap(iova: iova, size: size).error?.kind == .outOfRange)
        }
        var leaves: [UInt64] = []
        table.forEachMapping { leaves.append($0.virtualAddress) }
        #expect(leaves == [half - 0x1000, upper, 0xFFFF_FFFF_FFFF_F000])
        var upperOnly: [UInt64] = []
        table.forEachMapping(in: upper..<UInt64.max) { upperOnly.append($0.virtualAddress) }
        #expect(upperOnly == [upper, 0xFFFF_FFFF_FFFF_F000])
        let conflict = table.map(iova: upper + 0x1000, to: 0, size: 4096, attributes: rw)
        #expect(conflict.error?.kind == .alreadyMapped && conflict.error?.address == upper + 0x1000)
        fixture.invalidator.reset()
        #expect(table.protect(iova: upper, size: 2 << 20, attributes: MapAttributes(access: .read)).isComplete)
        #expect(fixture.invalidator.requests == [.leaves(upper..<(upper + (2 << 20)), LevelSet(level: 1))])
        #expect(table.unmap(iova: upper, size: 2 << 20).isComplete)
        #expect(table.unmap(iova: 0xFFFF_FFFF_FFFF_F000, size: 4096).isComplete)
        #expect(table.unmap(iova: half - 0x1000, size: 4096).isComplete)
        #expect(table.tableCount == 1 && table.invariantViolations().isEmpty)
    }

    @Test func aBatchOverBothHalvesInvalidatesAHullCoveringBoth() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try X86_64())
        let rw = MapAttributes(access: [.read, .write])
        #expect(table.map(iova: 0x1000, to: 0x4000_0000, size: 4096, attributes: rw).isComplete)
        #expect(table.map(iova: 0xFFFF_8000_0000_0000, to: 0x4000_0000, size: 4096, attributes: rw).isComplete)
        fixture.invalidator.reset()
        let outcomes = table.apply([.unmap(iova: 0x1000, size: 4096), .unmap(iova: 0xFFFF_8000_0000_0000, size: 4096)])
        #expect(outcomes.allSatisfy { $0.isComplete })
        let covered = fixture.invalidator.requests.contains { request in
            if case .leaves(let range, _) = request {
                return range.contains(0x1000) && range.contains(0xFFFF_8000_0000_0000)
            }
            return false
        }
        #expect(covered)
    }
}
