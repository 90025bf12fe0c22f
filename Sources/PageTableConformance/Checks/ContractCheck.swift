import PageTable
import PageTableTestSupport

/// What the walker relies on from a format, checked directly against the format's own members.
enum ContractCheck {
    /// Random descriptors tried per level against the leaf pattern.
    static let patternSamples = 512
    /// Output addresses tried per leaf level and shape.
    static let addressSamples = 64

    static func run<Format: PageTableFormat>(_ format: Format, _ log: FailureLog) throws {
        log.seed = log.derivedSeed(salt: 0)
        var random = SeededGenerator(seed: log.seed!)
        let geometry = format.geometry
        let descriptorBytes = MemoryLayout<Format.Descriptor>.stride
        let attributeSets = encodableAttributes(format)
        try log.require(!attributeSets.isEmpty, "the format encodes none of the common attribute sets (not even r or rw)")
        let template = attributeSets[0].encoded

        for level in 0..<geometry.levelCount {
            let shape = geometry[level]
            let name = format.levelName(level)
            try log.expect(format.decode(0, level: level) == .empty, "\(name): an all-zero descriptor must decode as empty")
            try log.expect(shape.tableBytes >= shape.itemCount * descriptorBytes,
                           "\(name): \(shape.tableBytes)-byte tables cannot hold \(shape.itemCount) descriptors")
            if level > 0 { try checkTablePointers(format, level: level, using: &random, log) }
            if shape.allowsLeaf {
                for contiguous in shape.contiguousLog2 > 0 ? [false, true] : [false] {
                    try checkLeaves(format, level: level, contiguous: contiguous, attributeSets, using: &random, log)
                }
                try checkStride(format, level: level, template: template, using: &random, log)
            }
            try checkPattern(format, level: level, template: template, single: true, using: &random, log)
            try checkPattern(format, level: level, template: template, single: false, using: &random, log)
        }
    }

    /// Table pointers decode as the table they point at, for aligned addresses up to the limit.
    private static func checkTablePointers<Format: PageTableFormat>(_ format: Format, level: Int,
                                                                    using random: inout SeededGenerator,
                                                                    _ log: FailureLog) throws {
        let geometry = format.geometry
        let child = geometry[level - 1]
        let alignment = UInt64(child.tableAlignment)
        let highest = (geometry.tableAddressLimit - UInt64(child.tableBytes - 1)) / alignment
        for sample in 0..<addressSamples {
            let address = (sample == 0 ? highest : UInt64.random(in: 0...highest, using: &random)) * alignment
            let descriptor = format.tableDescriptor(address: address, level: level)
            try log.expect(format.decode(descriptor, level: level) == .table(address),
                           "\(format.levelName(level)): the table pointer to \(hex(address)) decodes as "
                           + "\(format.decode(descriptor, level: level))")
        }
    }

    /// Leaves decode as the leaf's base and express exactly the attributes they were built from.
    private static func checkLeaves<Format: PageTableFormat>(_ format: Format, level: Int, contiguous: Bool,
                                                             _ attributeSets: [(attributes: MapAttributes, encoded: Format.EncodedAttributes)],
                                                             using random: inout SeededGenerator,
                                                             _ log: FailureLog) throws {
        let geometry = format.geometry
        let shape = geometry[level]
        let name = "\(format.levelName(level)) \(contiguous ? "contiguous" : "single") leaf"
        let size = contiguous ? shape.itemSize << UInt64(shape.contiguousLog2) : shape.itemSize
        let members = UInt64(1) << UInt64(contiguous ? shape.contiguousLog2 : 0)
        for sample in 0..<addressSamples {
            let (attributes, encoded) = attributeSets[sample % attributeSets.count]
            let template = format.leafTemplate(encoded, level: level, contiguous: contiguous)
            let highest = geometry.outputLimit / size - 1
            let base = (sample == 0 ? highest : UInt64.random(in: 0...highest, using: &random)) * size
            // Each member is given its own address; all must decode as the whole leaf's base.
            let member = UInt64.random(in: 0..<members, using: &random)
            let address = base + member * shape.itemSize
            let descriptor = format.leafDescriptor(template: template, outputAddress: address, level: level)
            let decoded = format.decode(descriptor, level: level)
            try log.expect(decoded == .leaf(outputAddress: base, contiguous: contiguous),
                           "\(name) of \(hex(address)) (\(hex(UInt64(descriptor)))) decodes as \(decoded), "
                           + "not .leaf(outputAddress: \(hex(base)), contiguous: \(contiguous))")
            let readBack = format.attributes(ofLeaf: descriptor, level: level)
            try log.expect(readBack == attributes,
                           "\(name) built from attributes \(describe(attributes)) reads back as \(describe(readBack))")
        }
    }

