import PageTableCLI
import PageTableKit
import Testing

/// A catalogue with a format added from outside, through the public entry point only.
@Suite struct CustomCatalogTests {
    /// An outside entry: ARM LPAE 16K stage 1 under a name of its own, with one option.
    static let custom = FormatEntry(
        name: "custom-16k", summary: "ARM LPAE 16K stage 1, added from outside",
        options: [FormatOption(name: "ias", valueSyntax: "N", defaultValue: "36", summary: "input-address bits")],
        build: { (settings, memory, allocator) throws(UsageError) in
            let bits = try settings.integer("ias")
            guard let format = try? ARMLPAE(granule: .size16K, stage: .stage1, inputAddressBits: bits) else {
                throw UsageError("bad --ias \(bits)")
            }
            return try FormatEntry.makeTable(format, memory: memory, allocator: allocator, parameters: ["ias": .integer(Int64(bits))])
        })

    let catalog = FormatCatalog.builtIn.adding(custom)

    func run(_ arguments: [String], input: String = "") -> (status: Int32, output: String, error: String) {
        let output = CapturedText(), error = CapturedText()
        let status = PageTableCommand(catalog: catalog).run(arguments: arguments, standardInput: { Array(input.utf8) },
                                                           standardOutput: output, standardError: error)
        return (status, output.text, error.text)
    }

    @Test func theAddedFormatIsListedLastAndTheBuiltInOnesStay() {
        #expect(catalog.entries.map(\.name) == FormatCatalog.builtIn.entries.map(\.name) + ["custom-16k"])
        let listing = run(["formats"])
        #expect(listing.status == 0)
        #expect(listing.output.hasSuffix("custom-16k\n  ARM LPAE 16K stage 1, added from outside\n"
                                         + "  --ias N  default 36  input-address bits\n"))
        #expect(run(["--help"]).output.contains("Options of --format custom-16k:\n  --ias N  default 36"))
    }

    @Test func theAddedFormatRunsScriptsWithItsOptions() {
        let result = run(["run", "--format", "custom-16k", "--ias", "40", "--stats", "-"],
                         input: "map 0x2000000 0x42000000 32M rw\ntranslate 0x2004000\n")
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.hasPrefix("mapped 33554432\n0x42004000\ntables 2\n"), "\(result.output)")
        let bad = run(["run", "--format", "custom-16k", "--ias", "99", "-"])
        #expect(bad.status == 2 && bad.error.contains("bad --ias 99"), "\(bad.error)")
    }
}
