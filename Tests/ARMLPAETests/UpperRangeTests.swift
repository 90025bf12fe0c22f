import ARMLPAE
import PageTable
import PageTableTestSupport
import Testing

/// ARM LPAE stage 1 for the upper virtual range (TTBR1): `0xffff...` addresses.
@Suite struct UpperRangeTests {
    static func registers(_ format: ARMLPAE) -> [String: UInt64] {
        Dictionary(uniqueKeysWithValues: format.registers(root: 0x8000_0000).map { ($0.name, $0.value) })
    }

    /// TTBR1 instead of TTBR0; TCR: T1SZ [21:16], IRGN1/ORGN1/SH1 [29:24], TG1 [31:30] with its
    /// own encoding (0b10 4K, 0b01 16K, 0b11 64K), EPD0 [7], IPS; every TTBR0 field zero.
    @Test func registersSelectTTBR1() throws {
        // T1SZ 16, write-back inner/outer, inner shareable, TG1 4K, EPD0, IPS 48-bit.
        #expect(Self.registers(try ARMLPAE(vaRange: .upper)) == ["TTBR1": 0x8000_0000, "TCR": 0x5_B510_0080,
                                                                  "MAIR": 0xF404_FF44])
        // T1SZ 28, TG1 16K, IPS 40-bit.
        #expect(Self.registers(try ARMLPAE(granule: .size16K, inputAddressBits: 36, outputAddressBits: 40,
                                           vaRange: .upper))["TCR"] == 0x2_751C_0080)
        // Non-coherent walks: non-cacheable, outer shareable; TG1 64K.
        #expect(Self.registers(try ARMLPAE(granule: .size64K, coherentWalk: false, vaRange: .upper))["TCR"]
                == 0x5_E010_0080)
        let lower = Self.registers(try ARMLPAE())
        #expect(lower["TTBR0"] == 0x8000_0000 && lower["TTBR1"] == nil)
    }

    @Test func stageTwoHasNoUpperRange() {
        #expect(throws: ARMLPAE.ConfigurationError.self) { try ARMLPAE(stage: .stage2, vaRange: .upper) }
        #expect((try? ARMLPAE(stage: .stage2))?.geometry.inputRange == .lower)
    }

    @Test func theGeometryTranslatesTheTopOfTheAddressSpace() throws {
        let geometry = try ARMLPAE(inputAddressBits: 39, vaRange: .upper).geometry
        #expect(geometry.inputRange == .upper)
        #expect(geometry.inputSpans == [0xFFFF_FF80_0000_0000...UInt64.max])
        #expect(geometry.contains(inputAddress: 0xFFFF_FF80_0000_0000) && !geometry.contains(inputAddress: 0xFFFF_FF7F_FFFF_F000))
        #expect(!geometry.contains(inputAddress: 0))
        #expect(geometry.tableAddress(of: 0xFFFF_FF80_0020_0000) == 0x20_0000)
        #expect(geometry.inputAddress(ofTable: 0x20_0000) == 0xFFFF_FF80_0020_0000)
    }

    /// Every operation takes the upper addresses, up to the last page below 2^64; lower
    /// addresses are `out-of-range`, and answers, errors, visits and invalidations name the
    /// full addresses.
    @Test func operationsUseFullUpperAddresses() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try ARMLPAE(inputAddressBits: 39, vaRange: .upper))
        let rw = MapAttributes(access: [.read, .write])
        let base: UInt64 = 0xFFFF_FF80_0000_0000
        #expect(table.map(iova: base, to: 0x4000_0000, size: 2 << 20, attributes: rw).isComplete)
        #expect(table.translate(base + 0x1234) == 0x4000_1234)
        #expect(table.lookup(base + 0x1234)?.virtualAddress == base)
        #expect(table.map(iova: 0xFFFF_FFFF_FFFF_F000, to: 0x5000_0000, size: 4096, attributes: rw).isComplete)
        #expect(table.translate(.max) == 0x5000_0FFF)
        #expect(table.translate(0x1234) == nil && table.translate(base - 0x1000) == nil)
        for (iova, size) in [(UInt64(0), UInt64(4096)), (base - 0x1000, 0x2000), (0xFFFF_FFFF_FFFF_F000, 0x2000)] {
            #expect(table.map(iova: iova, to: 0, size: size, attributes: rw).error?.kind == .outOfRange)
        }
        let conflict = table.map(iova: base + 0x1000, to: 0, size: 4096, attributes: rw)
        #expect(conflict.error?.kind == .alreadyMapped && conflict.error?.address == base + 0x1000)
        var leaves: [UInt64] = []
        table.forEachMapping { leaves.append($0.virtualAddress) }
        #expect(leaves == [base, 0xFFFF_FFFF_FFFF_F000])
        var tables: [UInt64] = []
        table.visit { if case .table(let info) = $0 { tables.append(info.virtualAddress) } }
        #expect(tables == [base, base, 0xFFFF_FFFF_C000_0000, 0xFFFF_FFFF_FFE0_0000])
        #expect(table.protect(iova: base, size: 2 << 20, attributes: MapAttributes(access: .read)).isComplete)
        #expect(table.lookup(base)?.attributes.access == .read)
        fixture.invalidator.reset()
        #expect(table.unmap(iova: 0xFFFF_FFFF_FFFF_F000, size: 4096).isComplete)
        // The last page's range cannot end at 2^64: it ends at UInt64.max.
        #expect(fixture.invalidator.requests.contains { request in
            if case .leaves(let range, _) = request { return range == 0xFFFF_FFFF_FFFF_F000..<UInt64.max }
            return false
        })
        #expect(table.reserve(iova: 0xFFFF_FFFF_FFE0_0000, size: 2 << 20).isComplete)
        #expect(table.reservedRanges == [0xFFFF_FFFF_FFE0_0000..<UInt64.max])
        #expect(table.release(iova: 0xFFFF_FFFF_FFE0_0000, size: 2 << 20).isComplete)
        #expect(try table.estimateMap(iova: 0xFFFF_FFFF_FFE0_0000, size: 4096).tables == 2)
        #expect(table.unmap(iova: base, size: 2 << 20).isComplete)
        #expect(table.tableCount == 1 && table.invariantViolations().isEmpty)
    }
}
