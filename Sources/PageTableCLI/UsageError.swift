/// A problem with how the command was invoked: an unknown command, option or format, a bad
/// option value, a missing or unreadable script, or a table that cannot be built as asked.
/// The command prints ``message`` on standard error and exits with status 2.
public struct UsageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong, naming the option or argument concerned.
    public var message: String

    /// Creates a usage error. Control characters in `message` are escaped (`\xNN`), so raw
    /// input quoted in it cannot disturb the terminal.
    public init(_ message: String) { self.message = QuotedToken.escapingControls(message) }

    /// The message, as printed after `pagetable: `.
    public var description: String { message }
}
