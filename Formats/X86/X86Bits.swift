/// Bit positions of x86-64 paging-structure entries (Intel SDM vol. 3, tables 4-15 to 4-20).
@usableFromInline
enum X86Bits {
    @usableFromInline static let present: UInt64 = 1 << 0
    @usableFromInline static let writable: UInt64 = 1 << 1          // R/W
    @usableFromInline static let user: UInt64 = 1 << 2              // U/S
    @usableFromInline static let writeThrough: UInt64 = 1 << 3      // PWT: PAT index bit 0
    @usableFromInline static let cacheDisable: UInt64 = 1 << 4      // PCD: PAT index bit 1
    @usableFromInline static let accessed: UInt64 = 1 << 5
    @usableFromInline static let dirty: UInt64 = 1 << 6
    /// PS in a PDE or PDPTE (a 2 MiB or 1 GiB page); reserved in a PML4E or PML5E.
    @usableFromInline static let pageSize: UInt64 = 1 << 7
    /// PAT index bit 2 in a PTE (4 KiB page): the same bit as PS.
    @usableFromInline static let smallPageAttributeTable: UInt64 = 1 << 7
    @usableFromInline static let global: UInt64 = 1 << 8
    /// PAT index bit 2 in a 2 MiB or 1 GiB page: the lowest bit of the address field.
    @usableFromInline static let largePageAttributeTable: UInt64 = 1 << 12
    @usableFromInline static let executeDisable: UInt64 = 1 << 63   // XD (EFER.NXE = 1)

    /// Bits 51:12: the physical address (bits at and above MAXPHYADDR are reserved).
    @usableFromInline static let addressField: UInt64 = 0x000F_FFFF_FFFF_F000
}
