import PageTable

extension TeachingMMU {
    /// Descriptor bits (see the type's diagram).
    public enum Bits {
        /// `V`: the descriptor is in use.
        public static let valid: UInt32 = 1 << 0
        /// `R`: reads allowed.
        public static let read: UInt32 = 1 << 1
        /// `W`: writes allowed (only with `R`).
        public static let write: UInt32 = 1 << 2
        /// `X`: instruction fetches allowed.
        public static let execute: UInt32 = 1 << 3
        /// `U`: unprivileged accesses allowed.
        public static let user: UInt32 = 1 << 4
        /// `C`: write-back cacheable memory.
        public static let cacheable: UInt32 = 1 << 5
        /// `D`: device memory (wins over `C`).
        public static let device: UInt32 = 1 << 6
        /// `G`: global, not tagged with an address space.
        public static let global: UInt32 = 1 << 7
        /// `L`: locked in the TLB once loaded, never evicted.
        public static let locked: UInt32 = 1 << 8
        /// A page's or a table's address: bits 31:12.
        public static let pageAddress: UInt32 = 0xFFFF_F000
        /// A section's address: bits 31:22.
        public static let sectionAddress: UInt32 = 0xFFC0_0000
    }
}

extension MapAttributes.FormatFlags {
    /// `L` of ``TeachingMMU``: the translation stays in the TLB once loaded.
    /// Outside formats take flag bits from the top down (built-in formats from the bottom up).
    public static let teachingLocked = MapAttributes.FormatFlags(rawValue: 1 << 31)
}

extension HardwareRegister.ID {
    /// ``TeachingMMU``'s `ROOT` register. Outside formats number their registers from
    /// `0x8000_0000` up (built-in formats use lower numbers).
    public static let teachingRoot = Self(rawValue: 0x8000_0001)
    /// ``TeachingMMU``'s `CONTROL` register.
    public static let teachingControl = Self(rawValue: 0x8000_0002)
}
