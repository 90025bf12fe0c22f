import PageTable

extension X86_64 {
    /// With ``Configuration/dirtyTracking`` leaves start with D (bit 6) clear and the processor
    /// sets it (and A, bit 5) on the first write through the leaf (Intel SDM vol. 3, "Accessed
    /// and Dirty Flags").
    public var tracksDirtyState: Bool { configuration.dirtyTracking }

    /// D set.
    @inlinable
    public func isDirty(_ descriptor: UInt64, level: Int) -> Bool {
        configuration.dirtyTracking && descriptor & X86Bits.dirty != 0
    }

    /// D cleared.
    @inlinable
    public func cleaned(_ descriptor: UInt64, level: Int) -> UInt64 { descriptor & ~X86Bits.dirty }

    /// A write needs R/W (supervisor writes with CR0.WP set, as every modern kernel runs);
    /// the processor then sets A and D. Without R/W it is a page fault.
    @inlinable
    public func afterHardwareWrite(_ descriptor: UInt64, level: Int) -> UInt64? {
        descriptor & X86Bits.writable != 0 ? descriptor | X86Bits.accessed | X86Bits.dirty : nil
    }
}
