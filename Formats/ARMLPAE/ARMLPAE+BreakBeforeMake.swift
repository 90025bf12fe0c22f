import PageTable

extension ARMLPAE {
    /// The break-before-make level of the MMU that walks the table (FEAT_BBM, reported in
    /// ID_AA64MMFR2_EL1.BBM): which changes of a live block's size it tolerates without the
    /// entry first being made invalid and invalidated.
    public enum BreakBeforeMakeLevel: Int, CaseIterable, Hashable, Sendable {
        /// No FEAT_BBM: a block replaced by a table (or the reverse) needs break-before-make.
        case level0 = 0
        /// Level 1: a size change is possible without a break only through an extra step (the
        /// nT bit set on the block and invalidated first), so one descriptor write is not
        /// enough: treated as strict.
        case level1 = 1
        /// Level 2: the size of a block may change in one write (same output address and
        /// attributes), invalidated after it; an access in between may still take a TLB
        /// conflict abort, which the system must resolve with an invalidation.
        case level2 = 2
    }

    /// `true` only at ``BreakBeforeMakeLevel/level2``: `cut` and `collapse` are refused below it.
    public var allowsLeafSizeChangeWithoutBreak: Bool { configuration.breakBeforeMakeLevel == .level2 }

    /// `true` when AttrIndx (stage 1) or MemAttr (stage 2), SH or NS differ: memory type,
    /// cacheability and shareability (and the output space) need break-before-make at every
    /// FEAT_BBM level; permissions and the access flag do not.
    @inlinable
    public func leafChangeNeedsBreak(from old: UInt64, to new: UInt64, level: Int) -> Bool {
        (old ^ new) & (0xF << 2 | 3 << 8) != 0  // Bits 5:2 and 9:8.
    }
}
