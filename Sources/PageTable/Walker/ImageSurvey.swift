/// The walk that checks a table image found in memory before it is adopted: everything the
/// root reaches, with every descriptor the format can judge checked, and nothing read outside
/// table memory or misaligned, so any bytes at all give problems, never a crash.
///
/// Each table is read once, so the survey costs one decode per item of every distinct table.
struct ImageSurvey<Format: PageTableFormat, Memory: TableMemory> {
    let format: Format
    let memory: Memory
    let geometry: TableGeometry
    /// Every problem, in the order met.
    private(set) var problems: [ImageProblem] = []
    /// Every table reached, by address: its level.
    private(set) var levels: [PhysicalAddress: Int] = [:]
    /// Table entries pointing at each table below the top.
    private(set) var references: [PhysicalAddress: Int] = [:]
    /// Whether each table is complete (every item mapped, all the way down).
    private var complete: [PhysicalAddress: Bool] = [:]
    /// The tables on the walk to the current one, to tell a loop from a shared table.
    private var path: [PhysicalAddress] = []

    /// Surveys the tree whose top table is at `root`.
    init(format: Format, memory: Memory, root: PhysicalAddress) {
        self.format = format
        self.memory = memory
        self.geometry = format.geometry
        if reachable(root, level: geometry.topLevel, from: root, name: "root") {
            _ = survey(root, level: geometry.topLevel)
        }
        findOverlaps()
        for (table, count) in references.sorted(by: { $0.key < $1.key })
            where format.allowsSharedTables && count > 1 && complete[table] == false {
            problems.append(ImageProblem(.incompleteSharedTable, at: table,
                                         "\(format.levelName(levels[table] ?? 0)) table \(hex(table)) is pointed at "
                                         + "\(count) times but is not complete: a map could write into it"))
        }
    }

    /// Whether a table of `level` at `address`, named by the descriptor at `source`, may be read.
    private mutating func reachable(_ address: PhysicalAddress, level: Int, from source: PhysicalAddress,
                                    name: String) -> Bool {
        let shape = geometry[level]
        let what = "\(name) points at \(format.levelName(level)) table \(hex(address))"
        let alignment = UInt64(max(shape.tableAlignment, MemoryLayout<Format.Descriptor>.alignment))
        if address & (alignment &- 1) != 0 {
            problems.append(ImageProblem(.misalignedTable, at: source, "\(what), not \(hex(alignment))-aligned"))
            return false
        }
        if !memory.contains(address, bytes: shape.tableBytes) {
            problems.append(ImageProblem(.outsideMemory, at: source, "\(what), outside table memory"))
            return false
        }
        if address > geometry.tableAddressLimit &- UInt64(shape.tableBytes &- 1) {
            problems.append(ImageProblem(.aboveTableLimit, at: source,
                                         "\(what), above the format's table limit \(hex(geometry.tableAddressLimit))"))
            return false
        }
        return true
    }

