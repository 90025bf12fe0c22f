import PageTableConformance
import Testing
import X86

/// The whole conformance kit on every x86-64 configuration, through its public API only.
@Suite struct X86ConformanceTests {
    static let configurations: [Conformance.Configuration] = X86_64.Levels.allCases.flatMap { levels in
        [52, 40].map { oas in
            .init("x86-64 \(levels.rawValue)-level oas\(oas)") {
                try X86_64(X86_64.Configuration(levels: levels, outputAddressBits: oas))
            }
        }
    }

    @Test(arguments: configurations, Conformance.Check.allCases)
    func conformance(_ configuration: Conformance.Configuration, _ check: Conformance.Check) {
        Conformance.check(check, on: configuration)
    }
}
