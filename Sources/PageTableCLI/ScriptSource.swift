import Foundation

/// Where the script comes from: a file, or standard input (`-`).
enum ScriptSource: Hashable, Sendable {
    /// A script file.
    case file(String)
    /// Standard input, written `-`.
    case standardInput

    /// The source an argument names.
    init(argument: String) { self = argument == "-" ? .standardInput : .file(argument) }

    /// The script's bytes (meant to be UTF-8; scripts are ASCII).
    func read(standardInput: () -> [UInt8]?) throws(UsageError) -> [UInt8] {
        switch self {
        case .standardInput:
            guard let bytes = standardInput() else { throw UsageError("cannot read the script from standard input") }
            return bytes
        case .file(let path):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw UsageError("cannot read script '\(path)': no such file")
            }
            guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
                throw UsageError("cannot read script '\(path)'")
            }
            return [UInt8](data)
        }
    }
}
