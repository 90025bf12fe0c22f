import PageTableKit
import PageTableTestSupport

/// One format configuration in the cross-format matrix. Add a format here and every
/// conformance test runs over it unchanged.
struct FormatCase: CustomTestStringConvertible, Sendable {
    let name: String
    let make: @Sendable () -> any PageTableFormat
    /// Where the table arena lives (it must be below the format's table address limit).
    var arenaBase: UInt64 = 0x8000_0000
    var arenaSize: Int = 64 << 20

    var testDescription: String { name }

    static let all: [FormatCase] = tiny + armLPAE + armV7Short + gpuLPAE

    static let tiny = [
        FormatCase(name: "tiny", make: { TinyFormat() }, arenaBase: 0x10_0000, arenaSize: 1 << 20),
        FormatCase(name: "tiny caching invalid entries", make: { TinyFormat(cachesInvalidEntries: true) },
                   arenaBase: 0x10_0000, arenaSize: 1 << 20),
        FormatCase(name: "tiny sharing tables", make: { TinyFormat(allowsSharedTables: true) },
                   arenaBase: 0x10_0000, arenaSize: 1 << 20),
    ]

    static let armLPAE: [FormatCase] = {
        let configurations: [(ARMLPAE.Granule, ARMLPAE.Stage, Int, Int)] = [
            (.size4K, .stage1, 48, 48), (.size4K, .stage1, 39, 40), (.size4K, .stage1, 32, 36),
            (.size4K, .stage2, 40, 40), (.size4K, .stage2, 48, 48),
            (.size16K, .stage1, 48, 48), (.size16K, .stage2, 48, 44), (.size16K, .stage1, 36, 40),
            (.size64K, .stage1, 48, 48), (.size64K, .stage2, 42, 42), (.size64K, .stage1, 52, 52),
        ]
        return configurations.map { granule, stage, ias, oas in
            FormatCase(name: "arm-lpae-64 \(granule) s\(stage.rawValue) ias\(ias) oas\(oas)", make: {
                try! ARMLPAE(granule: granule, stage: stage, inputAddressBits: ias, outputAddressBits: oas)
            }, arenaBase: oas == 52 ? 0x000F_0000_0000_0000 : 0x8000_0000)  // 52-bit: tables above 2^48
        }
    }()

    /// ARMv7 short descriptors: table pointers are 32 bits, so the arena lies below 4 GiB.
    static let armV7Short: [FormatCase] = [
        FormatCase(name: "arm-v7s", make: { ARMv7Short() }, arenaBase: 0x8000_0000, arenaSize: 64 << 20),
    ]

    static let gpuLPAE: [FormatCase] = [
        FormatCase(name: "gpu-lpae ias48", make: { try! GPULPAE() }),
        FormatCase(name: "gpu-lpae ias39", make: { try! GPULPAE(inputAddressBits: 39) }),
    ]

    func fixture() -> TableFixture { TableFixture(base: arenaBase, size: arenaSize) }
}

import Testing
