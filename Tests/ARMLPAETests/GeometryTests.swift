import ARMLPAE
import PageTable
import Testing

@Suite struct GeometryTests {
    struct Expected: CustomTestStringConvertible, Sendable {
        var granule: ARMLPAE.Granule, stage: ARMLPAE.Stage, ias: Int, oas: Int
        var startLevel: Int, topEntries: Int, topBytes: Int, concatenated: Int, leafSizes: [UInt64]
        /// Contiguous-group sizes added by default (``ARMLPAE/Configuration/contiguousHint``).
        var groupSizes: [UInt64] = []
        var testDescription: String { "\(granule) s\(stage.rawValue) ias\(ias) oas\(oas)" }
    }

    static let k: UInt64 = 1 << 10, m: UInt64 = 1 << 20, g: UInt64 = 1 << 30, t: UInt64 = 1 << 40
    static let cases: [Expected] = [
        .init(granule: .size4K, stage: .stage1, ias: 48, oas: 48, startLevel: 0, topEntries: 512, topBytes: 4096,
              concatenated: 1, leafSizes: [4 * k, 2 * m, g],
              groupSizes: [64 * k, 32 * m, 16 * g]),
        .init(granule: .size4K, stage: .stage1, ias: 39, oas: 40, startLevel: 1, topEntries: 512, topBytes: 4096,
              concatenated: 1, leafSizes: [4 * k, 2 * m, g],
              groupSizes: [64 * k, 32 * m, 16 * g]),
        .init(granule: .size4K, stage: .stage1, ias: 32, oas: 32, startLevel: 1, topEntries: 4, topBytes: 64,
              concatenated: 1, leafSizes: [4 * k, 2 * m, g],
              groupSizes: [64 * k, 32 * m]),
        .init(granule: .size16K, stage: .stage1, ias: 48, oas: 48, startLevel: 0, topEntries: 2, topBytes: 64,
              concatenated: 1, leafSizes: [16 * k, 32 * m],
              groupSizes: [2 * m, g]),
        .init(granule: .size16K, stage: .stage2, ias: 48, oas: 48, startLevel: 1, topEntries: 4096, topBytes: 32768,
              concatenated: 2, leafSizes: [16 * k, 32 * m],
              groupSizes: [2 * m, g]),
        .init(granule: .size64K, stage: .stage1, ias: 48, oas: 48, startLevel: 1, topEntries: 64, topBytes: 512,
              concatenated: 1, leafSizes: [64 * k, 512 * m],
              groupSizes: [2 * m, 16 * g]),
        .init(granule: .size64K, stage: .stage1, ias: 52, oas: 52, startLevel: 1, topEntries: 1024, topBytes: 8192,
              concatenated: 1, leafSizes: [64 * k, 512 * m, 4 * t],
              groupSizes: [2 * m, 16 * g]),
        .init(granule: .size4K, stage: .stage2, ias: 40, oas: 40, startLevel: 1, topEntries: 1024, topBytes: 8192,
              concatenated: 2, leafSizes: [4 * k, 2 * m, g],
              groupSizes: [64 * k, 32 * m, 16 * g]),
        .init(granule: .size4K, stage: .stage2, ias: 42, oas: 42, startLevel: 1, topEntries: 4096, topBytes: 32768,
              concatenated: 8, leafSizes: [4 * k, 2 * m, g],
              groupSizes: [64 * k, 32 * m, 16 * g]),
        .init(granule: .size4K, stage: .stage2, ias: 48, oas: 48, startLevel: 0, topEntries: 512, topBytes: 4096,
              concatenated: 1, leafSizes: [4 * k, 2 * m, g],
              groupSizes: [64 * k, 32 * m, 16 * g]),
    ]

    @Test(arguments: cases)
    func layoutFollowsTheArchitecture(_ expected: Expected) throws {
        let format = try ARMLPAE(granule: expected.granule, stage: expected.stage,
                                 inputAddressBits: expected.ias, outputAddressBits: expected.oas)
        let geometry = format.geometry
        #expect(format.startLevel == expected.startLevel)
        #expect(geometry.levelCount == 4 - expected.startLevel)
        #expect(geometry[geometry.topLevel].itemCount == expected.topEntries)
        #expect(geometry[geometry.topLevel].tableBytes == expected.topBytes)
        #expect(geometry[geometry.topLevel].tableAlignment == expected.topBytes)
        #expect(format.concatenatedTables == expected.concatenated)
        #expect(geometry.leafSizeShifts.map { UInt64(1) << UInt64($0) } == (expected.leafSizes + expected.groupSizes).sorted())
        let single = try ARMLPAE(granule: expected.granule, stage: expected.stage, inputAddressBits: expected.ias,
                                 outputAddressBits: expected.oas, contiguousHint: false)
        #expect(single.geometry.leafSizeShifts.map { UInt64(1) << UInt64($0) } == expected.leafSizes)
        #expect(format.levelName(0) == "L3" && format.levelName(geometry.topLevel) == "L\(expected.startLevel)")
        for level in 0..<geometry.topLevel {
            #expect(geometry[level].tableBytes == 1 << expected.granule.shift)
        }
    }

    @Test(arguments: [(ARMLPAE.Granule.size4K, 24, 48), (.size4K, 49, 48), (.size4K, 48, 52), (.size16K, 48, 31),
                      (.size64K, 53, 52), (.size16K, 52, 48)])
    func impossibleConfigurationsAreRefused(granule: ARMLPAE.Granule, ias: Int, oas: Int) {
        #expect(throws: ARMLPAE.ConfigurationError.self) {
            _ = try ARMLPAE(granule: granule, inputAddressBits: ias, outputAddressBits: oas)
        }
    }
}
