import PageTable

extension RISCV {
    /// Validated attributes: the leaf's R, W, X, U, A, D and PBMT bits.
    @frozen
    public struct EncodedAttributes: Hashable, Sendable {
        /// Attribute bits of a leaf PTE, without V, N or PPN.
        public let bits: UInt64
    }

    /// Encodes attributes:
    ///
    /// - R, W and X from the access; execute-only (X alone) is allowed, write without read is
    ///   not (the encoding W=1, R=0 is reserved).
    /// - U set unless privileged (`p`: supervisor only). The G-stage treats every access as a
    ///   user access, so there U is always set and privileged-only mappings are refused.
    /// - A and D always set (the hardware never updates a PTE); with
    ///   ``Configuration/dirtyTracking`` D starts clear, for the hart to set (Svadu).
    /// - G (stage 1) only for `MapAttributes.global` mappings, which every address space
    ///   shares; G-stage PTEs do not use G, so global is refused there.
    /// - With Svpbmt: PBMT NC (1) for normal memory, PMA (0) for cacheable, IO (2) for device.
    ///   Without it the PTE has no memory type: a plain mapping takes the platform's PMA for
    ///   that address, and cacheable or device mappings are refused.
    ///
    /// Throws `invalid-attributes` for no access, write without read, what the stage or the
    /// extensions cannot express, shareability (RISC-V PTEs have none) and format flags.
    public func encode(_ attributes: MapAttributes) throws(PageTableError) -> EncodedAttributes {
        let access = attributes.access
        func refuse(_ why: String) -> PageTableError {
            PageTableError(.invalidAttributes, at: 0, "\(attributes): \(why)")
        }
        guard !access.isEmpty else { throw refuse("no access") }
        guard access.contains(.read) || !access.contains(.write) else {
            throw refuse("RISC-V cannot grant write without read")
        }
        guard attributes.shareability == nil else { throw refuse("RISC-V PTEs have no shareability") }
        guard attributes.formatFlags.isEmpty else { throw refuse("unknown format flags") }
        var bits = PTEBits.accessed | (configuration.dirtyTracking ? 0 : PTEBits.dirty)
        if access.contains(.read) { bits |= PTEBits.read }
        if access.contains(.write) { bits |= PTEBits.write }
        if access.contains(.execute) { bits |= PTEBits.execute }
        if attributes.privileged {
            guard configuration.stage == .stage1 else { throw refuse("the G-stage has no supervisor-only permission") }
        } else {
            bits |= PTEBits.user
        }
        if attributes.global {
            guard configuration.stage == .stage1 else { throw refuse("G-stage PTEs have no global bit") }
            bits |= PTEBits.global
        }
        if configuration.svpbmt {
            let type: UInt64
            switch attributes.memoryType {
            case .normal: type = PTEBits.nonCacheable
            case .cacheable: type = PTEBits.pma
            case .device: type = PTEBits.io
            }
            bits |= type << PTEBits.memoryTypeShift
        } else if attributes.memoryType != .normal {
            throw refuse("memory types need Svpbmt (--svpbmt)")
        }
        return EncodedAttributes(bits: bits)
    }

    public func attributes(ofLeaf descriptor: UInt64, level: Int) -> MapAttributes {
        var attributes = MapAttributes(access: [])
        if descriptor & PTEBits.read != 0 { attributes.access.insert(.read) }
        if descriptor & PTEBits.write != 0 { attributes.access.insert(.write) }
        if descriptor & PTEBits.execute != 0 { attributes.access.insert(.execute) }
        attributes.privileged = descriptor & PTEBits.user == 0
        attributes.global = descriptor & PTEBits.global != 0
        if configuration.svpbmt {
            switch (descriptor & PTEBits.memoryTypeMask) >> PTEBits.memoryTypeShift {
            case PTEBits.pma: attributes.memoryType = .cacheable
            case PTEBits.io: attributes.memoryType = .device
            default: attributes.memoryType = .normal
            }
        }
        return attributes
    }
}
