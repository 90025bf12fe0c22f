import PageTable

extension RISCV {
    /// With ``Configuration/dirtyTracking`` the hart updates A/D itself (Svadu, enabled by
    /// `menvcfg.ADUE` / `henvcfg.ADUE`): leaves start with D (bit 7) clear, and a store sets it.
    public var tracksDirtyState: Bool { configuration.dirtyTracking }

    /// D set.
    @inlinable
    public func isDirty(_ descriptor: UInt64, level: Int) -> Bool {
        configuration.dirtyTracking && descriptor & PTEBits.dirty != 0
    }

    /// D cleared.
    @inlinable
    public func cleaned(_ descriptor: UInt64, level: Int) -> UInt64 { descriptor & ~PTEBits.dirty }

    /// A store needs W; then D is set with Svadu (and A). Without Svadu (Svade) a store to a
    /// PTE with D (or A) clear is a page fault, which software must handle.
    @inlinable
    public func afterHardwareWrite(_ descriptor: UInt64, level: Int) -> UInt64? {
        guard descriptor & PTEBits.write != 0 else { return nil }
        if configuration.dirtyTracking { return descriptor | PTEBits.accessed | PTEBits.dirty }
        return descriptor & (PTEBits.accessed | PTEBits.dirty) == PTEBits.accessed | PTEBits.dirty ? descriptor : nil
    }
}
