/// Where the command writes text: standard output, standard error, or a buffer in tests.
///
/// The command writes whole lines (each ending in a newline) and never reads back what it
/// wrote, so a sink may buffer freely.
public protocol TextSink: AnyObject {
    /// Appends `text`.
    func write(_ text: String)
}
