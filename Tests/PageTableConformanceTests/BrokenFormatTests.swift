import PageTable
import PageTableConformance
import PageTableTestSupport
import Testing

/// The kit proves it can fail: each deliberately broken format or invalidation path is caught,
/// and each failure names the configuration, the check and (for random checks) the seed.
@Suite struct BrokenFormatTests {
    static func configuration(_ mistake: BrokenFormat.Mistake) -> Conformance.Configuration {
        .init("tiny with \(mistake.rawValue)", arenaBase: 0x10_0000, arenaSize: 1 << 20) { BrokenFormat(mistake: mistake) }
    }

    /// An invalidation path that drops the last page of every range it is asked to invalidate.
    static let skippingInvalidator = Conformance.Configuration(
        "tiny with an invalidator skipping the last page", arenaBase: 0x10_0000, arenaSize: 1 << 20,
        invalidationFilter: { range in range.lowerBound..<max(range.lowerBound, range.upperBound - 256) }
    ) { TinyFormat() }

    @Test func theHonestFormatPasses() {
        for check in [Conformance.Check.contract, .randomOperations, .faultInjectionNonCoherent] {
            let failures = Conformance.failures(of: check, on: .init("tiny", arenaBase: 0x10_0000, arenaSize: 1 << 20) {
                TinyFormat()
            })
            #expect(failures.isEmpty, "\(check): \(failures.prefix(3))")
        }
    }

    @Test(arguments: BrokenFormat.Mistake.allCases)
    func theContractCatchesTheMistake(_ mistake: BrokenFormat.Mistake) throws {
        let failures = Conformance.failures(of: .contract, on: Self.configuration(mistake))
        let first = try #require(failures.first, "\(mistake) passed the contract check")
        #expect(first.configuration == "tiny with \(mistake.rawValue)" && first.check == .contract)
        #expect(first.seed == Conformance.baseSeed() ^ stableHash(first.configuration))
        #expect(first.description.hasPrefix("tiny with \(mistake.rawValue) contract seed 0x"), "\(first)")
    }

    @Test(arguments: BrokenFormat.Mistake.allCases)
    func randomOperationsCatchTheMistake(_ mistake: BrokenFormat.Mistake) throws {
        let failures = Conformance.failures(of: .randomOperations, on: Self.configuration(mistake))
        try #require(!failures.isEmpty, "\(mistake) passed the random operations")
        #expect(failures.count <= Conformance.Failure.limit)
    }

    /// A missing invalidation is invisible to the format's contract, but the TLB model sees the
    /// stale entry, and the failure names the seed, the step and the operation.
    @Test(arguments: [Conformance.Check.randomOperations, .randomOperationsNonCoherent])
    func aSkippedInvalidationIsCaught(_ check: Conformance.Check) throws {
        #expect(Conformance.failures(of: .contract, on: Self.skippingInvalidator).isEmpty)
        let failures = Conformance.failures(of: check, on: Self.skippingInvalidator)
        let stale = try #require(failures.first { $0.message.contains("stale") }, "\(failures.prefix(3))")
        #expect(stale.seed != nil && stale.step != nil && stale.operation != nil, "\(stale)")
        #expect(stale.description.contains("PAGETABLE_SEED=\(Conformance.baseSeed())"), "\(stale)")
    }

    /// Through the recording entry point, each failure is a Swift Testing issue.
    @Test func failuresAreRecordedAsIssues() {
        withKnownIssue("the broken format fails the contract") {
            Conformance.check(.contract, on: Self.configuration(.encodeDropsPermission))
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("reads back as") }
        }
    }

    /// A seed given explicitly replaces `PAGETABLE_SEED` and is what failures report.
    @Test func anExplicitBaseSeedIsReported() throws {
        let failures = Conformance.failures(of: .contract, on: Self.configuration(.decodeLies), baseSeed: 42)
        let first = try #require(failures.first)
        #expect(first.baseSeed == 42 && first.description.contains("PAGETABLE_SEED=42"), "\(first)")
    }

    private func stableHash(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
