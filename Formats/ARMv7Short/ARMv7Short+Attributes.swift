import PageTable

extension MapAttributes.FormatFlags {
    /// ARMv7 short descriptors: the mapping is of non-secure memory (the NS bit). Accepted, and
    /// required, exactly when the table is configured non-secure
    /// (``ARMv7Short/Configuration/nonSecure``): pages take their security state from the L1
    /// descriptor of their L2 table, so it cannot differ from mapping to mapping.
    public static let armV7NonSecure = MapAttributes.FormatFlags(rawValue: 1 << 1)
}

extension ARMv7Short {
    /// Validated attributes: the complete leaf template (type, attribute bits, no address) of
    /// each leaf layout, computed once per operation so ``leafTemplate(_:level:contiguous:)``
    /// only picks one.
    @frozen
    public struct EncodedAttributes: Hashable, Sendable {
        /// An L2 small page (4 KiB).
        public let smallPage: UInt32
        /// An L2 large page (64 KiB, one of 16 items).
        public let largePage: UInt32
        /// An L1 section (1 MiB); a supersection adds bit 18.
        public let section: UInt32
    }

    /// The TEX remap indices this format uses (SCTLR.TRE = 1: TEX[0], C and B form a 3-bit index
    /// n into PRRR and NMRR; TEX[2:1] are left zero) and the PRRR and NMRR values defining them.
    /// The same indices as Linux's ARMv7 short-descriptor tables:
    ///
    /// | n | TEX[0] C B | memory | PRRR.TRn | NMRR inner / outer | shareable (S = 1) |
    /// | - | ---------- | ------ | -------- | ------------------ | ----------------- |
    /// | 1 | 0 0 1 | device | 0b01 Device | - | outer (NOS1 = 0) |
    /// | 4 | 1 0 0 | normal, non-cacheable | 0b10 Normal | 0b00 / 0b00 non-cacheable | outer (NOS4 = 0) |
    /// | 7 | 1 1 1 | normal, write-back | 0b10 Normal | 0b01 / 0b01 write-back write-allocate | inner (NOS7 = 1) |
    ///
    /// Unused indices are Device-nGnRnE (strongly ordered, TRn = 0b00). The S bit selects
    /// shareability through PRRR.NS1 = 1 and NS0 = 0 for normal memory and DS1 = 1, DS0 = 0
    /// for device memory: S = 1 is shareable, S = 0 is not.
    public enum RemapIndex {
        /// Index 1: device memory.
        public static let device: UInt32 = 1
        /// Index 4: normal memory, inner and outer non-cacheable.
        public static let normalNonCacheable: UInt32 = 4
        /// Index 7: normal memory, inner and outer write-back write-allocate.
        public static let normalWriteBack: UInt32 = 7

        /// PRRR: TR1 Device, TR4 and TR7 Normal, DS1 and NS1 (S = 1 means shareable), NOS7
        /// (shareable write-back memory is inner shareable; the others are outer shareable).
        public static let prrr: UInt32 = 0b01 << (2 * device) | 0b10 << (2 * normalNonCacheable)
            | 0b10 << (2 * normalWriteBack) | 1 << 17 | 1 << 19 | 1 << (24 + normalWriteBack)
        /// NMRR: IR7 and OR7 write-back write-allocate (0b01); everything else non-cacheable.
        public static let nmrr: UInt32 = 0b01 << (2 * normalWriteBack) | 0b01 << (16 + 2 * normalWriteBack)
    }

    /// Encodes attributes the way Linux's io-pgtable does for ARMv7 short descriptors:
    ///
    /// - AP[0] is always set: it is the access flag (SCTLR.AFE = 1), and tables are built
    ///   accessed. AP[2] (read-only) without write; AP[1] (PL0 access) unless privileged.
    ///   Write without read cannot be expressed (AP grants read with every access).
    /// - XN without execute. PXN is never used (it exists only in L1 descriptors, and only with
    ///   the PXN extension): a privileged executable mapping is still safe from unprivileged
    ///   code, because PL0 has no access to it and an instruction fetch needs read permission.
    /// - TEX[0], C and B hold the remap index: 1 device, 7 cacheable, 4 otherwise
    ///   (see ``RemapIndex``). TEX[2:1] are zero.
    /// - S unless `shareability` is `.nonShareable`: shareable device and non-cacheable memory
    ///   is outer shareable and shareable cacheable memory inner shareable (PRRR.NOSn), so the
    ///   other choices (`.inner` for non-cacheable or device, `.outer` for cacheable) are refused.
    /// - nG always (mappings are per address space, like Linux's): `MapAttributes.global`
    ///   is refused.
    /// - NS in sections and supersections with `MapAttributes.FormatFlags.armV7NonSecure`,
    ///   which must match ``Configuration/nonSecure``.
    ///
    /// Throws `invalid-attributes` for no read and no write, write without read, global, an
    /// inexpressible shareability, a non-secure flag that does not match the table, and unknown
    /// format flags.
    public func encode(_ attributes: MapAttributes) throws(PageTableError) -> EncodedAttributes {
        let access = attributes.access
        func refuse(_ why: String) -> PageTableError {
            PageTableError(.invalidAttributes, at: 0, "\(attributes): \(why)")
        }
        guard access.contains(.read) || access.contains(.write) else { throw refuse("neither read nor write") }
        guard access.contains(.read) else { throw refuse("ARMv7 short descriptors cannot grant write without read") }
        guard attributes.formatFlags.subtracting(.armV7NonSecure).isEmpty else { throw refuse("unknown format flags") }
        guard !attributes.global else { throw refuse("global mappings are not supported: nG is always set") }
        let nonSecure = attributes.formatFlags.contains(.armV7NonSecure)
        guard nonSecure == configuration.nonSecure else {
            throw refuse(configuration.nonSecure
                ? "this table maps non-secure memory only: set the armV7NonSecure flag"
                : "this table maps secure memory: the armV7NonSecure flag needs a non-secure table")
        }
        let shareable: Bool
        switch (attributes.shareability, attributes.memoryType) {
        case (nil, _), (.inner?, .cacheable), (.outer?, .normal), (.outer?, .device): shareable = true
        case (.nonShareable?, _): shareable = false
        case (.inner?, _): throw refuse("shareable non-cacheable and device memory is outer shareable (PRRR.NOSn)")
        case (.outer?, .cacheable): throw refuse("shareable write-back memory is inner shareable (PRRR.NOS7)")
        }
        let index: UInt32
        switch attributes.memoryType {
        case .device: index = RemapIndex.device
        case .cacheable: index = RemapIndex.normalWriteBack
        case .normal: index = RemapIndex.normalNonCacheable
        }
        return Self.templates(readOnly: !access.contains(.write), unprivileged: !attributes.privileged,
                              executeNever: !access.contains(.execute), remapIndex: index, shareable: shareable,
                              nonSecure: nonSecure)
    }

