import PageTable

extension HardwareRegister.ID {
    /// RISC-V `satp`: the stage-1 root and mode.
    public static let riscvSATP = Self(rawValue: 0x0003_0001)
    /// RISC-V `hgatp`: the G-stage root and mode.
    public static let riscvHGATP = Self(rawValue: 0x0003_0002)
}

extension RISCV {
    /// Register values that make a RISC-V hart walk this table as exported:
    ///
    /// - Stage 1: `SATP` = MODE (8 Sv39, 9 Sv48, 10 Sv57) in bits 63:60, ASID 0 in bits 59:44,
    ///   the root's PPN in bits 43:0.
    /// - G-stage: `HGATP` = MODE (8 Sv39x4, 9 Sv48x4, 10 Sv57x4) in bits 63:60, VMID 0 in bits
    ///   57:44, the 16 KiB-aligned root's PPN in bits 43:0.
    ///
    /// Svnapot and Svpbmt need no register (`menvcfg.PBMTE` / `henvcfg.PBMTE` enable Svpbmt
    /// where the platform makes it optional).
    public func registers(root: PhysicalAddress) -> [HardwareRegister] {
        let value = configuration.mode.registerMode << 60 | (root >> 12) & 0xFFF_FFFF_FFFF
        switch configuration.stage {
        case .stage1: return [HardwareRegister(.riscvSATP, name: "SATP", value: value)]
        case .stage2: return [HardwareRegister(.riscvHGATP, name: "HGATP", value: value)]
        }
    }
}

extension RISCV {
    /// Reads `SATP` or `HGATP` (whichever this stage uses): MODE (bits 63:60) must be this
    /// configuration's mode; the root is the PPN (bits 43:0) times 4 KiB. ASID and VMID are ignored.
    public func reading(_ register: HardwareRegister) -> RegisterReading {
        let expected: HardwareRegister.ID = configuration.stage == .stage1 ? .riscvSATP : .riscvHGATP
        guard register.id == expected else { return .unknown }
        let mode = register.value >> 60
        guard mode == configuration.mode.registerMode else {
            return .contradicts("\(register.name).MODE \(mode) is not \(configuration.mode) "
                + "(MODE \(configuration.mode.registerMode))")
        }
        return .root((register.value & 0xFFF_FFFF_FFFF) << 12)
    }
}
