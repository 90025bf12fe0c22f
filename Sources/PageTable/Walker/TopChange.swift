/// What a growing top tells its caller (``PageTable/onTopChange``): the new top table and the
/// hardware registers that make the MMU walk it. Load them in the callback: the table's
/// invalidate-all follows it, and an empty old top is freed when the map ends.
public struct TopChange: Hashable, Sendable {
    /// The new top table's physical address.
    public var root: PhysicalAddress
    /// The register values for the grown table (for ARM LPAE stage 1 a new `TTBR0` and a
    /// `TCR` with the smaller T0SZ).
    public var registers: [HardwareRegister]
    /// Levels of the grown table.
    public var levelCount: Int
    /// Input-address bits of the grown table.
    public var inputAddressBits: Int

    /// Creates a top change.
    public init(root: PhysicalAddress, registers: [HardwareRegister], levelCount: Int, inputAddressBits: Int) {
        self.root = root
        self.registers = registers
        self.levelCount = levelCount
        self.inputAddressBits = inputAddressBits
    }
}