    /// Surveys the table at `address` (of `level`, already found readable) and returns whether it
    /// is complete.
    private mutating func survey(_ address: PhysicalAddress, level: Int) -> Bool {
        levels[address] = level
        path.append(address)
        defer { path.removeLast() }
        let shape = geometry[level]
        let items = TableItems<Format.Descriptor>(memory.pointer(to: address))
        let stride = UInt64(MemoryLayout<Format.Descriptor>.stride)
        let name = "\(format.levelName(level)) table \(hex(address))"
        var isComplete = true
        var occupied = 0
        for index in 0..<shape.itemCount {
            let descriptor = items[index]
            let source = address &+ UInt64(index) &* stride
            let item = "\(name) item \(index)"
            switch format.decode(descriptor, level: level) {
            case .empty:
                isComplete = false
                if descriptor != 0 {
                    problems.append(ImageProblem(.reservedEncoding, at: source,
                                                 "\(item) holds \(hex(UInt64(truncatingIfNeeded: descriptor))), "
                                                 + "which the format treats as invalid"))
                }
            case .table(let child):
                occupied += 1
                guard level > 0 else {
                    problems.append(ImageProblem(.wrongLevel, at: source, "\(item) points at a table below the leaf-most level"))
                    isComplete = false
                    continue
                }
                if !followed(child, level: level - 1, from: source, name: item) { isComplete = false }
            case .leaf(let output, let contiguous):
                occupied += 1
                if !shape.allowsLeaf || (contiguous && shape.contiguousLog2 == 0) {
                    problems.append(ImageProblem(.wrongLevel, at: source, "\(item) is a leaf where \(format.levelName(level)) has none"))
                    continue
                }
                let size = shape.itemSize &<< UInt64(contiguous ? shape.contiguousLog2 : 0)
                if output & (size &- 1) != 0 {
                    problems.append(ImageProblem(.misalignedOutput, at: source,
                                                 "\(item) maps \(hex(output)), not aligned to its \(hex(size)) bytes"))
                } else if output > geometry.outputLimit &- size {
                    problems.append(ImageProblem(.outputOutOfRange, at: source,
                                                 "\(item) maps \(hex(output))+\(hex(size)), beyond the output-address size"))
                }
                if contiguous { checkGroup(items, at: index, level: level, name: name, source: source) }
            }
        }
        if occupied == 0 && level != geometry.topLevel {
            problems.append(ImageProblem(.emptyTable, at: address, "\(name) holds nothing but is linked"))
        }
        complete[address] = isComplete
        return isComplete
    }

    /// Checks the contiguous group of the member at `index` of `items` (a table of `level`):
    /// its first member checks every other; a later member whose first is no group member at
    /// all is reported itself.
    private mutating func checkGroup(_ items: TableItems<Format.Descriptor>, at index: Int, level: Int, name: String,
                                     source: PhysicalAddress) {
        let count = 1 << geometry[level].contiguousLog2
        let first = index & ~(count &- 1)
        let stride = UInt64(MemoryLayout<Format.Descriptor>.stride)
        let head = format.decode(items[first], level: level)
        guard index == first else {
            if case .leaf(_, true) = head { return }
            problems.append(ImageProblem(.brokenGroup, at: source,
                                         "\(name) item \(index) is a contiguous member, but item \(first) starting its group is not"))
            return
        }
        let attributes = format.attributes(ofLeaf: items[first], level: level)
        for member in (first + 1)..<(first + count)
        where format.decode(items[member], level: level) != head
            || format.attributes(ofLeaf: items[member], level: level) != attributes {
            problems.append(ImageProblem(.brokenGroup, at: source &+ UInt64(member &- first) &* stride,
                                         "\(name) item \(member) differs from item \(first), the first of its contiguous group"))
            return
        }
    }

    /// Follows the pointer at `source` to the table of `level` at `child`; returns whether that
    /// table is complete.
    private mutating func followed(_ child: PhysicalAddress, level: Int, from source: PhysicalAddress,
                                   name: String) -> Bool {
        if path.contains(child) {
            problems.append(ImageProblem(.loop, at: source, "\(name) points back at table \(hex(child)) on its own walk"))
            return false
        }
        if let known = levels[child] {
            references[child, default: 1] += 1
            if known != level || !format.allowsSharedTables {
                let why = known != level ? "as a \(format.levelName(known)) table" : "and \(format.name) never shares tables"
                problems.append(ImageProblem(.sharedTable, at: source,
                                             "\(name) points at table \(hex(child)), reached before \(why)"))
                return false
            }
            return complete[child] ?? false
        }
        guard reachable(child, level: level, from: source, name: name) else { return false }
        references[child] = 1
        return survey(child, level: level)
    }

    /// Reports every pair of distinct tables whose memory overlaps.
    private mutating func findOverlaps() {
        let tables = levels.sorted { $0.key < $1.key }
        var previous: (address: PhysicalAddress, end: PhysicalAddress)?
        for (address, level) in tables {
            let end = address &+ UInt64(geometry[level].tableBytes)
            if let previous, address < previous.end {
                problems.append(ImageProblem(.overlappingTables, at: address,
                                             "\(format.levelName(level)) table \(hex(address)) overlaps table "
                                             + "\(hex(previous.address))"))
            }
            if previous == nil || end > previous!.end { previous = (address, end) }
        }
    }
}
