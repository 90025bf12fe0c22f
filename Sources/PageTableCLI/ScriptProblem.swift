/// What is wrong with one script line, as a phrase (for example `bad number '12Q'`).
struct ScriptProblem: Error, Hashable, Sendable {
    /// The phrase.
    var text: String

    /// Creates a problem description (control characters escaped, see ``QuotedToken``).
    init(_ text: String) { self.text = QuotedToken.escapingControls(text) }
}
