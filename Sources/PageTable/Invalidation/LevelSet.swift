/// A set of level numbers (0 = leaf-most), as reported with invalidations.
public struct LevelSet: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    /// Creates a set from raw bits (bit n = level n).
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The set holding one level.
    @inlinable public init(level: Int) { rawValue = 1 &<< UInt8(truncatingIfNeeded: level) }

    /// Whether `level` is in the set.
    public func contains(level: Int) -> Bool { rawValue & (1 << UInt8(level)) != 0 }

    /// The levels in the set, lowest first.
    public var levels: [Int] { (0..<8).filter { contains(level: $0) } }

    /// `{0, 2}` style.
    public var description: String { "{" + levels.map(String.init).joined(separator: ", ") + "}" }
}
