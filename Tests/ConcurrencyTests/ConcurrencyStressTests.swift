import ARMLPAE
import ARMv7Short
import GPULPAE
import PageTable
import PageTableConcurrent
import PageTableTestSupport
import RISCV
import Testing
import X86

/// Every built-in format a concurrent table accepts, by name.
enum ConcurrentFormats {
    static let names = ["arm-lpae-64 4k s1 ias48", "arm-lpae-64 16k s1 ias48", "arm-lpae-64 4k s2 ias40",
                        "gpu-lpae", "arm-v7s", "riscv sv39", "riscv sv48", "riscv sv57",
                        "x86-64 4-level", "x86-64 5-level"]

    /// Runs `body` with the format called `name`.
    static func with<Result>(_ name: String, _ body: (any PageTableFormat) throws -> Result) throws -> Result {
        switch name {
        case "arm-lpae-64 4k s1 ias48": return try body(ARMLPAE(granule: .size4K, stage: .stage1, inputAddressBits: 48, outputAddressBits: 48))
        case "arm-lpae-64 16k s1 ias48": return try body(ARMLPAE(granule: .size16K, stage: .stage1, inputAddressBits: 48, outputAddressBits: 48))
        case "arm-lpae-64 4k s2 ias40": return try body(ARMLPAE(granule: .size4K, stage: .stage2, inputAddressBits: 40, outputAddressBits: 40))
        case "gpu-lpae": return try body(GPULPAE())
        case "arm-v7s": return try body(ARMv7Short())
        case "riscv sv39": return try body(RISCV(RISCV.Configuration(mode: .sv39)))
        case "riscv sv48": return try body(RISCV(RISCV.Configuration(mode: .sv48)))
        case "riscv sv57": return try body(RISCV(RISCV.Configuration(mode: .sv57)))
        case "x86-64 4-level": return try body(X86_64(X86_64.Configuration(levels: .four)))
        case "x86-64 5-level": return try body(X86_64(X86_64.Configuration(levels: .five)))
        default: fatalError("unknown format \(name)")
        }
    }
}

func runStress(_ format: some PageTableFormat, brokenInstall: Bool) throws -> StressResult {
    try stress(format, seed: baseSeed(), brokenInstall: brokenInstall)
}

@Suite("Concurrency stress")
struct ConcurrencyStressTests {
    @Test("8 threads on disjoint ranges sharing tables match their models", arguments: ConcurrentFormats.names)
    func stressMatchesModels(name: String) throws {
        let result = try ConcurrentFormats.with(name) { try runStress($0, brokenInstall: false) }
        #expect(result.failures.isEmpty, "\(result.failures.joined(separator: "\n"))")
        #expect(result.operations == 8 * 8 * 40)
        #expect(result.injectedFailures > 0, "no allocation failure was injected")
        #expect(result.gracePeriods > 0, "no unmap freed a table")
    }

    @Test("A table installed with a plain store instead of a compare-and-swap is caught",
          arguments: ["arm-lpae-64 4k s1 ias48", "riscv sv39", "x86-64 4-level"])
    func brokenInstallIsCaught(name: String) throws {
        let result = try ConcurrentFormats.with(name) { try runStress($0, brokenInstall: true) }
        #expect(!result.failures.isEmpty, "the broken install went unnoticed")
    }
}