    /// A promised stride is what consecutive single leaves really differ by.
    private static func checkStride<Format: PageTableFormat>(_ format: Format, level: Int,
                                                             template encoded: Format.EncodedAttributes,
                                                             using random: inout SeededGenerator,
                                                             _ log: FailureLog) throws {
        guard let stride = format.linearLeafStride(level: level) else { return }
        let geometry = format.geometry
        let size = geometry[level].itemSize
        let template = format.leafTemplate(encoded, level: level, contiguous: false)
        let highest = geometry.outputLimit / size - 2
        for sample in 0..<addressSamples {
            let address = (sample == 0 ? highest : UInt64.random(in: 0...highest, using: &random)) * size
            let descriptor = format.leafDescriptor(template: template, outputAddress: address, level: level)
            let next = format.leafDescriptor(template: template, outputAddress: address + size, level: level)
            try log.expect(next == descriptor &+ stride,
                           "\(format.levelName(level)): linearLeafStride \(hex(UInt64(stride))) is not honest: the leaf "
                           + "of \(hex(address + size)) is \(hex(UInt64(next))), not \(hex(UInt64(descriptor))) + stride")
        }
    }

    /// Every descriptor the single-leaf pattern (`single`) matches is a single leaf, and every
    /// one the leaf pattern matches a leaf: random descriptors, random ones forced to match, and
    /// the format's own table pointers and contiguous leaves.
    private static func checkPattern<Format: PageTableFormat>(_ format: Format, level: Int,
                                                              template encoded: Format.EncodedAttributes,
                                                              single: Bool,
                                                              using random: inout SeededGenerator,
                                                              _ log: FailureLog) throws {
        guard let pattern = single ? format.singleLeafPattern(level: level) : format.leafPattern(level: level)
        else { return }
        let name = single ? "singleLeafPattern" : "leafPattern"
        let geometry = format.geometry
        var candidates: [Format.Descriptor] = [0]
        for _ in 0..<patternSamples {
            let bits = Format.Descriptor(truncatingIfNeeded: random.next())
            candidates.append(bits)
            candidates.append((bits & ~pattern.mask) | pattern.value)
        }
        if level > 0 {
            let child = geometry[level - 1]
            let highest = (geometry.tableAddressLimit - UInt64(child.tableBytes - 1)) / UInt64(child.tableAlignment)
            for _ in 0..<addressSamples {
                let address = UInt64.random(in: 0...highest, using: &random) * UInt64(child.tableAlignment)
                candidates.append(format.tableDescriptor(address: address, level: level))
            }
        }
        let shape = geometry[level]
        if shape.allowsLeaf && shape.contiguousLog2 > 0 {
            let size = shape.itemSize << UInt64(shape.contiguousLog2)
            let template = format.leafTemplate(encoded, level: level, contiguous: true)
            for _ in 0..<addressSamples {
                let address = UInt64.random(in: 0..<(geometry.outputLimit / size), using: &random) * size
                candidates.append(format.leafDescriptor(template: template, outputAddress: address, level: level))
            }
        }
        for descriptor in candidates where descriptor & pattern.mask == pattern.value {
            let decoded = format.decode(descriptor, level: level)
            var matches = false
            if case .leaf(_, let contiguous) = decoded { matches = !single || !contiguous }
            try log.expect(matches, "\(format.levelName(level)): \(name) (mask \(hex(UInt64(pattern.mask))), "
                           + "value \(hex(UInt64(pattern.value)))) matches \(hex(UInt64(descriptor))), which decodes as \(decoded)")
        }
    }

    /// The attribute sets the random operations use that `format` accepts, encoded; `r` and
    /// `rw` first when accepted.
    static func encodableAttributes<Format: PageTableFormat>(_ format: Format)
        -> [(attributes: MapAttributes, encoded: Format.EncodedAttributes)] {
        let accesses: [MapAttributes.Access] = [[.read, .write], .read, [.read, .execute], [.read, .write, .execute],
                                                .execute, .write, [.write, .execute], []]
        var sets: [(MapAttributes, Format.EncodedAttributes)] = []
        for privileged in [false, true] {
            for memoryType in [MapAttributes.MemoryType.normal, .cacheable, .device] {
                for access in accesses {
                    let attributes = MapAttributes(access: access, privileged: privileged, memoryType: memoryType)
                    if let encoded = try? format.encode(attributes) { sets.append((attributes, encoded)) }
                }
            }
        }
        return sets
    }

    private static func describe(_ attributes: MapAttributes) -> String {
        var text = attributes.description
        if let shareability = attributes.shareability { text += " shareability \(shareability)" }
        if !attributes.formatFlags.isEmpty { text += " flags \(hex(UInt64(attributes.formatFlags.rawValue)))" }
        return text
    }
}
