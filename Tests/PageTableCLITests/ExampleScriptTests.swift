import Foundation
import Testing

/// The bundled example scripts answer what their comments say, in-process and through the
/// built executable.
@Suite struct ExampleScriptTests {
    @Test func theQuickstartExists() throws {
        let names = try ExampleScript.all().map(\.file.lastPathComponent)
        #expect(names.contains("quickstart.pt"))
    }

    @Test func examplesAnswerAsDocumented() throws {
        for example in try ExampleScript.all() {
            let arguments = example.arguments
            #expect(arguments.first == "run", "\(example.file.lastPathComponent) documents how to run it")
            let expected = example.expectedAnswers
            #expect(!expected.isEmpty)
            let result = pagetable(arguments)
            #expect(result.status == 0, "\(example.file.lastPathComponent): \(result.error)")
            #expect(result.error.isEmpty)
            #expect(Array(result.lines.prefix(expected.count)) == expected, "\(example.file.lastPathComponent)")
        }
    }

    @Test func theQuickstartCoversEveryAnswerKind() throws {
        let quickstart = try #require(try ExampleScript.all().first { $0.file.lastPathComponent == "quickstart.pt" })
        let answers = quickstart.expectedAnswers
        for name in ["already-mapped", "not-mapped", "partial-leaf", "misaligned", "out-of-range", "invalid-attributes"] {
            #expect(answers.contains { $0.hasSuffix("error \(name)") }, "\(name)")
        }
        #expect(answers.contains("mapped 4096") && answers.contains("mapped 2097152")
                && answers.contains("mapped 1073741824") && answers.contains("unmapped")
                && answers.contains { $0.hasPrefix("0x") })
        let result = pagetable(quickstart.arguments)
        #expect(result.lines.contains("tables 1"), "the quickstart cleans up after itself")
    }
}

/// Runs the built `pagetable` executable as a subprocess (skipped if it was not built next to
/// the test bundle).
@Suite struct ExecutableTests {
    static let executable: URL? = {
        let candidates = [Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])]
            .compactMap { $0?.deletingLastPathComponent().appendingPathComponent("pagetable") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    private func launch(_ arguments: [String], input: String = "") throws -> Invocation {
        let process = Process()
        let executable: URL = try #require(Self.executable)
        process.executableURL = executable
        process.arguments = arguments
        let standardInput = Pipe(), standardOutput = Pipe(), standardError = Pipe()
        process.standardInput = standardInput
        process.standardOutput = standardOutput
        process.standardError = standardError
        try process.run()
        standardInput.fileHandleForWriting.write(Data(input.utf8))
        try standardInput.fileHandleForWriting.close()
        let output = standardOutput.fileHandleForReading.readDataToEndOfFile()
        let error = standardError.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Invocation(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                          error: String(decoding: error, as: UTF8.self))
    }

    @Test(.enabled(if: executable != nil)) func runsTheQuickstart() throws {
        let quickstart = try #require(try ExampleScript.all().first { $0.file.lastPathComponent == "quickstart.pt" })
        let result = try launch(quickstart.arguments)
        #expect(result.status == 0)
        #expect(result.error.isEmpty)
        let expected = quickstart.expectedAnswers
        #expect(Array(result.lines.prefix(expected.count)) == expected)
        #expect(result.output == pagetable(quickstart.arguments).output)
    }

    @Test(.enabled(if: executable != nil)) func exitStatusesAndStreams() throws {
        let piped = try launch(["run", "--format", "arm-lpae-64", "-"], input: "map 0 0x40000000 4K rw\ntranslate 0x42\n")
        #expect(piped.status == 0 && piped.lines == ["mapped 4096", "0x40000042"])
        let malformed = try launch(["run", "--format", "arm-lpae-64", "-"], input: "translate 0\ntranslate 12Q\n")
        #expect(malformed.status == 2 && malformed.output.isEmpty && malformed.error == "script:2: bad number '12Q'\n")
        let bare = try launch([])
        #expect(bare.status == 2 && bare.output.isEmpty && bare.error.hasPrefix("usage:"))
        let help = try launch(["--help"])
        #expect(help.status == 0 && help.output.hasPrefix("usage:") && help.error.isEmpty)
    }
}
