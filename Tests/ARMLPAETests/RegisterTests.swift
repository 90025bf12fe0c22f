import ARMLPAE
import PageTable
import Testing

@Suite struct RegisterTests {
    static func registers(_ format: ARMLPAE, root: UInt64) -> [String: UInt64] {
        Dictionary(uniqueKeysWithValues: format.registers(root: root).map { ($0.name, $0.value) })
    }

    @Test func stage1FourKilobyte48Bit() throws {
        let values = Self.registers(try ARMLPAE(), root: 0x8000_0000)
        // T0SZ 16, IRGN0/ORGN0 write-back, SH0 inner, TG0 4K, EPD1, IPS 48-bit.
        #expect(values == ["TTBR0": 0x8000_0000, "TCR": 0x5_0080_3510, "MAIR": 0xF404_FF44])
    }

    @Test func stage1SixteenKilobyteSmallerSpaces() throws {
        let values = Self.registers(try ARMLPAE(granule: .size16K, inputAddressBits: 36, outputAddressBits: 40), root: 0x8000_4000)
        #expect(values["TCR"] == 0x2_0080_B51C)
    }

    @Test func nonCoherentWalksAreNonCacheableOuterShareable() throws {
        let values = Self.registers(try ARMLPAE(coherentWalk: false), root: 0x8000_0000)
        #expect(values["TCR"] == 0x5_0080_2010)
    }

    @Test func stage2StartLevelAndConcatenation() throws {
        // 4K, 40-bit: two concatenated level-1 tables, SL0 = 1, PS 40-bit, RES1 bit 31.
        #expect(Self.registers(try ARMLPAE(stage: .stage2, inputAddressBits: 40, outputAddressBits: 40), root: 0x8000_0000)
                == ["VTTBR": 0x8000_0000, "VTCR": 0x8002_3558])
        // 64K, 42-bit: starts at level 2, SL0 = 1, TG0 64K, PS 42-bit.
        #expect(Self.registers(try ARMLPAE(granule: .size64K, stage: .stage2, inputAddressBits: 42, outputAddressBits: 42),
                               root: 0x8001_0000)["VTCR"] == 0x8003_7556)
        // 4K, 48-bit: starts at level 0, SL0 = 2.
        #expect(Self.registers(try ARMLPAE(stage: .stage2), root: 0)["VTCR"] == 0x8005_3590)
    }
}
