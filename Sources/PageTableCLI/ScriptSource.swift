import Foundation

/// Where the script comes from: a file, or standard input (`-`).
enum ScriptSource: Hashable, Sendable {
    /// A script file.
    case file(String)
    /// Standard input, written `-`.
    case standardInput

    /// The source an argument names.
    init(argument: String) { self = argument == "-" ? .standardInput : .file(argument) }

    /// The name diagnostics give the script: the file's path as given (escaped and cut like
    /// every token, see ``QuotedToken``), or `script` for standard input.
    var diagnosticName: String {
        switch self {
        case .standardInput: "script"
        case .file(let path): QuotedToken.text(path, limit: QuotedToken.pathLimit)
        }
    }

    /// The script's bytes (meant to be UTF-8; scripts are ASCII).
    func read(standardInput: () -> [UInt8]?) throws(UsageError) -> [UInt8] {
        switch self {
        case .standardInput:
            guard let bytes = standardInput() else { throw UsageError("cannot read the script from standard input") }
            return bytes
        case .file(let path):
            // Any readable stream will do: a regular file, /dev/null, a FIFO, a process
            // substitution. Read it to its end.
            let shown = QuotedToken.text(path, limit: QuotedToken.pathLimit)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw UsageError("cannot read script '\(shown)': no such file")
            }
            guard !isDirectory.boolValue else { throw UsageError("cannot read script '\(shown)': it is a directory") }
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw UsageError("cannot read script '\(shown)': permission denied or not openable")
            }
            defer { try? handle.close() }
            do {
                return [UInt8](try handle.readToEnd() ?? Data())
            } catch {
                throw UsageError("cannot read script '\(shown)': \(error.localizedDescription)")
            }
        }
    }
}
