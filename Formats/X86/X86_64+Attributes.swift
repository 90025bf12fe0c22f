import PageTable

extension X86_64 {
    /// Validated attributes: R/W, U/S, A, D, XD, PWT and PCD, and PAT index bit 2 (whose
    /// position depends on the leaf size).
    @frozen
    public struct EncodedAttributes: Hashable, Sendable {
        /// Leaf bits other than P, PS, the PAT bit and the address.
        public let bits: UInt64
        /// Whether the PAT index is 4 or above (its bit 2 is set).
        public let usesHighAttributeTableIndex: Bool
    }

    /// The PAT entries leaves select (index = PAT << 2 | PCD << 1 | PWT), and the `IA32_PAT`
    /// value that defines them.
    ///
    /// Entries 0 to 3 and 5 to 7 are the power-on defaults; entry 4 is write-combining. Normal
    /// (uncached) memory is mapped write-combining, not UC-: it is the x86 type that matches
    /// "normal, non-cacheable" -- uncached, weakly ordered, writes may be combined and reads may
    /// be speculative -- while UC and UC- are strongly ordered, the device type. Using index 4
    /// also means 4 KiB and large leaves really differ in where the PAT bit goes.
    public enum AttributeTableIndex {
        /// Index 0: write-back (`c`).
        public static let writeBack = 0
        /// Index 3: uncacheable, UC (`d`).
        public static let uncacheable = 3
        /// Index 4: write-combining (neither `c` nor `d`).
        public static let writeCombining = 4
        /// `IA32_PAT`: PA0 WB (6), PA1 WT (4), PA2 UC- (7), PA3 UC (0), PA4 WC (1), PA5 WT (4),
        /// PA6 UC- (7), PA7 UC (0).
        public static let msr: UInt64 = 0x0007_0401_0007_0406
    }

    /// Encodes attributes:
    ///
    /// - P; R/W for write; U/S unless privileged (`p`: supervisor only); XD without execute
    ///   (needs EFER.NXE); A and D always set (the processor never updates an entry; with
    ///   ``Configuration/dirtyTracking`` D starts clear, for the processor to set); G for
    ///   `MapAttributes.global` leaves (it takes effect once the system sets CR4.PGE).
    /// - PAT index (``AttributeTableIndex``): 0 write-back for cacheable, 3 UC for device,
    ///   4 write-combining otherwise.
    ///
    /// Throws `invalid-attributes` without read (x86 cannot express write-only or
    /// execute-only pages), for shareability (x86 has none: all memory is coherent) and for
    /// format flags.
    public func encode(_ attributes: MapAttributes) throws(PageTableError) -> EncodedAttributes {
        let access = attributes.access
        func refuse(_ why: String) -> PageTableError {
            PageTableError(.invalidAttributes, at: 0, "\(attributes): \(why)")
        }
        guard access.contains(.read) else { throw refuse("x86 pages are always readable: read is required") }
        guard attributes.shareability == nil else { throw refuse("x86 page tables have no shareability") }
        guard attributes.formatFlags.isEmpty else { throw refuse("unknown format flags") }
        var bits = X86Bits.accessed | (configuration.dirtyTracking ? 0 : X86Bits.dirty)
        if access.contains(.write) { bits |= X86Bits.writable }
        if !attributes.privileged { bits |= X86Bits.user }
        if !access.contains(.execute) { bits |= X86Bits.executeDisable }
        if attributes.global { bits |= X86Bits.global }
        let index: Int
        switch attributes.memoryType {
        case .cacheable: index = AttributeTableIndex.writeBack
        case .device: index = AttributeTableIndex.uncacheable
        case .normal: index = AttributeTableIndex.writeCombining
        }
        if index & 1 != 0 { bits |= X86Bits.writeThrough }
        if index & 2 != 0 { bits |= X86Bits.cacheDisable }
        return EncodedAttributes(bits: bits, usesHighAttributeTableIndex: index & 4 != 0)
    }

    public func attributes(ofLeaf descriptor: UInt64, level: Int) -> MapAttributes {
        var access: MapAttributes.Access = .read
        if descriptor & X86Bits.writable != 0 { access.insert(.write) }
        if descriptor & X86Bits.executeDisable == 0 { access.insert(.execute) }
        let patBit = level == 0 ? X86Bits.smallPageAttributeTable : X86Bits.largePageAttributeTable
        var index = 0
        if descriptor & X86Bits.writeThrough != 0 { index |= 1 }
        if descriptor & X86Bits.cacheDisable != 0 { index |= 2 }
        if descriptor & patBit != 0 { index |= 4 }
        let memoryType: MapAttributes.MemoryType
        switch index {
        case AttributeTableIndex.writeBack: memoryType = .cacheable
        case AttributeTableIndex.uncacheable: memoryType = .device
        default: memoryType = .normal
        }
        return MapAttributes(access: access, privileged: descriptor & X86Bits.user == 0, memoryType: memoryType,
                             global: descriptor & X86Bits.global != 0)
    }
}
