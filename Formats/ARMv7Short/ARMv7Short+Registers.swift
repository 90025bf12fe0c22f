import PageTable

extension HardwareRegister.ID {
    /// ARMv7 short descriptors: `TTBR0`.
    public static let armV7TTBR0 = Self(rawValue: 0x0002_0001)
    /// ARMv7 short descriptors: `TTBCR`.
    public static let armV7TTBCR = Self(rawValue: 0x0002_0002)
    /// ARMv7 short descriptors: `DACR`.
    public static let armV7DACR = Self(rawValue: 0x0002_0003)
    /// ARMv7 short descriptors: `PRRR`.
    public static let armV7PRRR = Self(rawValue: 0x0002_0004)
    /// ARMv7 short descriptors: `NMRR`.
    public static let armV7NMRR = Self(rawValue: 0x0002_0005)
    /// ARMv7 short descriptors: `SCTLR`.
    public static let armV7SCTLR = Self(rawValue: 0x0002_0006)
}

extension ARMv7Short {
    /// SCTLR bits this layout needs set.
    public enum ControlBits {
        /// M, bit 0: the MMU is enabled.
        public static let mmuEnable: UInt64 = 1 << 0
        /// TRE, bit 28: TEX remap, so TEX[0], C and B index PRRR and NMRR.
        public static let texRemap: UInt64 = 1 << 28
        /// AFE, bit 29: AP[0] is the access flag (the simplified access permission model).
        public static let accessFlagEnable: UInt64 = 1 << 29
    }

    /// Register values that make an ARMv7 MMU (short-descriptor format) walk this table as
    /// exported:
    ///
    /// - `TTBR0`: the L1 table address (16 KiB aligned). Coherent walks: inner and outer
    ///   write-back write-allocate (IRGN = 0b01 as IRGN[0], bit 6, with IRGN[1], bit 0, clear --
    ///   the Multiprocessing Extensions' split encoding; RGN = 0b01, bits 4:3), shareable
    ///   (S, bit 1) and inner shareable (NOS, bit 5). Otherwise all zero: non-cacheable walks.
    /// - `TTBCR`: 0. N = 0, so TTBR0 translates the whole 4 GiB and the L1 table has 4096
    ///   items; EAE = 0 selects the short-descriptor format; PD0 = 0 allows walks.
    /// - `DACR`: 0x1. Every descriptor names domain 0, which must be a Client domain (0b01)
    ///   so that the access permissions are checked; the other domains are No access.
    /// - `PRRR` and `NMRR`: the TEX remap definitions of ``RemapIndex``.
    /// - `SCTLR`: the bits this layout needs set, M, TRE and AFE (``ControlBits``): 0x30000001.
    ///   Every other bit is the system's choice, except that EE must be clear (descriptors are
    ///   little-endian) and WXN/UWXN clear for writable mappings to stay executable.
    public func registers(root: PhysicalAddress) -> [HardwareRegister] {
        let walk: UInt64 = configuration.coherentWalk ? (1 << 6 | 1 << 3 | 1 << 1 | 1 << 5) : 0
        let sctlr = ControlBits.mmuEnable | ControlBits.texRemap | ControlBits.accessFlagEnable
        return [HardwareRegister(.armV7TTBR0, name: "TTBR0", value: (root & 0xFFFF_C000) | walk),
                HardwareRegister(.armV7TTBCR, name: "TTBCR", value: 0),
                HardwareRegister(.armV7DACR, name: "DACR", value: 0x1),
                HardwareRegister(.armV7PRRR, name: "PRRR", value: UInt64(RemapIndex.prrr)),
                HardwareRegister(.armV7NMRR, name: "NMRR", value: UInt64(RemapIndex.nmrr)),
                HardwareRegister(.armV7SCTLR, name: "SCTLR", value: sctlr)]
    }
}
