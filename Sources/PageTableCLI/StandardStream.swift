import Foundation

/// A ``TextSink`` over a process stream (standard output or standard error), buffered so that
/// a long script costs a few large writes rather than one system call per answer line.
///
/// Call ``flush()`` before the process exits: buffered text is not written otherwise.
public final class StandardStream: TextSink {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let capacity: Int

    /// The process's standard output.
    public static func output() -> StandardStream { StandardStream(FileHandle.standardOutput, capacity: 1 << 16) }

    /// The process's standard error (flushed after every write, so diagnostics are never lost).
    public static func error() -> StandardStream { StandardStream(FileHandle.standardError, capacity: 0) }

    private init(_ handle: FileHandle, capacity: Int) {
        self.handle = handle
        self.capacity = capacity
    }

    /// Buffers `text`, writing the buffer out once it is full.
    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= capacity { flush() }
    }

    /// Writes out everything buffered. Write errors (a closed pipe) are ignored: there is
    /// nowhere left to report them.
    public func flush() {
        guard !buffer.isEmpty else { return }
        try? handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
