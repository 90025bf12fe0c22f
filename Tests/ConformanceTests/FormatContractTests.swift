import PageTableKit
import PageTableTestSupport
import Testing

/// What the walker relies on from every format, checked directly.
@Suite struct FormatContractTests {
    @Test(arguments: FormatCase.all)
    func formatsKeepTheirPromises(_ formatCase: FormatCase) throws {
        try check(formatCase.make(), formatCase.name)
    }

    private func check<Format: PageTableFormat>(_ format: Format, _ name: String) throws {
        var random = SeededGenerator(seed: baseSeed() ^ name.hashValueStable)
        let geometry = format.geometry
        let encoded = try format.encode(MapAttributes(access: [.read, .write]))
        for level in 0..<geometry.levelCount {
            #expect(format.decode(0, level: level) == .empty, "\(name) level \(level): zero must be empty")
            if let pattern = format.singleLeafPattern(level: level) {
                for _ in 0..<512 {
                    let descriptor = Format.Descriptor(truncatingIfNeeded: random.next())
                    var isSingleLeaf = false
                    if case .leaf(_, false) = format.decode(descriptor, level: level) { isSingleLeaf = true }
                    #expect((descriptor & pattern.mask == pattern.value) == isSingleLeaf,
                            "\(name) level \(level): the pattern disagrees with decode on \(hex(UInt64(descriptor)))")
                }
            }
            guard geometry[level].allowsLeaf else { continue }
            let size = geometry[level].itemSize
            let template = format.leafTemplate(encoded, level: level, contiguous: false)
            for _ in 0..<64 {
                let address = UInt64.random(in: 0..<(geometry.outputLimit / size - 1), using: &random) * size
                let descriptor = format.leafDescriptor(template: template, outputAddress: address, level: level)
                #expect(format.decode(descriptor, level: level) == .leaf(outputAddress: address, contiguous: false),
                        "\(name) level \(level): \(hex(address)) round trip")
                if let stride = format.linearLeafStride(level: level) {
                    let next = format.leafDescriptor(template: template, outputAddress: address + size, level: level)
                    #expect(next == descriptor &+ stride, "\(name) level \(level): not linear at \(hex(address))")
                }
            }
        }
    }
}
