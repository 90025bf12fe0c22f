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

    /// The dump's lines, without newlines.
    var lines: [String] {
        var lines: [String] = []
        var run: Run?
        let geometry = table.geometry
        func flush() {
            if let finished = run { lines.append(finished.line) }
            run = nil
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
                lines.append(indent(depth) + name + " va \(info.virtualAddress.hexadecimal)-\(last.hexadecimal) "
                    + "\(info.bytes) bytes" + sharing)
            case .leaf(let leaf):
                flush()
                let depth = geometry.topLevel - leaf.level + 1
                let last = leaf.virtualAddress &+ (leaf.size &- 1)
                lines.append(indent(depth) + "\(table.levelName(leaf.level)) leaf "
                    + "va \(leaf.virtualAddress.hexadecimal)-\(last.hexadecimal) pa \(leaf.physicalAddress.hexadecimal) "
                    + "size \(ByteCount(leaf.size)) \(leaf.attributes)")
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

    private func indent(_ depth: Int) -> String { String(repeating: "  ", count: depth) }
}
