import Foundation
import Testing

/// Commands, help, options and every usage error: exit 2, a message on standard error naming
/// the problem, nothing on standard output.
@Suite struct CommandLineTests {
    /// Expects a usage error whose message contains `fragment`.
    private func expectUsageError(_ arguments: [String], input: String = "translate 0", mentioning fragment: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        let result = pagetable(arguments, input: input)
        #expect(result.status == 2, "\(arguments)", sourceLocation: sourceLocation)
        #expect(result.output.isEmpty, "\(arguments)", sourceLocation: sourceLocation)
        #expect(result.error.hasPrefix("pagetable: "), "\(arguments): \(result.error)", sourceLocation: sourceLocation)
        #expect(result.error.contains(fragment), "\(arguments): \(result.error)", sourceLocation: sourceLocation)
        #expect(result.error.hasSuffix("\n") && result.error.filter { $0 == "\n" }.count == 1,
                sourceLocation: sourceLocation)
    }

    private let run = ["run", "--format", "arm-lpae-64"]

    @Test func noCommandPrintsUsageOnStandardError() {
        let result = pagetable([])
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.error.hasPrefix("usage: pagetable run --format NAME"))
    }

    @Test(arguments: [["--help"], ["-h"], ["help"], ["run", "--help"], ["run", "-h"],
                      ["run", "--format", "arm-lpae-64", "--stats", "script.pt", "--help"]])
    func helpPrintsUsageOnStandardOutput(arguments: [String]) {
        let result = pagetable(arguments)
        #expect(result.status == 0)
        #expect(result.error.isEmpty)
        #expect(result.output.hasPrefix("usage: pagetable run --format NAME"))
        #expect(result.output.contains("pagetable formats"))
        #expect(result.output.contains("--granule 4k|16k|64k"))
        #expect(result.output.contains("--memory-size BYTES"))
    }

    @Test func unknownCommand() {
        expectUsageError(["frobnicate"], mentioning: "unknown command 'frobnicate'")
    }

    @Test func unknownOptions() {
        expectUsageError(run + ["--bogus", "-"], mentioning: "unknown option '--bogus'")
        expectUsageError(run + ["-x", "-"], mentioning: "unknown option '-x'")
        expectUsageError(["run", "--granularity", "4k", "--format", "arm-lpae-64", "-"],
                         mentioning: "unknown option '--granularity'")
    }

    @Test func formatIsRequiredAndMustBeKnown() {
        expectUsageError(["run", "-"], mentioning: "missing required option '--format'")
        expectUsageError(["run", "--format", "mips", "-"], mentioning: "unknown format 'mips'")
        expectUsageError(["run", "--format", "mips", "-"], mentioning: "arm-lpae-64")
    }

    @Test func optionsNeedValues() {
        expectUsageError(run + ["-", "--ias"], mentioning: "option '--ias' needs a value")
        expectUsageError(["run", "-", "--format"], mentioning: "option '--format' needs a value")
        expectUsageError(run + ["--export", "--stats", "-"], mentioning: "option '--export' needs a value")
    }

    @Test func optionsMayNotRepeat() {
        expectUsageError(run + ["--stage", "1", "--stage", "2", "-"], mentioning: "'--stage' is given more than once")
    }

    @Test func badFormatOptionValues() {
        expectUsageError(run + ["--granule", "8k", "-"], mentioning: "bad value '8k' for --granule")
        expectUsageError(run + ["--stage", "3", "-"], mentioning: "bad value '3' for --stage")
        expectUsageError(run + ["--ias", "forty", "-"], mentioning: "bad value 'forty' for --ias")
        expectUsageError(run + ["--oas", "-1", "-"], mentioning: "bad value '-1' for --oas")
    }

    @Test func configurationsTheFormatCannotExpressNameTheOption() {
        expectUsageError(run + ["--ias", "99", "-"], mentioning: "--ias")
        expectUsageError(run + ["--oas", "60", "-"], mentioning: "--oas")
        expectUsageError(run + ["--ias", "99", "-"], mentioning: "invalid arm-lpae-64 configuration")
    }

    @Test func memoryOptions() {
        expectUsageError(run + ["--memory-base", "0x80000800", "-"], mentioning: "--memory-base 0x80000800 is not 4K-aligned")
        expectUsageError(run + ["--memory-base", "2Q", "-"], mentioning: "bad value '2Q' for --memory-base")
        expectUsageError(run + ["--memory-size", "0", "-"], mentioning: "bad value '0' for --memory-size")
        expectUsageError(run + ["--memory-size", "lots", "-"], mentioning: "bad value 'lots' for --memory-size")
        expectUsageError(run + ["--memory-size", "0xffffffffffffffff", "-"], mentioning: "--memory-size")
        expectUsageError(run + ["--memory-base", "0xfffffffffffff000", "-"], mentioning: "--memory-base 0xfffffffffffff000")
        expectUsageError(run + ["--memory-size", "64", "-"], mentioning: "out-of-memory")
    }

    @Test func memoryOptionsAreUsed() {
        let result = runScript("map 0 0 4K rw", ["--memory-base", "1G", "--memory-size", "0x10000", "--dump"])
        #expect(result.status == 0)
        #expect(result.lines.dropFirst().first?.hasPrefix("L0 table 0x40000000 ") == true)
    }

    @Test func scriptArgument() {
        expectUsageError(run, mentioning: "missing SCRIPT")
        expectUsageError(run + ["a.pt", "b.pt"], mentioning: "unexpected argument 'b.pt'")
        expectUsageError(run + ["/nonexistent/script.pt"], mentioning: "cannot read script '/nonexistent/script.pt'")
        withTemporaryDirectory { directory in
            expectUsageError(run + [directory.path], mentioning: "cannot read script '\(directory.path)'")
        }
    }

    @Test func optionsMayAppearInAnyOrder() {
        let script = "map 0 0x40000000 64K rw\ntranslate 0x10"
        let expected = ["mapped 65536", "0x40000010", "tables 3"]  // 4 with the 4k granule
        for arguments in [["run", "--format", "arm-lpae-64", "--granule", "64k", "--stats", "-"],
                          ["run", "--stats", "-", "--granule", "64k", "--format", "arm-lpae-64"],
                          ["run", "--granule", "64k", "--format", "arm-lpae-64", "--stats", "--", "-"]] {
            let result = pagetable(arguments, input: script)
            #expect(result.status == 0, "\(arguments)")
            #expect(Array(result.lines.prefix(3)) == expected, "\(arguments)")
        }
    }

    @Test func argumentsAfterDoubleDashAreTheScript() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("--stats")
            try "translate 0\n".write(to: file, atomically: true, encoding: .utf8)
            let result = pagetable(["run", "--format", "arm-lpae-64", "--", file.path])
            #expect(result.status == 0)
            #expect(result.lines == ["unmapped"])
        }
    }

    @Test func formatsRejectsArguments() {
        expectUsageError(["formats", "arm-lpae-64"], mentioning: "unexpected argument 'arm-lpae-64'")
    }

    @Test func diagnosticsNeverReachStandardOutput() {
        let result = runScript("map 0 0 4K x\nunmap 0 4K\nmap 0 0x40000000 4K rw")
        #expect(result.status == 0)
        #expect(result.error.isEmpty)
        #expect(result.lines == ["mapped 0 error invalid-attributes", "unmapped 0 error not-mapped", "mapped 4096"])
    }
}
