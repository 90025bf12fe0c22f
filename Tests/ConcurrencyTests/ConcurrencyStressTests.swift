import ARMLPAE
import ARMv7Short
import GPULPAE
import PageTable
import PageTableConcurrent
import PageTableConformance
import RISCV
import Testing
import X86

/// Every built-in format a concurrent table accepts, by name.
enum ConcurrentFormats {
    static let names = ["arm-lpae-64 4k s1 ias48", "arm-lpae-64 4k s1 ias48 upper", "arm-lpae-64 16k s1 ias48", "arm-lpae-64 4k s2 ias40",
                        "gpu-lpae", "arm-v7s", "riscv sv39", "riscv sv48", "riscv sv57",
                        "x86-64 4-level", "x86-64 5-level"]

    /// Runs `body` with the format called `name`.
    static func with<Result>(_ name: String, _ body: (any PageTableFormat) throws -> Result) throws -> Result {
        switch name {
        case "arm-lpae-64 4k s1 ias48": return try body(ARMLPAE(granule: .size4K, stage: .stage1, inputAddressBits: 48, outputAddressBits: 48))
        case "arm-lpae-64 4k s1 ias48 upper":
            return try body(ARMLPAE(ARMLPAE.Configuration(granule: .size4K, stage: .stage1, inputAddressBits: 48,
                                                          outputAddressBits: 48, vaRange: .upper)))
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

/// A kit configuration of `format`.
func kitConfiguration<Format: PageTableFormat>(named name: String, _ format: Format) -> Conformance.Configuration {
    .init(name) { format }
}

/// The kit's concurrency check on `name`, with tables installed by compare-and-swap or (to
/// prove the check can fail) by a plain store.
func stressFailures(_ name: String, breakingInstalls: Bool) throws -> [Conformance.Failure] {
    let configuration = try ConcurrentFormats.with(name) { kitConfiguration(named: "concurrent \(name)", $0) }
    return Conformance.failures(of: .concurrency, on: configuration, baseSeed: Conformance.baseSeed(),
                                breakingConcurrentInstalls: breakingInstalls)
}

@Suite("Concurrency stress")
struct ConcurrencyStressTests {
    @Test("8 threads on disjoint ranges sharing tables match their models", arguments: ConcurrentFormats.names)
    func stressMatchesModels(name: String) throws {
        let checked: Bool = try ConcurrentFormats.with(name) { format in Conformance.checksConcurrency(of: format) }
        #expect(checked, "the concurrency check skips \(name)")
        let failures = try stressFailures(name, breakingInstalls: false)
        #expect(failures.isEmpty, "\(failures.map(\.description).joined(separator: "\n"))")
    }

    @Test("A table installed with a plain store instead of a compare-and-swap is caught",
          arguments: ["arm-lpae-64 4k s1 ias48", "riscv sv39", "x86-64 4-level"])
    func brokenInstallIsCaught(name: String) throws {
        #expect(try !stressFailures(name, breakingInstalls: true).isEmpty, "the broken install went unnoticed")
    }
}
