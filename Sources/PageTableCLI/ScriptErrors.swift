/// Every malformed line of a script, in line order (at least one). A script with any of them
/// runs no operation at all.
struct ScriptErrors: Error, Hashable, Sendable {
    /// The diagnostics, in line order.
    var errors: [ScriptError]
}
