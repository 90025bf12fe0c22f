/// The image could not be written after the script ran (a directory that cannot be created,
/// a full disk). The command prints ``message`` on standard error and exits with status 1.
struct ExportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What could not be written, and why.
    var message: String

    /// Creates an export error.
    init(_ message: String) { self.message = message }

    /// The message, as printed after `pagetable: `.
    var description: String { message }
}
