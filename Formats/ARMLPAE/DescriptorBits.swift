/// Bit positions of ARMv8 long descriptors (ARM Architecture Reference Manual, VMSAv8-64).
enum DescriptorBits {
    static let valid: UInt64 = 1 << 0
    /// Set: table (levels 0-2) or page (level 3). Clear: block.
    static let tableOrPage: UInt64 = 1 << 1

    // Stage 1 lower attributes.
    static let attributeIndexShift: UInt64 = 2          // AttrIndx[2:0], bits 4:2
    static let nonSecure: UInt64 = 1 << 5               // NS
    static let unprivileged: UInt64 = 1 << 6            // AP[1]: EL0 may access
    static let readOnly: UInt64 = 1 << 7                // AP[2]
    static let shareabilityShift: UInt64 = 8            // SH[1:0], bits 9:8
    static let accessFlag: UInt64 = 1 << 10             // AF
    static let notGlobal: UInt64 = 1 << 11              // nG
    // Stage 1 upper attributes.
    static let dirtyBitModifier: UInt64 = 1 << 51       // DBM (both stages)
    static let privilegedExecuteNever: UInt64 = 1 << 53 // PXN
    static let executeNever: UInt64 = 1 << 54           // UXN / XN

    // Stage 2 attributes.
    static let memoryAttributeShift: UInt64 = 2         // MemAttr[3:0], bits 5:2
    static let stage2Read: UInt64 = 1 << 6              // S2AP[0]
    static let stage2Write: UInt64 = 1 << 7             // S2AP[1]
    static let stage2ExecuteNever: UInt64 = 1 << 54     // XN[1]: not executable at EL1 or EL0

    /// Output-address bits 47:12 (narrowed to the granule by masking).
    static let outputAddress: UInt64 = 0x0000_FFFF_FFFF_F000
    /// With the 64K granule and 52-bit output, PA[51:48] lives in bits 15:12.
    static let highOutputAddressShift: UInt64 = 12

    /// Shareability field values.
    static let nonShareable: UInt64 = 0, outerShareable: UInt64 = 2, innerShareable: UInt64 = 3
}
