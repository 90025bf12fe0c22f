import PageTableConformance
import PageTableKit
import PageTableTestSupport

/// Every built-in format configuration the matrix covers. The names seed the random checks.
enum BuiltInConfigurations {
    static let all: [Conformance.Configuration] = tiny + armLPAE + armLPAEWithoutGroups + armLPAEBBM2 + armV7Short + gpuLPAE
        + upperHalf + dirtyTracking + dynamicTop

    /// Dynamic top: the random operations run over the maximum range, growing the top from its
    /// start (4K: 30 -> 39 -> 48 bits; 64K: 29 -> 42, from a single level).
    static let dynamicTop: [Conformance.Configuration] = [
        .init("arm-lpae-64 4k s1 ias48 dynamic-top") {
            var configuration = ARMLPAE.Configuration(granule: .size4K, inputAddressBits: 48)
            configuration.dynamicTop = true
            return try ARMLPAE(configuration)
        },
        .init("arm-lpae-64 64k s1 ias42 dynamic-top") {
            var configuration = ARMLPAE.Configuration(granule: .size64K, inputAddressBits: 42)
            configuration.dynamicTop = true
            return try ARMLPAE(configuration)
        },
    ]

    /// FEAT_BBM level 2: cuts succeed (blocks into tables of groups, groups into pages).
    static let armLPAEBBM2: [Conformance.Configuration] = [
        .init("arm-lpae-64 4k s1 ias48 oas48 bbm2") {
            var configuration = ARMLPAE.Configuration(granule: .size4K, stage: .stage1, inputAddressBits: 48)
            configuration.breakBeforeMakeLevel = .level2
            return try ARMLPAE(configuration)
        },
    ]

    /// The test format: deep trees of tiny tables, contiguous pairs, all three optional promises.
    static let tiny: [Conformance.Configuration] = [
        .init("tiny", arenaBase: 0x10_0000, arenaSize: 1 << 20) { TinyFormat() },
        .init("tiny caching invalid entries", arenaBase: 0x10_0000, arenaSize: 1 << 20) {
            TinyFormat(cachesInvalidEntries: true)
        },
        .init("tiny sharing tables", arenaBase: 0x10_0000, arenaSize: 1 << 20) { TinyFormat(allowsSharedTables: true) },
    ]

    static let armLPAE: [Conformance.Configuration] = {
        let configurations: [(ARMLPAE.Granule, ARMLPAE.Stage, Int, Int)] = [
            (.size4K, .stage1, 48, 48), (.size4K, .stage1, 39, 40), (.size4K, .stage1, 32, 36),
            (.size4K, .stage2, 40, 40), (.size4K, .stage2, 48, 48),
            (.size16K, .stage1, 48, 48), (.size16K, .stage2, 48, 44), (.size16K, .stage1, 36, 40),
            (.size64K, .stage1, 48, 48), (.size64K, .stage2, 42, 42), (.size64K, .stage1, 52, 52),
        ]
        return configurations.map { granule, stage, ias, oas in
            // 52-bit output: tables above 2^48, where only the packed high address bits reach.
            .init("arm-lpae-64 \(granule) s\(stage.rawValue) ias\(ias) oas\(oas)",
                  arenaBase: oas == 52 ? 0x000F_0000_0000_0000 : 0x8000_0000) {
                try ARMLPAE(granule: granule, stage: stage, inputAddressBits: ias, outputAddressBits: oas)
            }
        }
    }()

    /// `--no-contiguous`: no Contiguous bit anywhere (the plain 4K case, 16K, the 52-bit address
    /// packing and a concatenated stage-2 root).
    static let armLPAEWithoutGroups: [Conformance.Configuration] = {
        let configurations: [(ARMLPAE.Granule, ARMLPAE.Stage, Int, Int)] = [
            (.size4K, .stage1, 48, 48), (.size16K, .stage1, 48, 48), (.size64K, .stage1, 52, 52),
            (.size4K, .stage2, 40, 40),
        ]
        return configurations.map { granule, stage, ias, oas in
            .init("arm-lpae-64 \(granule) s\(stage.rawValue) ias\(ias) oas\(oas) no-contiguous",
                  arenaBase: oas == 52 ? 0x000F_0000_0000_0000 : 0x8000_0000) {
                try ARMLPAE(granule: granule, stage: stage, inputAddressBits: ias, outputAddressBits: oas,
                            contiguousHint: false)
            }
        }
    }()

    /// ARMv7 short descriptors: table pointers are 32 bits, so the arena lies below 4 GiB.
    static let armV7Short: [Conformance.Configuration] = [.init("arm-v7s") { ARMv7Short() }]

    /// Upper-half input ranges: ARM TTBR1 tables (`0xffff...` addresses) and the sign-extended
    /// RISC-V and x86-64 stage-1 tables. The random operations, estimates and batches run at
    /// the top of the 64-bit space, the other checks at the bottom of the range.
    static let upperHalf: [Conformance.Configuration] = [
        .init("arm-lpae-64 4k s1 ias48 upper") { try ARMLPAE(vaRange: .upper) },
        .init("arm-lpae-64 16k s1 ias36 upper") { try ARMLPAE(granule: .size16K, inputAddressBits: 36, vaRange: .upper) },
        .init("arm-lpae-64 64k s1 ias52 oas52 upper", arenaBase: 0x000F_0000_0000_0000) {
            try ARMLPAE(granule: .size64K, inputAddressBits: 52, outputAddressBits: 52, vaRange: .upper)
        },
        .init("riscv sv39 sign-extended") { try RISCV(RISCV.Configuration(mode: .sv39)) },
        .init("riscv sv57 svnapot sign-extended") { try RISCV(RISCV.Configuration(mode: .sv57, svnapot: true)) },
        .init("x86-64 4-level sign-extended") { try X86_64(X86_64.Configuration(levels: .four)) },
    ]

    /// Dirty tracking: the random operations add hardware writes and dirty reads (`DirtySteps`).
    static let dirtyTracking: [Conformance.Configuration] = [
        .init("arm-lpae-64 4k s1 ias48 bbm2 dirty-tracking") {
            var configuration = ARMLPAE.Configuration()
            configuration.breakBeforeMakeLevel = .level2
            configuration.dirtyTracking = true
            return try ARMLPAE(configuration)
        },
        .init("arm-lpae-64 16k s2 ias40 dirty-tracking") {
            var configuration = ARMLPAE.Configuration(granule: .size16K, stage: .stage2, inputAddressBits: 40, outputAddressBits: 40)
            configuration.dirtyTracking = true
            return try ARMLPAE(configuration)
        },
        .init("x86-64 4-level dirty-tracking") {
            var configuration = X86_64.Configuration()
            configuration.dirtyTracking = true
            return try X86_64(configuration)
        },
        .init("riscv sv39 svnapot dirty-tracking") {
            var configuration = RISCV.Configuration(mode: .sv39, svnapot: true)
            configuration.dirtyTracking = true
            return RISCV(configuration)
        },
    ]

    static let gpuLPAE: [Conformance.Configuration] = [
        .init("gpu-lpae ias48") { try GPULPAE() },
        .init("gpu-lpae ias39") { try GPULPAE(inputAddressBits: 39) },
    ]
}
