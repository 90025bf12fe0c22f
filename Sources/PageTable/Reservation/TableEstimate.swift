/// How many tables an operation would allocate, per level.
public struct TableEstimate: Hashable, Sendable, CustomStringConvertible {
    /// Tables per level (index = level, 0 = leaf-most).
    public var tablesPerLevel: [Int]
    /// Bytes those tables take, each counted by its own size.
    public var bytes: Int

    /// An estimate of nothing, for a tree of `levels` levels.
    public init(levels: Int) {
        tablesPerLevel = Array(repeating: 0, count: levels)
        bytes = 0
    }

    /// Tables in all.
    public var tables: Int { tablesPerLevel.reduce(0, +) }

    /// Adds another estimate `times` times (for operations done one after another).
    public mutating func add(_ other: TableEstimate, times: Int = 1) {
        for level in tablesPerLevel.indices { tablesPerLevel[level] += other.tablesPerLevel[level] * times }
        bytes += other.bytes * times
    }

    /// `tables <n>`.
    public var description: String { "tables \(tables)" }
}
