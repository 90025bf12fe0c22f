import Foundation
@testable import PageTableCLI

/// What one in-process run of the command produced.
struct Invocation {
    /// The exit status.
    var status: Int32
    /// Everything written to standard output.
    var output: String
    /// Everything written to standard error.
    var error: String

    /// Standard output's lines.
    var lines: [String] {
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

/// Runs `pagetable` in-process with `arguments`, feeding `input` as standard input.
func pagetable(_ arguments: [String], input: String = "") -> Invocation {
    let output = CapturedText()
    let error = CapturedText()
    let status = PageTableCommand().run(arguments: arguments, standardInput: { Array(input.utf8) },
                                        standardOutput: output, standardError: error)
    return Invocation(status: status, output: output.text, error: error.text)
}

/// Runs `script` (given on standard input) on an `arm-lpae-64` table built with `options`.
func runScript(_ script: String, _ options: [String] = []) -> Invocation {
    pagetable(["run", "--format", "arm-lpae-64"] + options + ["-"], input: script)
}

/// The answer lines of `script` run with `options`, which must succeed.
func answers(_ script: String, _ options: [String] = []) -> [String] {
    let result = runScript(script, options)
    return result.status == 0 ? result.lines : ["status \(result.status): \(result.error)"]
}

/// A fresh, empty temporary directory, removed when `body` returns.
func withTemporaryDirectory<Result>(_ body: (URL) throws -> Result) rethrows -> Result {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("pagetable-cli-tests-\(UUID().uuidString)", isDirectory: true)
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
