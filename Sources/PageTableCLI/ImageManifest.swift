import PageTableKit

/// `manifest.json`: what a loader needs to use `memory.bin`.
///
/// ```json
/// {
///   "format": "arm-lpae-64",
///   "memoryBase": "0x80000000",
///   "memorySize": 67108864,
///   "registers": { "MAIR": "0x...", "TCR": "0x...", "TTBR0": "0x80000000" },
///   "root": "0x80000000",
///   ...the format's parameters, for example "granule", "stage", "ias", "oas"
/// }
/// ```
///
/// Addresses and register values are `0x` hex strings (JSON numbers cannot hold every 64-bit
/// value exactly); sizes are numbers.
struct ImageManifest {
    /// The manifest as JSON.
    let json: JSONValue

    /// The manifest of `built`, whose tables live in `memory`.
    init(_ built: BuiltTable, memory: PhysicalArena) {
        let table = built.table
        var members = built.parameters
        members["format"] = .string(table.formatName)
        members["memoryBase"] = .string(memory.base.hexadecimal)
        members["memorySize"] = .integer(Int64(memory.size))
        members["root"] = .string(table.root.hexadecimal)
        members["registers"] = .object(Dictionary(table.registers.map { ($0.name, .string($0.value.hexadecimal)) },
                                                  uniquingKeysWith: { _, last in last }))
        json = .object(members)
    }
}
