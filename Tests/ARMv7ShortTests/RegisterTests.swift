import ARMv7Short
import PageTable
import Testing

@Suite struct RegisterTests {
    static func registers(_ format: ARMv7Short, root: UInt64) -> [String: UInt64] {
        Dictionary(uniqueKeysWithValues: format.registers(root: root).map { ($0.name, $0.value) })
    }

    @Test func coherentSecureTable() {
        let values = Self.registers(ARMv7Short(), root: 0x8000_4000)
        #expect(values == [
            // Base | IRGN[0] (bit 6) WBWA, NOS (5) inner shareable, RGN (4:3) = 01 WBWA, S (1).
            "TTBR0": 0x8000_406A,
            // N = 0 (TTBR0 covers 4 GiB with a 16 KiB L1), EAE = 0 (short descriptors).
            "TTBCR": 0,
            // Domain 0 is a Client: permissions are checked.
            "DACR": 0x1,
            // TR1 = 01 Device, TR4 = TR7 = 10 Normal, DS1, NS1, NOS7.
            "PRRR": 0x800A_8204,
            // IR7 = OR7 = 01 write-back write-allocate.
            "NMRR": 0x4000_4000,
            // M, TRE (28), AFE (29).
            "SCTLR": 0x3000_0001,
        ])
        #expect(ARMv7Short().registers(root: 0).map(\.name) == ["TTBR0", "TTBCR", "DACR", "PRRR", "NMRR", "SCTLR"])
    }

    @Test func nonCoherentWalksAreNonCacheable() {
        #expect(Self.registers(ARMv7Short(coherentWalk: false), root: 0x8000_0000)["TTBR0"] == 0x8000_0000)
    }

    @Test func remapFieldsMatchTheIndicesTheDescriptorsUse() {
        let prrr = UInt32(Self.registers(ARMv7Short(), root: 0)["PRRR"]!)
        let nmrr = UInt32(Self.registers(ARMv7Short(), root: 0)["NMRR"]!)
        func memoryType(_ n: UInt32) -> UInt32 { (prrr >> (2 * n)) & 3 }
        #expect(memoryType(ARMv7Short.RemapIndex.device) == 0b01)
        #expect(memoryType(ARMv7Short.RemapIndex.normalNonCacheable) == 0b10)
        #expect(memoryType(ARMv7Short.RemapIndex.normalWriteBack) == 0b10)
        for unused: UInt32 in [0, 2, 3, 5, 6] { #expect(memoryType(unused) == 0, "index \(unused) is strongly ordered") }
        #expect((nmrr >> (2 * ARMv7Short.RemapIndex.normalNonCacheable)) & 3 == 0)
        #expect((nmrr >> (16 + 2 * ARMv7Short.RemapIndex.normalNonCacheable)) & 3 == 0)
        #expect((nmrr >> (2 * ARMv7Short.RemapIndex.normalWriteBack)) & 3 == 1)
        #expect((nmrr >> (16 + 2 * ARMv7Short.RemapIndex.normalWriteBack)) & 3 == 1)
        // S = 0 means not shareable, S = 1 shareable, for normal (NS0, NS1) and device (DS0, DS1).
        #expect(prrr >> 16 & 0xF == 0b1010)
    }
}
