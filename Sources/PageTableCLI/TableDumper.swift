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
struct TableDumper {
    /// The table dumped.
    let table: AnyPageTable

    /// The dump's lines, without newlines.
    var lines: [String] {
        var lines: [String] = []
        let geometry = table.geometry
        table.visit { node in
            switch node {
            case .table(let info):
                let depth = geometry.topLevel - info.level
                let span = min(geometry[info.level].tableSpanShift, geometry.inputAddressBits)
                let last = info.virtualAddress &+ ((1 << UInt64(span)) &- 1)
                lines.append(indent(depth) + "\(table.levelName(info.level)) table \(info.address.hexadecimal) "
                    + "va \(info.virtualAddress.hexadecimal)-\(last.hexadecimal) \(info.bytes) bytes")
            case .leaf(let leaf):
                let depth = geometry.topLevel - leaf.level + 1
                let last = leaf.virtualAddress &+ (leaf.size &- 1)
                lines.append(indent(depth) + "\(table.levelName(leaf.level)) leaf "
                    + "va \(leaf.virtualAddress.hexadecimal)-\(last.hexadecimal) pa \(leaf.physicalAddress.hexadecimal) "
                    + "size \(ByteCount(leaf.size)) \(leaf.attributes)")
            }
        }
        return lines
    }

    private func indent(_ depth: Int) -> String { String(repeating: "  ", count: depth) }
}
