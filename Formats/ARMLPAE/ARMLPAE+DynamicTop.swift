import PageTable

extension ARMLPAE {
    /// Dynamic top (``Configuration/dynamicTop``): the format one level taller, up to the
    /// configured input size, or `nil` when it is reached (or the option is off).
    ///
    /// Each step adds `granule - 3` input bits (the last step may add fewer: a partial new
    /// top table): 4K 30 -> 39 -> 48, 16K 25 -> 36 -> 47 (-> 48), 64K 29 -> 42 (-> 52). The
    /// old top table, always full, goes at entry 0 of the new one for the lower range
    /// (TTBR0, stage 2), and at its last entry for the upper range (TTBR1: the old
    /// `0xffff...` addresses are the top of the grown range). The registers then carry the
    /// new root and the smaller T0SZ / T1SZ (stage 2: VTCR.T0SZ and SL0).
    public func grownTop() -> TopGrowth<ARMLPAE>? {
        guard configuration.dynamicTop, geometry.inputAddressBits < configuration.inputAddressBits else { return nil }
        let bits = min(geometry.inputAddressBits + configuration.granule.shift - 3, configuration.inputAddressBits)
        // Checked at construction (``dynamicTopStart(_:)``): every step is a valid layout.
        guard let grown = try? ARMLPAE(configuration, inputAddressBits: bits) else { return nil }
        let top = grown.geometry[grown.geometry.topLevel]
        return TopGrowth(format: grown, oldRootIndex: configuration.vaRange == .upper ? top.itemCount - 1 : 0)
    }

    /// The size a dynamic top starts at: the smallest input size (at least 25 bits) whose one
    /// top table is full. Throws if there is none up to the configured size, or if a step
    /// would need concatenated stage-2 top tables (a concatenated root cannot become one
    /// entry of a taller table).
    static func dynamicTopStart(_ configuration: Configuration) throws(ConfigurationError) -> Int {
        _ = try Layout(configuration)  // The maximum itself must be valid.
        let shift = configuration.granule.shift, bitsPerLevel = shift - 3
        var start = shift + bitsPerLevel
        while start < 25 { start += bitsPerLevel }
        let maximum = configuration.inputAddressBits
        guard start <= maximum else {
            throw ConfigurationError(description: "--dynamic-top: --ias \(maximum) is below \(start), the smallest input size "
                                     + "whose top table is full with the \(configuration.granule) granule")
        }
        var bits = start
        while true {
            var sized = configuration
            sized.inputAddressBits = bits
            guard try Layout(sized).concatenatedTables == 1 else {
                throw ConfigurationError(description: "--dynamic-top: stage 2 at \(bits) input bits concatenates top tables, "
                                         + "and a concatenated root cannot become an entry of a taller table")
            }
            if bits == maximum { return start }
            bits = min(bits + bitsPerLevel, maximum)
        }
    }
}
