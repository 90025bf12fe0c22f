/// A ``TextSink`` that keeps everything written to it, for running the command in-process.
public final class CapturedText: TextSink {
    /// Everything written so far.
    public private(set) var text = ""

    /// Creates an empty capture.
    public init() {}

    /// Appends `text` to ``text``.
    public func write(_ text: String) { self.text += text }
}
