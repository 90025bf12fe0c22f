/// Which 64-bit input addresses a table translates, given its ``TableGeometry/inputAddressBits``
/// (`n` below). The table itself always indexes with the low `n` bits; this says what the bits
/// above them must be.
///
/// ```
///   lower         0 ..< 2^n                              (ARM TTBR0, stage 2, IOMMUs, G-stage)
///   upper         2^64 - 2^n ..< 2^64                    (ARM TTBR1: 0xffff... addresses)
///   signExtended  0 ..< 2^(n-1)  and  2^64 - 2^(n-1) ..< 2^64   (RISC-V Sv39/48/57, x86-64)
/// ```
///
/// Addresses outside the range (for `signExtended`: non-canonical ones) are `out-of-range`
/// for every operation and translate to `nil`; no range may cross from one part to the other.
public enum InputRange: Hashable, Sendable {
    /// Bits 63...n are zero: the table translates `0 ..< 2^n`.
    case lower
    /// Bits 63...n are one: the table translates the top `2^n` bytes of the 64-bit space.
    case upper
    /// Bits 63...n equal bit n-1 (canonical addresses): the low half of the table translates
    /// `0 ..< 2^(n-1)`, its high half the top `2^(n-1)` bytes of the 64-bit space.
    case signExtended
}
