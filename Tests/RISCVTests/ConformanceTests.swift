import PageTableConformance
import RISCV
import Testing

/// The whole conformance kit on every RISC-V configuration, through its public API only.
@Suite struct RISCVConformanceTests {
    static let configurations: [Conformance.Configuration] = RISCV.Mode.allCases.flatMap { mode in
        RISCV.Stage.allCases.flatMap { stage in
            [false, true].map { extensions in
                .init("riscv \(mode) s\(stage.rawValue)" + (extensions ? " svnapot svpbmt" : "")) {
                    RISCV(RISCV.Configuration(mode: mode, stage: stage, svnapot: extensions, svpbmt: extensions))
                }
            }
        }
    }

    @Test(arguments: configurations, Conformance.Check.allCases)
    func conformance(_ configuration: Conformance.Configuration, _ check: Conformance.Check) {
        Conformance.check(check, on: configuration)
    }
}
