import Foundation

extension ImageManifest {
    /// What `run --image DIR` needs from `DIR/manifest.json`.
    struct Description {
        /// The format it names.
        var format: FormatEntry
        /// Its option values: the manifest's parameters, every other option at its default.
        var settings: FormatSettings
        /// `memoryBase`: the physical address the arena starts at.
        var memoryBase: UInt64
        /// `imageBase`: the physical address of `memory.bin`'s first byte (`memoryBase` if absent).
        var imageBase: UInt64
        /// `imageSize`, if given: `memory.bin`'s size.
        var imageSize: Int?
        /// `root`: the top table's physical address.
        var root: UInt64
    }

    /// Reads and checks the manifest at `path`, naming the formats of `catalog`. Anything
    /// missing, malformed or unknown is a ``UsageError`` naming the file and the member.
    static func read(_ path: String, catalog: FormatCatalog) throws(UsageError) -> Description {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("cannot read image manifest '\(path)'")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let members = object as? [String: Any] else {
            throw UsageError("image manifest '\(path)' is not a JSON object")
        }
        let reader = MemberReader(path: path, members: members)
        let name = try reader.string("format")
        guard let format = catalog.entry(named: name) else {
            throw UsageError("image manifest '\(path)': unknown format '\(QuotedToken.text(name))' (formats: \(catalog.names))")
        }
        var given: [String: String] = [:]
        for option in format.options {
            let camelCase = try reader.text(memberName(option.name))
            guard let value = try reader.text(option.name) ?? camelCase else { continue }
            // A flag's member may name the mechanism it turns on (`"dirtyTracking": "hafdbs"`):
            // present and not "off" means on.
            given[option.name] = option.takesValue || value == "off" ? value : "on"
        }
        var settings = FormatSettings(options: format.options, given: given)
        settings.nonCoherent = try reader.text("non-coherent") == "on"
        let memoryBase = try reader.address("memoryBase")
        return Description(format: format, settings: settings, memoryBase: memoryBase,
                           imageBase: try reader.optionalAddress("imageBase") ?? memoryBase,
                           imageSize: try reader.optionalSize("imageSize"), root: try reader.address("root"))
    }
}

/// Typed access to a manifest's members, each failure a ``UsageError`` naming the member.
private struct MemberReader {
    let path: String
    let members: [String: Any]

    /// A member's text: a string as it is, an integer in decimal; `nil` if absent.
    func text(_ name: String) throws(UsageError) -> String? {
        switch members[name] {
        case nil: return nil
        case let text as String: return text
        case let number as NSNumber:
            guard number.doubleValue == Double(number.int64Value) else { throw bad(name, "an integer") }
            return String(number.int64Value)
        default: throw bad(name, "a string or an integer")
        }
    }

    func string(_ name: String) throws(UsageError) -> String {
        guard let text = members[name] as? String else { throw bad(name, "a string") }
        return text
    }

    func address(_ name: String) throws(UsageError) -> UInt64 {
        guard let address = try optionalAddress(name) else { throw bad(name, "a 0x hex address") }
        return address
    }

    func optionalAddress(_ name: String) throws(UsageError) -> UInt64? {
        guard members[name] != nil else { return nil }
        guard let text = members[name] as? String, let address = try? NumberParser.parse(text) else {
            throw bad(name, "a 0x hex address")
        }
        return address
    }

    func optionalSize(_ name: String) throws(UsageError) -> Int? {
        guard let text = try text(name) else { return nil }
        guard let number = try? NumberParser.parse(text), let size = Int(exactly: number) else {
            throw bad(name, "a byte count")
        }
        return size
    }

    private func bad(_ name: String, _ expected: String) -> UsageError {
        UsageError("image manifest '\(path)': member '\(name)' is missing or not \(expected)")
    }
}