    /// The three leaf layouts of one set of fields.
    static func templates(readOnly: Bool, unprivileged: Bool, executeNever: Bool, remapIndex: UInt32,
                          shareable: Bool, nonSecure: Bool) -> EncodedAttributes {
        typealias Bits = ShortDescriptorBits
        func bit(_ condition: Bool, _ mask: UInt32) -> UInt32 { condition ? mask : 0 }
        let accessPermissions = Bits.accessFlag | bit(unprivileged, Bits.unprivileged)
        let tex = remapIndex >> 2                                    // TEX[0]
        let cacheBits = bit(remapIndex & 2 != 0, Bits.cacheable) | bit(remapIndex & 1 != 0, Bits.bufferable)
        let pageCommon = cacheBits | accessPermissions << Bits.pageAccessShift | bit(readOnly, Bits.pageReadOnly)
            | bit(shareable, Bits.pageShareable) | Bits.pageNotGlobal
        let smallPage = Bits.typeSectionOrSmallPage | pageCommon | tex << Bits.smallPageTEXShift
            | bit(executeNever, Bits.smallPageExecuteNever)
        let largePage = Bits.typeTableOrLargePage | pageCommon | tex << Bits.largePageTEXShift
            | bit(executeNever, Bits.largePageExecuteNever)
        let section = Bits.typeSectionOrSmallPage | cacheBits | bit(executeNever, Bits.sectionExecuteNever)
            | accessPermissions << Bits.sectionAccessShift | tex << Bits.sectionTEXShift
            | bit(readOnly, Bits.sectionReadOnly) | bit(shareable, Bits.sectionShareable) | Bits.sectionNotGlobal
            | bit(nonSecure, Bits.sectionNonSecure)
        return EncodedAttributes(smallPage: smallPage, largePage: largePage, section: section)
    }

    /// The attributes a leaf expresses (the inverse of ``encode(_:)``).
    ///
    /// Descriptors this format never writes read back as closely as `MapAttributes` allows:
    /// remap indices other than 1 and 7 read as normal memory, and an L1 leaf with PXN set
    /// (bits 1:0 = 0b11) is not executable when it is privileged-only.
    public func attributes(ofLeaf descriptor: UInt32, level: Int) -> MapAttributes {
        typealias Bits = ShortDescriptorBits
        let executeNever: Bool, tex: UInt32, accessPermissions: UInt32, readOnly: Bool, shareable: Bool
        let nonSecure: Bool
        if level == 0 {
            let isSmall = descriptor & Bits.typeSectionOrSmallPage != 0
            executeNever = descriptor & (isSmall ? Bits.smallPageExecuteNever : Bits.largePageExecuteNever) != 0
            tex = descriptor >> (isSmall ? Bits.smallPageTEXShift : Bits.largePageTEXShift) & 7
            accessPermissions = descriptor >> Bits.pageAccessShift & 3
            readOnly = descriptor & Bits.pageReadOnly != 0
            shareable = descriptor & Bits.pageShareable != 0
            nonSecure = configuration.nonSecure  // From the L1 page-table descriptor.
        } else {
            tex = descriptor >> Bits.sectionTEXShift & 7
            accessPermissions = descriptor >> Bits.sectionAccessShift & 3
            let privilegedExecuteNever = descriptor & 1 != 0 && accessPermissions & Bits.unprivileged == 0
            executeNever = descriptor & Bits.sectionExecuteNever != 0 || privilegedExecuteNever
            readOnly = descriptor & Bits.sectionReadOnly != 0
            shareable = descriptor & Bits.sectionShareable != 0
            nonSecure = descriptor & Bits.sectionNonSecure != 0
        }
        var attributes = MapAttributes(access: readOnly ? .read : [.read, .write])
        if !executeNever { attributes.access.insert(.execute) }
        attributes.privileged = accessPermissions & Bits.unprivileged == 0
        let index = (tex & 1) << 2 | (descriptor & Bits.cacheable != 0 ? 2 : 0) | (descriptor & Bits.bufferable != 0 ? 1 : 0)
        switch index {
        case RemapIndex.device: attributes.memoryType = .device
        case RemapIndex.normalWriteBack: attributes.memoryType = .cacheable
        default: attributes.memoryType = .normal
        }
        if !shareable { attributes.shareability = .nonShareable }
        if nonSecure { attributes.formatFlags = .armV7NonSecure }
        return attributes
    }
}
