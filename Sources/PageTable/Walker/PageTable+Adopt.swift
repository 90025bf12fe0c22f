extension PageTable {
    /// Takes over a table tree that already exists in `memory` -- a memory dump, a firmware
    /// image, a table another program built -- whose top table is at `root`.
    ///
    /// Everything the root reaches is checked first (``problems(adopting:format:memory:)``):
    /// tables inside `memory`, aligned and below the format's table limit; no loop; a table
    /// reached twice only where the format shares tables (and then complete); no overlapping
    /// tables; no reserved encodings, misaligned or out-of-range outputs, broken contiguous
    /// groups, or empty tables below the top. Any problem throws them all, and nothing is
    /// written. Otherwise every table reached is live: counted in ``tableCount`` and
    /// ``tableBytes`` and edited by later operations like a table built here.
    ///
    /// Adopted tables are never given to `allocator`, which did not hand them out: one that an
    /// unmap empties is unlinked and stops being counted, and the teardown leaves them in place.
    /// Tables allocated later come from `allocator` as usual, so it must not hand out memory
    /// holding adopted tables. The hardware is not told anything: the tree is taken as the
    /// hardware already sees it.
    ///
    /// Not inlinable (a cold path): its teardown is the generic one, not specialised.
    public init(adopting root: PhysicalAddress, format: Format, memory: Memory, allocator: Allocator,
                invalidator: Invalidator) throws(ImageProblems) {
        let geometry = format.geometry
        for level in 0..<geometry.levelCount {
            precondition(format.decode(0, level: level) == .empty,
                         "\(format.name): an all-zero descriptor must decode as empty (level \(level))")
        }
        let survey = ImageSurvey(format: format, memory: memory, root: root)
        guard survey.problems.isEmpty else { throw ImageProblems(survey.problems) }
        self.currentFormat = format
        self.memory = memory
        self.allocator = allocator
        self.invalidator = invalidator
        self.geometry = geometry
        self.currentRoot = root
        self.needsCacheMaintenance = memory.requiresCacheMaintenance
        self.counters = TableCounters()
        self.lastEncoding = nil
        self.tearDown = { table in table.freeEverything() }
        self.mapBeyondTop = { $0.mapAfterGrowingTop(iova: $1, to: $2, size: $3, attributes: $4, largestLeafShift: $5, refused: $6) }
        shapes = .allocate(capacity: TableGeometry.maximumLevels)
        for level in 0..<geometry.levelCount { (shapes + level).initialize(to: geometry[level]) }
        for (table, level) in survey.levels {
            counters.add(bytes: geometry[level].tableBytes)
            adopted.addresses.insert(table)
        }
        for (table, count) in survey.references where count > 1 { shared.references[table] = count }
    }

    /// Every problem that keeps the tree at `root` in `memory` from being adopted as a table of
    /// `format` (see ``init(adopting:format:memory:allocator:invalidator:)``), in the order the
    /// walk meets them; empty when it can be adopted. Reads only, whatever the bytes.
    public static func problems(adopting root: PhysicalAddress, format: Format, memory: Memory) -> [ImageProblem] {
        ImageSurvey(format: format, memory: memory, root: root).problems
    }
}
