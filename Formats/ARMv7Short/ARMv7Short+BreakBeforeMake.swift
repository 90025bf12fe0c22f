import PageTable

extension ARMv7Short {
    /// `true` when TEX, C, B or S differ (memory type, cacheability, shareability; with TEX
    /// remap, the index), or a section's NS: ARMv7 needs break-before-make for those changes
    /// of a live entry as ARMv8 does; permissions change in place.
    @inlinable
    public func leafChangeNeedsBreak(from old: UInt32, to new: UInt32, level: Int) -> Bool {
        let bits = ShortDescriptorBits.self
        let mask: UInt32
        if level == 1 {
            mask = bits.bufferable | bits.cacheable | 7 << bits.sectionTEXShift | bits.sectionShareable | bits.sectionNonSecure
        } else if old & bits.typeMask == bits.typeTableOrLargePage {
            mask = bits.bufferable | bits.cacheable | 7 << bits.largePageTEXShift | bits.pageShareable
        } else {
            mask = bits.bufferable | bits.cacheable | 7 << bits.smallPageTEXShift | bits.pageShareable
        }
        return (old ^ new) & mask != 0
    }
}
