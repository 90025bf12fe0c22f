import PageTableKit

extension FormatEntry {
    /// `arm-lpae-64`: ARM VMSAv8-64 long-descriptor tables (`ARMLPAE`).
    public static let armLPAE64 = FormatEntry(
        name: ARMLPAE.formatName,
        summary: "ARM VMSAv8-64 long-descriptor (LPAE) translation tables, stage 1 or 2",
        options: [
            FormatOption(name: "granule", valueSyntax: "4k|16k|64k", defaultValue: "4k",
                         summary: "translation granule: smallest page and table size"),
            FormatOption(name: "stage", valueSyntax: "1|2", defaultValue: "1",
                         summary: "translation stage (1: TTBR0/TCR/MAIR, 2: VTTBR/VTCR)"),
            FormatOption(name: "ias", valueSyntax: "N", defaultValue: "48",
                         summary: "input-address size in bits"),
            FormatOption(name: "oas", valueSyntax: "N", defaultValue: "48",
                         summary: "output-address size in bits"),
            .flag(name: "no-contiguous", summary: "write no contiguous groups: no descriptor gets the Contiguous bit"),
            FormatOption(name: "va-range", valueSyntax: "lower|upper", defaultValue: "lower",
                         summary: "stage 1: lower (TTBR0) or upper (TTBR1, 0xffff... addresses) virtual range"),
            FormatOption(name: "bbm-level", valueSyntax: "0|1|2", defaultValue: "0",
                         summary: "the MMU's FEAT_BBM level: 2 lets 'cut' change a live block's size"),
            .flag(name: "dirty-tracking", summary: "FEAT_HAFDBS: TCR/VTCR HA+HD, writable leaves start clean (DBM, read-only until written)"),
        ],
        build: { (settings, memory, allocator) throws(UsageError) in
            let granule = try settings.choice("granule", ["4k": ARMLPAE.Granule.size4K, "16k": .size16K, "64k": .size64K])
            let stage = try settings.choice("stage", ["1": ARMLPAE.Stage.stage1, "2": .stage2])
            let inputBits = try settings.integer("ias")
            let outputBits = try settings.integer("oas")
            let vaRange = try settings.choice("va-range", ["lower": ARMLPAE.VARange.lower, "upper": .upper])
            let breakBeforeMake = try settings.choice("bbm-level", ["0": ARMLPAE.BreakBeforeMakeLevel.level0, "1": .level1,
                                                                    "2": .level2])
            let format: ARMLPAE
            do throws(ARMLPAE.ConfigurationError) {
                var configuration = ARMLPAE.Configuration(granule: granule, stage: stage, inputAddressBits: inputBits,
                                                          outputAddressBits: outputBits, coherentWalk: !settings.nonCoherent,
                                                          contiguousHint: !settings.flag("no-contiguous"), vaRange: vaRange)
                configuration.breakBeforeMakeLevel = breakBeforeMake
                configuration.dirtyTracking = settings.flag("dirty-tracking")
                configuration.dynamicTop = settings.dynamicTop
                format = try ARMLPAE(configuration)
            } catch {
                throw UsageError("invalid \(ARMLPAE.formatName) configuration: \(error)")
            }
            var parameters: [String: JSONValue] = [
                "granule": .string(granule.description),
                "stage": .integer(Int64(stage.rawValue)),
                "ias": .integer(Int64(inputBits)),
                "oas": .integer(Int64(outputBits)),
            ]
            if vaRange == .upper { parameters["vaRange"] = .string(vaRange.rawValue) }  // Lower: as before.
            if format.tracksDirtyState { parameters["dirtyTracking"] = .string("hafdbs") }
            // The manifest's "ias" is then the size the table has grown to (ImageManifest).
            if settings.dynamicTop { (parameters["dynamicTop"], parameters["maximumIas"]) = (.string("on"), parameters["ias"]) }
            return try makeTable(format, memory: memory, allocator: allocator, parameters: parameters)
        })
}
