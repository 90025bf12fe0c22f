import PageTable

extension ARMLPAE {
    /// With ``Configuration/dirtyTracking`` the MMU manages dirty state (FEAT_HAFDBS, `TCR.HD`):
    /// a write to a leaf with DBM (bit 51) set and AP[2] set (stage 2: S2AP[1] clear) clears
    /// AP[2] (sets S2AP[1]) instead of faulting. A writable leaf is written that way, clean;
    /// one whose AP[2] is now clear (S2AP[1] set) is dirty.
    public var tracksDirtyState: Bool { configuration.dirtyTracking }

    // AP[2] (stage 1) and S2AP[1] (stage 2) are both bit 7; DBM is bit 51 at both stages.

    /// A DBM leaf the hardware has written to: AP[2] clear (stage 1) or S2AP[1] set (stage 2).
    @inlinable
    public func isDirty(_ descriptor: UInt64, level: Int) -> Bool {
        guard configuration.dirtyTracking, descriptor & 1 << 51 != 0 else { return false }
        let written = configuration.stage == .stage1 ? descriptor & 1 << 7 == 0 : descriptor & 1 << 7 != 0
        return written
    }

    /// A DBM leaf made clean: AP[2] set again (stage 1), S2AP[1] cleared (stage 2). Leaves
    /// without DBM are unchanged.
    @inlinable
    public func cleaned(_ descriptor: UInt64, level: Int) -> UInt64 {
        guard descriptor & 1 << 51 != 0 else { return descriptor }
        return configuration.stage == .stage1 ? descriptor | 1 << 7 : descriptor & ~(1 << 7)
    }

    /// The architecture's write: permitted as it is when AP[2] is clear (S2AP[1] set);
    /// otherwise, with `HD` set and DBM in the leaf, AP[2] cleared (S2AP[1] set); otherwise a
    /// permission fault. The access flag is always set up front (no `HA` update is needed).
    @inlinable
    public func afterHardwareWrite(_ descriptor: UInt64, level: Int) -> UInt64? {
        let stage1 = configuration.stage == .stage1
        let writable = stage1 ? descriptor & 1 << 7 == 0 : descriptor & 1 << 7 != 0
        if writable { return descriptor }
        guard configuration.dirtyTracking, descriptor & 1 << 51 != 0 else { return nil }
        return stage1 ? descriptor & ~(1 << 7) : descriptor | 1 << 7
    }
}
