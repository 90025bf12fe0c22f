/// Bit positions of RISC-V page-table entries (privileged specification, "Sv39").
@usableFromInline
enum PTEBits {
    @usableFromInline static let valid: UInt64 = 1 << 0
    @usableFromInline static let read: UInt64 = 1 << 1
    @usableFromInline static let write: UInt64 = 1 << 2
    @usableFromInline static let execute: UInt64 = 1 << 3
    @usableFromInline static let user: UInt64 = 1 << 4
    @usableFromInline static let global: UInt64 = 1 << 5
    @usableFromInline static let accessed: UInt64 = 1 << 6
    @usableFromInline static let dirty: UInt64 = 1 << 7
    /// R, W and X: all clear in a pointer to the next level.
    @usableFromInline static let permissions: UInt64 = read | write | execute

    /// PPN, bits 53:10: the physical address shifted right by 2.
    @usableFromInline static let physicalPageNumber: UInt64 = 0x003F_FFFF_FFFF_FC00
    /// Bits 60:54, reserved for future standard use: set, the hardware faults.
    @usableFromInline static let reserved: UInt64 = 0x7F << 54
    /// Svpbmt's PBMT field, bits 62:61.
    @usableFromInline static let memoryTypeShift: UInt64 = 61
    @usableFromInline static let memoryTypeMask: UInt64 = 3 << 61
    /// Svnapot's N bit.
    @usableFromInline static let napot: UInt64 = 1 << 63
    /// PPN[0][3:0] of a 64 KiB NAPOT leaf: 0b1000 (bits 13:10).
    @usableFromInline static let napot64KiB: UInt64 = 0b1000 << 10
    @usableFromInline static let napotLowMask: UInt64 = 0b1111 << 10

    /// PBMT values.
    @usableFromInline static let pma: UInt64 = 0, nonCacheable: UInt64 = 1, io: UInt64 = 2
}
