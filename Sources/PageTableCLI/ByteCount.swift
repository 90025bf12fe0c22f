/// A size written the way scripts write it: the largest binary unit that divides it exactly
/// (`4K`, `2M`, `1G`, `4T`), or plain bytes (`1536`).
struct ByteCount: CustomStringConvertible {
    /// The size in bytes.
    let bytes: UInt64

    /// Wraps `bytes`.
    init(_ bytes: UInt64) { self.bytes = bytes }

    /// `4K`, `2M`, ..., or the decimal byte count.
    var description: String {
        for (shift, suffix) in [(40, "T"), (30, "G"), (20, "M"), (10, "K")] as [(UInt64, String)]
        where bytes != 0 && bytes & ((1 << shift) - 1) == 0 {
            return "\(bytes >> shift)\(suffix)"
        }
        return "\(bytes)"
    }
}
