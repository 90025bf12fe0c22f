import PageTable

extension MapAttributes.FormatFlags {
    /// ARM stage 1: set the descriptor's NS bit (the output address is in the non-secure
    /// physical address space). Refused at stage 2.
    public static let armNonSecure = MapAttributes.FormatFlags(rawValue: 1 << 0)
}

extension ARMLPAE {
    /// Validated attributes: the descriptor's attribute bits, without type or address.
    @frozen
    public struct EncodedAttributes: Hashable, Sendable {
        /// Attribute bits of a leaf descriptor.
        public let bits: UInt64
    }

    /// MAIR attribute indices used by stage-1 leaves (and the MAIR value that defines them).
    public enum MemoryAttributeIndex {
        /// Index 0: Normal, inner and outer non-cacheable (0x44).
        public static let normalNonCacheable = 0
        /// Index 1: Normal, inner and outer write-back read/write-allocate (0xff).
        public static let normalWriteBack = 1
        /// Index 2: Device-nGnRE (0x04).
        public static let device = 2
        /// Index 3: Normal, inner non-cacheable, outer write-back (0xf4); defined, not used.
        public static let innerNonCacheableOuterWriteBack = 3
        /// The MAIR value defining the four indices.
        public static let mair: UInt64 = 0xf4 << 24 | 0x04 << 16 | 0xff << 8 | 0x44
    }

    /// Stage-2 MemAttr values (bits 5:2).
    enum Stage2MemoryAttribute {
        static let device: UInt64 = 0x1           // Device-nGnRE
        static let normalNonCacheable: UInt64 = 0x5
        static let normalWriteBack: UInt64 = 0xF
    }

    /// Encodes attributes the way Linux's io-pgtable does for ARM LPAE:
    ///
    /// - Stage 1: AF always, and nG unless `MapAttributes.global`; AP[2] (read-only) without
    ///   write; AP[1] (EL0 access) unless privileged; UXN and PXN without execute, and UXN alone for privileged executable
    ///   mappings (EL0 never executes what it cannot access); AttrIndx 2 for device, 1 for cacheable,
    ///   0 otherwise (see ``MemoryAttributeIndex``); SH inner-shareable for cacheable memory,
    ///   outer-shareable otherwise, unless given. Write without read cannot be expressed.
    /// - With ``Configuration/dirtyTracking``, writable leaves start clean: DBM (bit 51) with
    ///   AP[2] set (stage 1) or S2AP[1] clear (stage 2); see `ARMLPAE+DirtyState.swift`.
    /// - Stage 2: AF; S2AP read and write bits independently (write-only is possible); XN[1]
    ///   without execute; MemAttr 0xF cacheable, 0x1 device, 0x5 otherwise; SH as stage 1.
    ///   Privileged-only, non-secure and global cannot be expressed.
    ///
    /// Throws `invalid-attributes` for no read and no write, for what the stage cannot express,
    /// and for unknown format flags.
    public func encode(_ attributes: MapAttributes) throws(PageTableError) -> EncodedAttributes {
        let access = attributes.access
        func refuse(_ why: String) -> PageTableError {
            PageTableError(.invalidAttributes, at: 0, "\(attributes): \(why)")
        }
        guard access.contains(.read) || access.contains(.write) else { throw refuse("neither read nor write") }
        guard attributes.formatFlags.subtracting(.armNonSecure).isEmpty else { throw refuse("unknown format flags") }
        var bits = DescriptorBits.accessFlag | shareabilityBits(attributes)
        switch configuration.stage {
        case .stage1:
            guard access.contains(.read) else { throw refuse("stage 1 cannot grant write without read") }
            if !attributes.global { bits |= DescriptorBits.notGlobal }
            if !access.contains(.write) { bits |= DescriptorBits.readOnly }
            else if configuration.dirtyTracking { bits |= DescriptorBits.readOnly | DescriptorBits.dirtyBitModifier }
            if !attributes.privileged { bits |= DescriptorBits.unprivileged }
            if !access.contains(.execute) {
                bits |= DescriptorBits.executeNever | DescriptorBits.privilegedExecuteNever
            } else if attributes.privileged {
                bits |= DescriptorBits.executeNever
            }
            if attributes.formatFlags.contains(.armNonSecure) { bits |= DescriptorBits.nonSecure }
            let index: Int
            switch attributes.memoryType {
            case .device: index = MemoryAttributeIndex.device
            case .cacheable: index = MemoryAttributeIndex.normalWriteBack
            case .normal: index = MemoryAttributeIndex.normalNonCacheable
            }
            bits |= UInt64(index) << DescriptorBits.attributeIndexShift
        case .stage2:
            guard !attributes.privileged else { throw refuse("stage 2 has no privileged-only permission") }
            guard !attributes.formatFlags.contains(.armNonSecure) else { throw refuse("stage 2 has no NS bit") }
            guard !attributes.global else { throw refuse("stage 2 has no nG bit") }
            if access.contains(.read) { bits |= DescriptorBits.stage2Read }
            if access.contains(.write) {
                bits |= configuration.dirtyTracking ? DescriptorBits.dirtyBitModifier : DescriptorBits.stage2Write
            }
            if !access.contains(.execute) { bits |= DescriptorBits.stage2ExecuteNever }
            let memoryAttribute: UInt64
            switch attributes.memoryType {
            case .device: memoryAttribute = Stage2MemoryAttribute.device
            case .cacheable: memoryAttribute = Stage2MemoryAttribute.normalWriteBack
            case .normal: memoryAttribute = Stage2MemoryAttribute.normalNonCacheable
            }
            bits |= memoryAttribute << DescriptorBits.memoryAttributeShift
        }
        return EncodedAttributes(bits: bits)
    }

