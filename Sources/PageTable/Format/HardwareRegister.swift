/// One hardware register value that, loaded into the MMU, makes it walk a table exactly
/// as exported (for example `TTBR0`, `TCR` and `MAIR` for ARM LPAE stage 1).
public struct HardwareRegister: Hashable, Sendable {
    /// The architectural name, for example `TCR`.
    public var name: String
    /// The value to load.
    public var value: UInt64

    /// Creates a register value.
    public init(name: String, value: UInt64) {
        self.name = name
        self.value = value
    }
}
