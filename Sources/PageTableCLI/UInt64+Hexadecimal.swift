extension UInt64 {
    /// `0x`-prefixed lower-case hexadecimal without padding, as answers and manifests print
    /// addresses (`0x80000000`).
    var hexadecimal: String { "0x" + String(self, radix: 16) }
}
