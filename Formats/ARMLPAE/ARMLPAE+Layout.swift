import PageTable

extension ARMLPAE {
    /// The tree shape one configuration implies.
    struct Layout {
        var geometry: TableGeometry
        var startLevel: Int
        var concatenatedTables: Int

        init(_ configuration: Configuration) throws(ConfigurationError) {
            let granule = configuration.granule
            let maximumBits = granule == .size64K ? 52 : 48
            let ias = configuration.inputAddressBits, oas = configuration.outputAddressBits
            guard (25...maximumBits).contains(ias) else {
                throw ConfigurationError(description: "--ias \(ias): must be 25...\(maximumBits) with the \(granule) granule")
            }
            guard (32...maximumBits).contains(oas) else {
                throw ConfigurationError(description: "--oas \(oas): must be 32...\(maximumBits) with the \(granule) granule")
            }
            guard configuration.vaRange == .lower || configuration.stage == .stage1 else {
                throw ConfigurationError(description: "--va-range upper: stage 2 has no upper range (TTBR1 is a stage-1 register)")
            }
            let pageShift = granule.shift
            let bitsPerLevel = pageShift - 3
            var levels = (ias - pageShift + bitsPerLevel - 1) / bitsPerLevel
            var topBits = ias - pageShift - bitsPerLevel * (levels - 1)
            var concatenated = 1
            // Stage 2 starts one level lower with up to 16 concatenated top tables instead of
            // starting at level 0 with a tiny table (required where SL0 cannot select level 0).
            if configuration.stage == .stage2 && levels == 4 && topBits <= 4 {
                levels -= 1
                concatenated = 1 << topBits
                topBits += bitsPerLevel
            }
            var shapes: [LevelGeometry] = []
            for level in 0..<levels {
                let isTop = level == levels - 1
                let indexBits = isTop ? topBits : bitsPerLevel
                let bytes = max(8 << indexBits, 64)  // Tiny top tables are padded to 64 bytes.
                let allowsLeaf = Self.allowsLeaf(level: level, granule: granule, oas: oas)
                // A group must fit in its table: a top table smaller than one group (4K ias 32,
                // 64K ias 32) never holds one. Concatenated stage-2 tops change nothing: every
                // table of the concatenation has at least a group's entries and groups are
                // aligned, so none straddles two of them.
                let groupLog2 = Self.contiguousLog2(level: level, granule: granule)
                let groups = configuration.contiguousHint && allowsLeaf && indexBits >= groupLog2
                shapes.append(LevelGeometry(itemShift: pageShift + bitsPerLevel * level, indexBits: indexBits,
                                            tableBytes: bytes, tableAlignment: bytes, allowsLeaf: allowsLeaf,
                                            contiguousLog2: groups ? groupLog2 : 0))
            }
            geometry = TableGeometry(levels: shapes, inputAddressBits: ias, outputAddressBits: oas,
                                     inputRange: configuration.vaRange == .upper ? .upper : .lower)
            startLevel = 4 - levels
            concatenatedTables = concatenated
        }

        /// log2 of the entries of one contiguous group at `level` (0 = L3), or 0 where no
        /// descriptor may carry the Contiguous bit. From the ARM ARM (DDI 0487), D8.6.1 "The
        /// Contiguous bit", and its pseudocode `ContiguousSize()` for 64-bit descriptors:
        /// 4 KiB granule, 16 entries at L3, L2 and L1 (64K, 32M, 16G); 16 KiB granule, 128 at
        /// L3 (2M) and 32 at L2 (1G); 64 KiB granule, 32 at L3 (2M) and L2 (16G). The 64 KiB
        /// granule's L1 blocks (4T, FEAT_LPA with a 52-bit output) may not carry it:
        /// `ContiguousSize()` takes only levels 2 and 3 there, and `AArch64.ContiguousBit()`
        /// reads the bit as RES0 in such blocks. (FEAT_LPA2's extra block levels, 4K L0 and
        /// 16K L1, are not supported by this format.)
        static func contiguousLog2(level: Int, granule: Granule) -> Int {
            switch (granule, level) {
            case (.size4K, 0...2): return 4
            case (.size16K, 0): return 7
            case (.size16K, 1): return 5
            case (.size64K, 0...1): return 5
            default: return 0
            }
        }

        /// Pages at L3; blocks at L2 for every granule, at L1 for 4K (1 GiB) and for 64K with
        /// a 52-bit output (4 TiB).
        static func allowsLeaf(level: Int, granule: Granule, oas: Int) -> Bool {
            switch (level, granule) {
            case (0, _), (1, _): return true
            case (2, .size4K): return true
            case (2, .size64K): return oas == 52
            default: return false
            }
        }
    }
}
