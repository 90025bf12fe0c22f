import PageTable

extension HardwareRegister.ID {
    /// ARM LPAE stage 1: `TTBR0_EL1`, the root table's address.
    public static let armTTBR0 = Self(rawValue: 0x0001_0001)
    /// ARM LPAE stage 1: `TCR_EL1`, the translation control register.
    public static let armTCR = Self(rawValue: 0x0001_0002)
    /// ARM LPAE stage 1: `MAIR_EL1`, the memory attribute indirection register.
    public static let armMAIR = Self(rawValue: 0x0001_0003)
    /// ARM LPAE stage 2: `VTTBR_EL2`, the root table's address.
    public static let armVTTBR = Self(rawValue: 0x0001_0004)
    /// ARM LPAE stage 2: `VTCR_EL2`, the stage-2 translation control register.
    public static let armVTCR = Self(rawValue: 0x0001_0005)
}

extension ARMLPAE {
    /// Register values that make an ARMv8 MMU walk this table as exported.
    ///
    /// Stage 1: `TTBR0` (the root; ASID 0), `TCR` (T0SZ, walk cacheability and shareability,
    /// TG0, EPD1 so TTBR1 is never walked, IPS) and `MAIR` (see ``MemoryAttributeIndex``).
    /// Stage 2: `VTTBR` (the root; VMID 0) and `VTCR` (T0SZ, SL0 from the start level, walk
    /// attributes, TG0, PS, RES1 bit 31).
    public func registers(root: PhysicalAddress) -> [HardwareRegister] {
        let ias = UInt64(configuration.inputAddressBits)
        // Walk attributes: write-back inner/outer and inner-shareable when coherent.
        let walk: UInt64 = configuration.coherentWalk ? (1 << 8 | 1 << 10 | 3 << 12) : (2 << 12)
        let granuleField: UInt64
        switch configuration.granule {
        case .size4K: granuleField = 0
        case .size64K: granuleField = 1
        case .size16K: granuleField = 2
        }
        let base = packedTableBase(root)
        switch configuration.stage {
        case .stage1:
            let tcr = (64 - ias) | walk | granuleField << 14 | 1 << 23 | physicalSizeField << 32
            return [HardwareRegister(.armTTBR0, name: "TTBR0", value: base),
                    HardwareRegister(.armTCR, name: "TCR", value: tcr),
                    HardwareRegister(.armMAIR, name: "MAIR", value: MemoryAttributeIndex.mair)]
        case .stage2:
            let vtcr = (64 - ias) | startLevelField << 6 | walk | granuleField << 14 | physicalSizeField << 16 | 1 << 31
            return [HardwareRegister(.armVTTBR, name: "VTTBR", value: base),
                    HardwareRegister(.armVTCR, name: "VTCR", value: vtcr)]
        }
    }

    /// TCR.IPS / VTCR.PS: the smallest encoded size that holds the output-address size.
    var physicalSizeField: UInt64 {
        let sizes = [32, 36, 40, 42, 44, 48, 52]
        return UInt64(sizes.firstIndex { $0 >= configuration.outputAddressBits } ?? sizes.count - 1)
    }

    /// VTCR.SL0: the start level, encoded per granule.
    var startLevelField: UInt64 {
        UInt64(configuration.granule == .size4K ? 2 - startLevel : 3 - startLevel)
    }

    /// A TTBR base address: BADDR[51:48] goes in bits 5:2 with a 52-bit output.
    func packedTableBase(_ root: PhysicalAddress) -> UInt64 {
        usesHighOutputBits ? (root & 0x0000_FFFF_FFFF_FFC0) | ((root >> 48) & 0xF) << 2 : root
    }
}
