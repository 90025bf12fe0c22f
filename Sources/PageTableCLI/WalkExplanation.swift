import PageTableKit

/// The answer of `walk IOVA`: one line explaining a ``TranslationTrace``.
///
/// Each level read is `<level> @<table>[<index>] <descriptor> <meaning>`, the descriptor in
/// hex at the format's width and its meaning `table <address>`, `leaf <output> <size>`
/// (`contiguous` for a member of a contiguous group) or `invalid`; levels are separated by
/// `; ` and the line ends in `-> <physical address> <leaf size> <attributes>` or
/// `-> translation fault at <level>`. An address beyond the input space reads nothing:
/// `-> beyond the input-address space`.
///
/// ```
/// L0 @0x80000000[0] 0x0000000080001003 table 0x80001000; L1 @0x80001000[1] 0x0000000040000701 leaf 0x40000000 1G; -> 0x40000123 1G rw
/// ```
struct WalkExplanation {
    /// The answer line (without a newline).
    let line: String

    /// Explains `trace`, naming levels with `levelName`.
    init(_ trace: TranslationTrace, levelName: (Int) -> String) {
        var parts = trace.steps.map { step in
            "\(levelName(step.level)) @\(step.table.hexadecimal)[\(step.index)] "
                + Self.padded(step.descriptor, bytes: trace.descriptorBytes) + " " + Self.meaning(step.entry, in: trace)
        }
        switch trace.outcome {
        case .translated(let physicalAddress, let leaf):
            parts.append("-> \(physicalAddress.hexadecimal) \(ByteCount(leaf.size)) \(leaf.attributes)")
        case .fault(let level):
            parts.append("-> translation fault at \(levelName(level))")
        case .beyondInputSpace:
            parts.append("-> beyond the input-address space")
        }
        line = parts.joined(separator: "; ")
    }

    private static func meaning(_ entry: DecodedEntry, in trace: TranslationTrace) -> String {
        switch entry {
        case .empty:
            return "invalid"
        case .table(let address):
            return "table \(address.hexadecimal)"
        case .leaf(let output, let contiguous):
            guard case .translated(_, let leaf) = trace.outcome else { return "leaf \(output.hexadecimal)" }
            return "leaf \(output.hexadecimal) \(ByteCount(leaf.size))" + (contiguous ? " contiguous" : "")
        }
    }

    /// `value` in hex with leading zeros to `bytes` bytes.
    private static func padded(_ value: UInt64, bytes: Int) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, bytes * 2 - digits.count)) + digits
    }
}
