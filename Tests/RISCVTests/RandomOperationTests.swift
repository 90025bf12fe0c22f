import PageTableTestSupport
import RISCV
import Testing

/// Model-based random tests of every RISC-V configuration (see ``ModelCheck``).
@Suite struct RandomOperationTests {
    static let configurations: [RISCV.Configuration] = RISCV.Mode.allCases.flatMap { mode in
        RISCV.Stage.allCases.flatMap { stage in
            [RISCV.Configuration(mode: mode, stage: stage),
             RISCV.Configuration(mode: mode, stage: stage, svnapot: true, svpbmt: true)]
        }
    }

    @Test(arguments: configurations, [true, false])
    func randomOperationsMatchTheModel(_ configuration: RISCV.Configuration, coherent: Bool) throws {
        let name = "riscv \(configuration.mode) s\(configuration.stage.rawValue)"
            + (configuration.svnapot ? " svnapot svpbmt" : "")
        let check = ModelCheck(format: RISCV(configuration), name: name)
        try check.run(coherent: coherent, seed: seed() ^ UInt64(configuration.mode.rawValue << 4 | configuration.stage.rawValue
            | (configuration.svnapot ? 0x100 : 0)))
    }
}
