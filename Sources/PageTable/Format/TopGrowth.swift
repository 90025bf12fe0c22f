/// One step of a growing top (dynamic top): the format one level taller, and where the old top
/// table goes in the new one. Returned by ``PageTableFormat/grownTop()``.
///
/// ```
///   before:  root(old) --> ...               after:  root(new) [oldRootIndex] --> root(old) --> ...
/// ```
///
/// The old top table must be a full, ordinary table of the level below the new top: its
/// entries then keep their meaning, one item of the new top covering exactly the old input
/// range, so every existing translation is unchanged.
public struct TopGrowth<Format: PageTableFormat>: Sendable {
    /// The format after the step: ``PageTableFormat/geometry`` has one more level, the same
    /// levels below it, and a wider input range.
    public var format: Format
    /// The entry of the new top table that points at the old one: 0 for a lower range, the
    /// last entry for an upper range (the old addresses are the top of the new range).
    public var oldRootIndex: Int

    /// Creates a growth step.
    public init(format: Format, oldRootIndex: Int) {
        self.format = format
        self.oldRootIndex = oldRootIndex
    }
}
