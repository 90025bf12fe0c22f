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
                shapes.append(LevelGeometry(itemShift: pageShift + bitsPerLevel * level, indexBits: indexBits,
                                            tableBytes: bytes, tableAlignment: bytes,
                                            allowsLeaf: Self.allowsLeaf(level: level, granule: granule, oas: oas)))
            }
            geometry = TableGeometry(levels: shapes, inputAddressBits: ias, outputAddressBits: oas)
            startLevel = 4 - levels
            concatenatedTables = concatenated
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
