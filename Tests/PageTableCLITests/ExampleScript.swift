import Foundation

/// A bundled example script (`docs/examples/*.pt`), which documents its own expected output:
/// a comment line `#   pagetable run ARGUMENTS PATH` says how to run it, and every operation
/// line ends in a comment starting with its expected answer (anything from `(` on is prose).
struct ExampleScript {
    /// The script file.
    let file: URL
    /// The script's text.
    let text: String

    /// Every bundled example.
    static func all() throws -> [ExampleScript] {
        let folder = repositoryRoot.appendingPathComponent("docs/examples")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".pt") }.sorted()
            .map { name in
                let file = folder.appendingPathComponent(name)
                return ExampleScript(file: file, text: try String(contentsOf: file, encoding: .utf8))
            }
    }

    /// The documented arguments, with the script path replaced by this file's path.
    var arguments: [String] {
        let line = text.split(separator: "\n").first { $0.hasPrefix("#   pagetable run ") } ?? ""
        var arguments = line.split(separator: " ").dropFirst(2).map(String.init)
        if !arguments.isEmpty { arguments[arguments.count - 1] = file.path }
        return arguments
    }

    /// The documented answers, one per operation line.
    var expectedAnswers: [String] {
        text.split(separator: "\n").compactMap { line in
            guard let hash = line.firstIndex(of: "#"), !line[..<hash].allSatisfy(\.isWhitespace) else { return nil }
            let comment = line[line.index(after: hash)...]
            return comment.prefix { $0 != "(" }.trimmingCharacters(in: .whitespaces)
        }
    }
}
