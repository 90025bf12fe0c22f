extension PageTableFormat {
    /// Stops with a clear message unless an all-zero descriptor decodes as empty at every
    /// level: tables start zeroed, so that is what every table initializer relies on.
    @inlinable
    package func requireEmptyZeroDescriptor() {
        for level in 0..<geometry.levelCount {
            precondition(decode(0, level: level) == .empty,
                         "\(name): an all-zero descriptor must decode as empty (level \(level))")
        }
    }
}
