/// One malformed script line: `<script>:<line>: <problem>`, as printed on standard error, where
/// `<script>` is the script file's name as given, or `script` for standard input.
struct ScriptError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The 1-based line number.
    var line: Int
    /// What is wrong, for example `bad number '12Q'`.
    var problem: String
    /// The script's name as diagnostics show it (``ScriptSource/diagnosticName``).
    var script = "script"

    /// Creates a diagnostic for `line`.
    init(line: Int, problem: String) {
        self.line = line
        self.problem = problem
    }

    /// `<script>:<line>: <problem>`.
    var description: String { "\(script):\(line): \(problem)" }
}
