import PageTableConformance
import Testing

/// The whole conformance matrix on every built-in configuration, through the public kit only
/// (as an outside package runs it). `PAGETABLE_SEED` replays a failing seed.
@Suite struct BuiltInConformanceTests {
    @Test(arguments: BuiltInConfigurations.all, Conformance.Check.allCases)
    func conformance(_ configuration: Conformance.Configuration, _ check: Conformance.Check) {
        Conformance.check(check, on: configuration)
    }
}
