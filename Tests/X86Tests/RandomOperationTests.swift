import PageTableTestSupport
import Testing
import X86

/// Model-based random tests of every x86-64 configuration (see ``ModelCheck``).
@Suite struct RandomOperationTests {
    static let configurations: [X86_64.Configuration] = X86_64.Levels.allCases.flatMap { levels in
        [X86_64.Configuration(levels: levels), X86_64.Configuration(levels: levels, outputAddressBits: 40)]
    }

    @Test(arguments: configurations, [true, false])
    func randomOperationsMatchTheModel(_ configuration: X86_64.Configuration, coherent: Bool) throws {
        let check = ModelCheck(format: try X86_64(configuration),
                               name: "x86-64 \(configuration.levels.rawValue)-level oas \(configuration.outputAddressBits)")
        try check.run(coherent: coherent, seed: seed() ^ UInt64(configuration.levels.rawValue << 8 | configuration.outputAddressBits))
    }
}
