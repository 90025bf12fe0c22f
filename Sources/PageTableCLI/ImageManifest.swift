import PageTableKit

/// `manifest.json`: what a loader needs to use `memory.bin`.
///
/// ```json
/// {
///   "format": "arm-lpae-64",
///   "memoryBase": "0x80000000",
///   "memorySize": 67108864,
///   "imageBase": "0x80000000",
///   "imageSize": 67108864,
///   "registers": { "MAIR": "0x...", "TCR": "0x...", "TTBR0": "0x80000000" },
///   "root": "0x80000000",
///   ...the format's parameters, for example "granule", "stage", "ias", "oas"
/// }
/// ```
///
/// Every other format option not at its default is recorded under its own name (a flag as
/// `"svnapot": "on"`), and `"non-coherent": "on"` for `--non-coherent`, so that
/// `run --image` rebuilds the same configuration. A flag some format records under a member
/// naming its mechanism (`"dirtyTracking": "hafdbs"` for `--dirty-tracking`) reads as on.
/// With `--dynamic-top` (`"dynamicTop": "on"`), `root`, `registers` and `ias` are those of the
/// table as grown at export, and `maximumIas` is the `--ias` given: a loader builds the format
/// at `ias`, without the option, and adopts the image as it is.
///
/// Addresses and register values are `0x` hex strings (JSON numbers cannot hold every 64-bit
/// value exactly); sizes are numbers. `memory.bin` holds the `imageSize` bytes of physical
/// memory from `imageBase`: the whole memory (`memoryBase`, `memorySize`) unless the export was
/// compact (`--export-compact`), then the page-aligned range holding every table.
struct ImageManifest {
    /// The manifest as JSON.
    let json: JSONValue

    /// The manifest of `built`, configured by `settings`, whose tables live in `memory`, for a
    /// `memory.bin` holding the bytes at offsets `image` of `memory`.
    init(_ built: BuiltTable, settings: FormatSettings, defaults: FormatSettings, memory: PhysicalArena,
         image: Range<Int>) {
        let table = built.table
        var members = built.parameters
        for (name, value) in settings.values where value != defaults.value(name)
            && members[name] == nil && members[ImageManifest.memberName(name)] == nil {
            members[name] = .string(value)
        }
        if settings.nonCoherent { members["non-coherent"] = .string("on") }
        members["format"] = .string(table.formatName)
        members["memoryBase"] = .string(memory.base.hexadecimal)
        members["memorySize"] = .integer(Int64(memory.size))
        members["imageBase"] = .string((memory.base &+ UInt64(image.lowerBound)).hexadecimal)
        members["imageSize"] = .integer(Int64(image.count))
        members["root"] = .string(table.root.hexadecimal)
        if members["dynamicTop"] != nil { members["ias"] = .integer(Int64(table.geometry.inputAddressBits)) }
        members["registers"] = .object(Dictionary(table.registers.map { ($0.name, .string($0.value.hexadecimal)) },
                                                  uniquingKeysWith: { _, last in last }))
        json = .object(members)
    }
}

extension ImageManifest {
    /// The camel-case member some options are recorded under: `va-range` as `vaRange`.
    static func memberName(_ option: String) -> String {
        var name = ""
        var upper = false
        for character in option {
            if character == "-" { upper = true; continue }
            name += upper ? character.uppercased() : String(character)
            upper = false
        }
        return name
    }
}
