import PageTable

extension HardwareRegister.ID {
    /// x86-64 `CR3`: the top table's address.
    public static let x86CR3 = Self(rawValue: 0x0004_0001)
    /// x86-64 `CR4`: PAE and LA57.
    public static let x86CR4 = Self(rawValue: 0x0004_0002)
    /// x86-64 `IA32_EFER`: LME and NXE.
    public static let x86EFER = Self(rawValue: 0x0004_0003)
    /// x86-64 `IA32_PAT`: the memory types the PAT index bits select.
    public static let x86PAT = Self(rawValue: 0x0004_0004)
}

extension X86_64 {
    /// Register values that make an x86-64 processor walk this table as exported:
    ///
    /// - `CR3`: the top table's address (PCID 0, PWT = PCD = 0: write-back walks).
    /// - `CR4`: PAE (bit 5), and LA57 (bit 12) for 5-level paging; PGE clear (set it yourself
    ///   to make `MapAttributes.global` leaves global in the TLB), PCIDE, SMEP, SMAP and PKE clear.
    /// - `EFER`: LME (bit 8, long mode) and NXE (bit 11, so XD is honoured).
    /// - `PAT`: the `IA32_PAT` value of ``AttributeTableIndex``.
    ///
    /// CR0 must have PG, PE and WP set (WP makes read-only pages read-only for the supervisor
    /// too); that is the system's choice, not the table's, so it is not exported.
    public func registers(root: PhysicalAddress) -> [HardwareRegister] {
        let cr4: UInt64 = 1 << 5 | (configuration.levels == .five ? 1 << 12 : 0)
        return [HardwareRegister(.x86CR3, name: "CR3", value: root & addressMask),
                HardwareRegister(.x86CR4, name: "CR4", value: cr4),
                HardwareRegister(.x86EFER, name: "EFER", value: 1 << 8 | 1 << 11),
                HardwareRegister(.x86PAT, name: "PAT", value: AttributeTableIndex.msr)]
    }
}

extension X86_64 {
    /// Reads a register of ``registers(root:)``: `CR3` gives the root (bits 51:12; PCID, PWT
    /// and PCD ignored), with no address bit at or above the output-address size; `CR4` must
    /// have PAE set and LA57 as the paging levels say; `EFER` and `PAT` are taken as they are.
    public func reading(_ register: HardwareRegister) -> RegisterReading {
        let value = register.value
        switch register.id {
        case .x86CR3:
            guard value & X86Bits.addressField & ~addressMask == 0 else {
                return .contradicts("\(register.name) 0x\(String(value, radix: 16)) has address bits above the "
                    + "\(configuration.outputAddressBits)-bit output size (--oas)")
            }
            return .root(value & addressMask)
        case .x86CR4:
            guard value & 1 << 5 != 0 else { return .contradicts("\(register.name).PAE is clear: not 64-bit paging") }
            let fiveLevels = value & 1 << 12 != 0
            guard fiveLevels == (configuration.levels == .five) else {
                return .contradicts("\(register.name).LA57 is \(fiveLevels ? 1 : 0): \(fiveLevels ? 5 : 4)-level paging, "
                    + "not --levels \(configuration.levels.rawValue)")
            }
            return .consistent
        case .x86EFER, .x86PAT:
            return .consistent
        default:
            return .unknown
        }
    }
}