    public func attributes(ofLeaf descriptor: UInt64, level: Int) -> MapAttributes {
        var attributes = MapAttributes(access: [])
        switch configuration.stage {
        case .stage1:
            // Writable: AP[2] clear, or set under DBM (clean, the hardware clears it on a write).
            attributes.access = descriptor & DescriptorBits.readOnly != 0 && descriptor & DescriptorBits.dirtyBitModifier == 0
                ? .read : [.read, .write]
            attributes.privileged = descriptor & DescriptorBits.unprivileged == 0
            // Executable for whoever may access it: EL1 alone (PXN) or EL0 too (UXN).
            let executeNever = attributes.privileged ? DescriptorBits.privilegedExecuteNever : DescriptorBits.executeNever
            if descriptor & executeNever == 0 { attributes.access.insert(.execute) }
            if descriptor & DescriptorBits.nonSecure != 0 { attributes.formatFlags.insert(.armNonSecure) }
            attributes.global = descriptor & DescriptorBits.notGlobal == 0
            switch Int((descriptor >> DescriptorBits.attributeIndexShift) & 7) {
            case MemoryAttributeIndex.device: attributes.memoryType = .device
            case MemoryAttributeIndex.normalWriteBack: attributes.memoryType = .cacheable
            default: attributes.memoryType = .normal
            }
        case .stage2:
            if descriptor & DescriptorBits.stage2Read != 0 { attributes.access.insert(.read) }
            if descriptor & (DescriptorBits.stage2Write | DescriptorBits.dirtyBitModifier) != 0 { attributes.access.insert(.write) }
            if descriptor & DescriptorBits.stage2ExecuteNever == 0 { attributes.access.insert(.execute) }
            switch (descriptor >> DescriptorBits.memoryAttributeShift) & 0xF {
            case Stage2MemoryAttribute.device: attributes.memoryType = .device
            case Stage2MemoryAttribute.normalWriteBack: attributes.memoryType = .cacheable
            default: attributes.memoryType = .normal
            }
        }
        let shareability = (descriptor >> DescriptorBits.shareabilityShift) & 3
        if shareability != defaultShareability(attributes.memoryType) {
            attributes.shareability = shareability == DescriptorBits.innerShareable ? .inner
                : shareability == DescriptorBits.outerShareable ? .outer : .nonShareable
        }
        return attributes
    }

    /// SH bits: as given, or inner-shareable for cacheable memory and outer-shareable otherwise.
    private func shareabilityBits(_ attributes: MapAttributes) -> UInt64 {
        let value: UInt64
        switch attributes.shareability {
        case nil: value = defaultShareability(attributes.memoryType)
        case .nonShareable?: value = DescriptorBits.nonShareable
        case .inner?: value = DescriptorBits.innerShareable
        case .outer?: value = DescriptorBits.outerShareable
        }
        return value << DescriptorBits.shareabilityShift
    }

    private func defaultShareability(_ memoryType: MapAttributes.MemoryType) -> UInt64 {
        memoryType == .cacheable ? DescriptorBits.innerShareable : DescriptorBits.outerShareable
    }
}
