import PageTableConformance
import Testing
import TeachingMMU

/// The whole conformance matrix on both configurations of the format.
@Suite struct TeachingMMUConformanceTests {
    static let configurations: [Conformance.Configuration] = [
        .init("teaching-mmu32", arenaBase: 0x8000_0000, arenaSize: 32 << 20) { TeachingMMU() },
        .init("teaching-mmu32 caching invalid entries", arenaBase: 0x8000_0000, arenaSize: 32 << 20) {
            TeachingMMU(cachesInvalidEntries: true)
        },
    ]

    @Test(arguments: configurations, Conformance.Check.allCases)
    func conformance(_ configuration: Conformance.Configuration, _ check: Conformance.Check) {
        Conformance.check(check, on: configuration)
    }
}
