import PageTableKit

/// The `--dump` tree: every table and leaf in pre-order, indented two spaces per depth.
///
/// ```
/// L0 table 0x80000000 va 0x0-0xffffffffffff 4096 bytes
///   L1 table 0x80001000 va 0x0-0x7fffffffff 4096 bytes
///     L2 table 0x80002000 va 0x0-0x3fffffff 4096 bytes
///       L3 table 0x80003000 va 0x0-0x1fffff 4096 bytes
///         L3 leaf va 0x0-0xfff pa 0x40000000 size 4K rw
///     L1 leaf va 0x40000000-0x7fffffff pa 0xc0000000 size 1G rwd
/// ```
///
/// A table line names the table's level, its physical address, the input range it covers
/// and its size; a leaf line names the level holding it, its input range (inclusive), the
/// physical address it maps to, its size and its attributes (``MapAttributes/description``).
///
/// Leaves that continue each other (one after the other in the same table, the same size and
/// attributes, each mapping the output right after the previous one's) are merged into one line
/// ending their size in `xN` (N leaves), so `map 0x1000 0x40000000 1G rw` dumps one line per
/// table rather than one per page:
///
/// ```
///       L3 table 0x80003000 va 0x0-0x1fffff 4096 bytes
///         L3 leaf va 0x1000-0x1fffff pa 0x40000000 size 4K x511 rw
/// ```
///
/// ``everyLeaf`` (`--dump=full`) keeps one line per leaf.
///
/// A shared table (one that several entries point at, as `repeat` builds) is shown in full
/// once, where it is first met, with `, shared by N entries` after its size. Every later entry
/// pointing at it gets one line without its contents; consecutive such entries for the same
/// table are folded into one line ending in `xK` (K entries), so a repeat of any size dumps in
/// a few lines:
///
/// ```
///     L3 table 0x80003000 va 0x10000000000-0x100001fffff 4096 bytes, shared by 512 entries
///       L3 leaf va 0x10000000000-0x10000000fff pa 0x60000000 size 4K rw
///       ...
///     L3 table 0x80003000 va 0x10000200000-0x1003fffffff (shared by 512 entries, shown above) x511
/// ```
struct TableDumper {
    /// The table dumped.
    let table: AnyPageTable
    /// Whether every leaf gets its own line (`--dump=full`) rather than one per run of leaves.
    var everyLeaf = false

    /// The dump's lines, without newlines.
    var lines: [String] {
        var lines: [String] = []
        var run: Run?
        var leaves: LeafRun?
        let geometry = table.geometry
        func flush() {
            if let finished = run { lines.append(finished.line) }
            if let finished = leaves { lines.append(finished.line(levelName: table.levelName(finished.first.level))) }
            run = nil
            leaves = nil
        }
        table.visit(expandingShared: false) { node in
            switch node {
            case .table(let info):
                let depth = geometry.topLevel - info.level
                let span = min(geometry[info.level].tableSpanShift, geometry.inputAddressBits)
                let last = info.virtualAddress &+ ((1 << UInt64(span)) &- 1)
                let name = "\(table.levelName(info.level)) table \(info.address.hexadecimal)"
                if info.isRepeat {
                    if let current = run, current.address == info.address, current.depth == depth,
                       current.last &+ 1 == info.virtualAddress {
                        run?.last = last
                        run?.count += 1
                        return
                    }
                    flush()
                    run = Run(prefix: indent(depth) + name, address: info.address, depth: depth,
                              first: info.virtualAddress, last: last, references: info.references)
                    return
                }
                flush()
                let sharing = info.references > 1 ? ", shared by \(info.references) entries" : ""
                // A sign-extended top table covers two ranges, either side of the canonical hole.
                let spans = info.level == geometry.topLevel && geometry.inputRange == .signExtended
                    ? geometry.inputSpans.map { "\($0.lowerBound.hexadecimal)-\($0.upperBound.hexadecimal)" }.joined(separator: ",")
                    : "\(info.virtualAddress.hexadecimal)-\(last.hexadecimal)"
                lines.append(indent(depth) + name + " va \(spans) \(info.bytes) bytes" + sharing)
            case .leaf(let leaf):
                if !everyLeaf, leaves?.continues(with: leaf) == true {
                    leaves?.count += 1
                    return
                }
                flush()
                leaves = LeafRun(indent: indent(geometry.topLevel - leaf.level + 1), first: leaf)
            }
        }
        flush()
        return lines
    }

    /// Consecutive entries pointing at one shared table already shown.
    private struct Run {
        let prefix: String
        let address: PhysicalAddress
        let depth: Int
        let first: VirtualAddress
        var last: VirtualAddress
        let references: Int
        var count = 1

        var line: String {
            prefix + " va \(first.hexadecimal)-\(last.hexadecimal) (shared by \(references) entries, shown above)"
                + (count > 1 ? " x\(count)" : "")
        }
    }

    /// Leaves that continue each other: the first one and how many.
    private struct LeafRun {
        let indent: String
        let first: Mapping
        var count = 1

        /// Whether `next` is the leaf right after the run's last one in input and output, with
        /// the same size, level and attributes.
        func continues(with next: Mapping) -> Bool {
            let span = first.size.multipliedReportingOverflow(by: UInt64(count))
            guard !span.overflow, next.size == first.size, next.level == first.level,
                  next.attributes == first.attributes else { return false }
            let (iova, iovaOverflow) = first.virtualAddress.addingReportingOverflow(span.partialValue)
            let (pa, paOverflow) = first.physicalAddress.addingReportingOverflow(span.partialValue)
            return !iovaOverflow && !paOverflow && iova == next.virtualAddress && pa == next.physicalAddress
        }

        func line(levelName: String) -> String {
            let last = first.virtualAddress &+ (first.size &* UInt64(count) &- 1)
            return indent + "\(levelName) leaf va \(first.virtualAddress.hexadecimal)-\(last.hexadecimal) "
                + "pa \(first.physicalAddress.hexadecimal) size \(ByteCount(first.size))"
                + (count > 1 ? " x\(count)" : "") + " \(first.attributes)"
        }
    }

    private func indent(_ depth: Int) -> String { String(repeating: "  ", count: depth) }
}
