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
    /// ARM LPAE stage 1, upper range: `TTBR1_EL1`, the root table's address.
    public static let armTTBR1 = Self(rawValue: 0x0001_0006)
}

extension ARMLPAE {
    /// Register values that make an ARMv8 MMU walk this table as exported.
    ///
    /// Stage 1: `TTBR0` (the root; ASID 0), `TCR` (T0SZ, walk cacheability and shareability,
    /// TG0, EPD1 so TTBR1 is never walked, IPS) and `MAIR` (see ``MemoryAttributeIndex``).
    /// Stage 1, upper range: `TTBR1` instead, and a `TCR` with T1SZ (bits 21:16), the TTBR1
    /// walk attributes (IRGN1, ORGN1, SH1: bits 29:24), TG1 (bits 31:30, its own encoding:
    /// 0b10 4K, 0b01 16K, 0b11 64K), EPD0 (bit 7) so TTBR0 is never walked, and IPS; the
    /// TTBR0 fields stay zero.
    /// Stage 2: `VTTBR` (the root; VMID 0) and `VTCR` (T0SZ, SL0 from the start level, walk
    /// attributes, TG0, PS, RES1 bit 31).
    /// With ``Configuration/dirtyTracking``: `TCR.HA` and `HD` (bits 39, 40), at stage 2
    /// `VTCR.HA` and `HD` (bits 21, 22).
    public func registers(root: PhysicalAddress) -> [HardwareRegister] {
        let ias = UInt64(geometry.inputAddressBits)  // The current size, with a dynamic top.
        // Walk attributes: write-back inner/outer and inner-shareable when coherent.
        let walk: UInt64 = configuration.coherentWalk ? (1 << 8 | 1 << 10 | 3 << 12) : (2 << 12)
        let granuleField: UInt64
        switch configuration.granule {
        case .size4K: granuleField = 0
        case .size64K: granuleField = 1
        case .size16K: granuleField = 2
        }
        let base = packedTableBase(root)
        // FEAT_HAFDBS: TCR.HA (39) and HD (40); VTCR.HA (21) and HD (22).
        let hardwareUpdates: UInt64 = configuration.dirtyTracking ? (configuration.stage == .stage1 ? 3 << 39 : 3 << 21) : 0
        switch configuration.stage {
        case .stage1 where configuration.vaRange == .upper:
            let upperGranule: UInt64
            switch configuration.granule {
            case .size4K: upperGranule = 0b10
            case .size16K: upperGranule = 0b01
            case .size64K: upperGranule = 0b11
            }
            let tcr = 1 << 7 | (64 - ias) << 16 | walk << 16 | upperGranule << 30 | physicalSizeField << 32 | hardwareUpdates
            return [HardwareRegister(.armTTBR1, name: "TTBR1", value: base),
                    HardwareRegister(.armTCR, name: "TCR", value: tcr),
                    HardwareRegister(.armMAIR, name: "MAIR", value: MemoryAttributeIndex.mair)]
        case .stage1:
            let tcr = (64 - ias) | walk | granuleField << 14 | 1 << 23 | physicalSizeField << 32 | hardwareUpdates
            return [HardwareRegister(.armTTBR0, name: "TTBR0", value: base),
                    HardwareRegister(.armTCR, name: "TCR", value: tcr),
                    HardwareRegister(.armMAIR, name: "MAIR", value: MemoryAttributeIndex.mair)]
        case .stage2:
            let vtcr = (64 - ias) | startLevelField << 6 | walk | granuleField << 14 | physicalSizeField << 16 | 1 << 31
                | hardwareUpdates
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

extension ARMLPAE {
    /// Reads a register of ``registers(root:)``: `TTBR0`, `TTBR1` and `VTTBR` give the root
    /// (BADDR, unpacking bits 5:2 with a 52-bit output; ASID or VMID and CnP ignored); `TCR`
    /// and `VTCR` must give this configuration's input size (T0SZ, or T1SZ for the upper
    /// range) and granule (TG0, or TG1); `MAIR` is taken as it is.
    public func reading(_ register: HardwareRegister) -> RegisterReading {
        let value = register.value
        switch register.id {
        case .armTTBR0, .armTTBR1, .armVTTBR:
            let low = value & 0x0000_FFFF_FFFF_FFFE
            return .root(usesHighOutputBits ? (low & ~0x3F) | ((value >> 2) & 0xF) << 48 : low)
        case .armTCR where configuration.vaRange == .upper:
            let upperGranule: [ARMLPAE.Granule: UInt64] = [.size4K: 0b10, .size16K: 0b01, .size64K: 0b11]
            return controlReading(register.name, sizeField: (value >> 16) & 0x3F, sizeName: "T1SZ",
                                  granuleField: (value >> 30) & 3, granuleName: "TG1", granules: upperGranule)
        case .armTCR, .armVTCR:
            let lowerGranule: [ARMLPAE.Granule: UInt64] = [.size4K: 0, .size64K: 1, .size16K: 2]
            return controlReading(register.name, sizeField: value & 0x3F, sizeName: "T0SZ",
                                  granuleField: (value >> 14) & 3, granuleName: "TG0", granules: lowerGranule)
        case .armMAIR:
            return .consistent
        default:
            return .unknown
        }
    }

    /// Checks a control register's size and granule fields against the configuration.
    private func controlReading(_ name: String, sizeField: UInt64, sizeName: String, granuleField: UInt64,
                                granuleName: String, granules: [ARMLPAE.Granule: UInt64]) -> RegisterReading {
        let inputBits = UInt64(configuration.inputAddressBits)
        guard sizeField == 64 - inputBits else {
            return .contradicts("\(name).\(sizeName) \(sizeField) means a \(64 - sizeField)-bit input range, "
                + "not --ias \(inputBits)")
        }
        guard granules[configuration.granule] == granuleField else {
            return .contradicts("\(name).\(granuleName) \(granuleField) is not the \(configuration.granule) granule")
        }
        return .consistent
    }
}
