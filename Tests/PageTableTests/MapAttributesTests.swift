import PageTable
import Testing

/// `MapAttributes` equality is written out field by field (it is on every map's path): it must
/// still see every field, and agree with hashing.
@Suite struct MapAttributesTests {
    static let base = MapAttributes(access: [.read, .write], privileged: false, memoryType: .normal,
                                    shareability: .inner, formatFlags: MapAttributes.FormatFlags(rawValue: 1), global: false)

    static let variants: [(String, MapAttributes)] = {
        var access = base; access.access = [.read]
        var privileged = base; privileged.privileged = true
        var memoryType = base; memoryType.memoryType = .device
        var shareability = base; shareability.shareability = nil
        var outer = base; outer.shareability = .outer
        var formatFlags = base; formatFlags.formatFlags = MapAttributes.FormatFlags(rawValue: 2)
        var global = base; global.global = true
        return [("access", access), ("privileged", privileged), ("memoryType", memoryType),
                ("no shareability", shareability), ("outer", outer), ("formatFlags", formatFlags), ("global", global)]
    }()

    @Test func everyFieldTakesPart() {
        let copy = Self.base
        #expect(copy == Self.base)
        for (field, variant) in Self.variants {
            #expect(variant != Self.base, "\(field)")
            #expect(variant == variant, "\(field)")
        }
        let all = Set([Self.base] + Self.variants.map(\.1) + [copy])
        #expect(all.count == 1 + Self.variants.count, "equal values hash alike, different ones stay apart")
    }
}
