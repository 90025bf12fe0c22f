import ARMv7Short
import PageTable
import PageTableTestSupport
import Testing

/// Exact descriptor bits, hand-computed from the ARMv7 short-descriptor field layout.
@Suite struct DescriptorTests {
    static func attributes(_ letters: String) -> MapAttributes { MapAttributes(letters: letters) }

    /// The leaf kinds: (name, walker level, contiguous, leaf size).
    enum Kind: String, CaseIterable, Sendable {
        case smallPage, largePage, section, supersection
        var level: Int { self == .smallPage || self == .largePage ? 0 : 1 }
        var contiguous: Bool { self == .largePage || self == .supersection }
        var size: UInt64 {
            switch self {
            case .smallPage: 4 << 10
            case .largePage: 64 << 10
            case .section: 1 << 20
            case .supersection: 16 << 20
            }
        }
        var itemSize: UInt64 { level == 0 ? 4 << 10 : 1 << 20 }
    }

    /// The descriptor the walker writes for the item at `memberOffset` bytes into a leaf at
    /// `address` (every member of a group stores the group base).
    static func leaf(_ format: ARMv7Short, _ attributes: MapAttributes, _ kind: Kind, at address: UInt64,
                     memberOffset: UInt64 = 0) throws -> UInt32 {
        let template = format.leafTemplate(try format.encode(attributes), level: kind.level, contiguous: kind.contiguous)
        return format.leafDescriptor(template: template, outputAddress: address + memberOffset, level: kind.level)
    }

    /// (kind, PROT, output address, descriptor). Fields: small page XN 0, type 1, B 2, C 3,
    /// AP[1:0] 5:4, TEX 8:6, AP[2] 9, S 10, nG 11; large page type 1:0 = 01, TEX 14:12, XN 15;
    /// section type 1, XN 4, AP[1:0] 11:10, TEX 14:12, AP[2] 15, S 16, nG 17, supersection 18,
    /// NS 19. Remap index (TEX[0] C B): 4 normal, 7 cacheable, 1 device.
    static let golden: [(Kind, String, UInt64, UInt32)] = [
        (.smallPage, "r", 0x4000_0000, 0x4000_0E73),
        (.smallPage, "rw", 0x4000_0000, 0x4000_0C73),
        (.smallPage, "rwx", 0x4000_0000, 0x4000_0C72),
        (.smallPage, "rwc", 0x4000_0000, 0x4000_0C7F),
        (.smallPage, "rwd", 0x4000_0000, 0x4000_0C37),
        (.smallPage, "rp", 0x4000_0000, 0x4000_0E53),
        (.smallPage, "rwxp", 0x4000_0000, 0x4000_0C52),
        (.smallPage, "rxcp", 0x4000_0000, 0x4000_0E5E),
        (.smallPage, "rw", 0xFFFF_F000, 0xFFFF_FC73),
        (.largePage, "r", 0x4001_0000, 0x4001_9E31),
        (.largePage, "rw", 0x4001_0000, 0x4001_9C31),
        (.largePage, "rwx", 0x4001_0000, 0x4001_1C31),
        (.largePage, "rwc", 0x4001_0000, 0x4001_9C3D),
        (.largePage, "rwd", 0x4001_0000, 0x4001_8C35),
        (.largePage, "rp", 0x4001_0000, 0x4001_9E11),
        (.largePage, "rwxp", 0x4001_0000, 0x4001_1C11),
        (.section, "r", 0x4010_0000, 0x4013_9C12),
        (.section, "rw", 0x4010_0000, 0x4013_1C12),
        (.section, "rwx", 0x4010_0000, 0x4013_1C02),
        (.section, "rwc", 0x4010_0000, 0x4013_1C1E),
        (.section, "rwd", 0x4010_0000, 0x4013_0C16),
        (.section, "rp", 0x4010_0000, 0x4013_9412),
        (.section, "rwxp", 0x4010_0000, 0x4013_1402),
        (.supersection, "rw", 0x4100_0000, 0x4107_1C12),
        (.supersection, "rwxc", 0x4100_0000, 0x4107_1C0E),
        (.supersection, "rd", 0x4100_0000, 0x4107_8C16),
        (.supersection, "rwxp", 0xFF00_0000, 0xFF07_1402),
    ]

    @Test(arguments: 0..<golden.count)
    func goldenDescriptors(_ index: Int) throws {
        let (kind, letters, address, expected) = Self.golden[index]
        let format = ARMv7Short()
        let descriptor = try Self.leaf(format, Self.attributes(letters), kind, at: address)
        #expect(descriptor == expected, "\(kind) \(letters): 0x\(String(descriptor, radix: 16))")
        #expect(format.decode(descriptor, level: kind.level) == .leaf(outputAddress: address, contiguous: kind.contiguous))
        #expect(format.attributes(ofLeaf: descriptor, level: kind.level) == Self.attributes(letters))
        if kind.contiguous {  // The last member of the group stores the same descriptor.
            let last = try Self.leaf(format, Self.attributes(letters), kind, at: address, memberOffset: kind.size - kind.itemSize)
            #expect(last == expected)
        }
    }

    static let protections = ["r", "rw", "rx", "rwx", "w", "wx", "rc", "rwc", "rwxc", "rd", "rwd", "rwxd",
                              "rp", "rwp", "rxp", "rwxp", "rcp", "rwcp", "rwxcp", "rdp", "rwdp", "", "x", "c", "xp"]

    /// Every PROT x leaf kind: each field follows its rule and reads back unchanged;
    /// inexpressible PROTs are refused.
    @Test(arguments: Kind.allCases)
    func everyCombinationFollowsTheFieldRules(_ kind: Kind) throws {
        let format = ARMv7Short()
        for letters in Self.protections {
            let attributes = Self.attributes(letters)
            let (r, w, x, p) = (letters.contains("r"), letters.contains("w"), letters.contains("x"), letters.contains("p"))
            guard r else {
                #expect(throws: PageTableError.self, "\(letters) must be refused") { try format.encode(attributes) }
                continue
            }
            let address = kind.size * 5
            let d = try Self.leaf(format, attributes, kind, at: address, memberOffset: kind.size - kind.itemSize)
            func field(_ shift: UInt32, _ width: UInt32) -> UInt32 { (d >> shift) & ((1 << width) - 1) }
            let context = "\(kind) \(letters)"
            let index: UInt32 = letters.contains("d") ? 1 : letters.contains("c") ? 7 : 4
            #expect(field(2, 1) == index & 1 && field(3, 1) == (index >> 1) & 1, "\(context): B, C")
            switch kind {
            case .smallPage, .largePage:
                let small = kind == .smallPage
                #expect(field(1, 1) == (small ? 1 : 0) && (small || field(0, 1) == 1), "\(context): type")
                #expect(field(4, 2) == (p ? 0b01 : 0b11), "\(context): AP[1:0]")
                #expect(field(9, 1) == (w ? 0 : 1), "\(context): AP[2]")
                #expect(field(10, 1) == 1 && field(11, 1) == 1, "\(context): S, nG")
                #expect(field(small ? 6 : 12, 3) == index >> 2, "\(context): TEX")
                #expect(field(small ? 0 : 15, 1) == (x ? 0 : 1), "\(context): XN")
                #expect(UInt64(d & (small ? 0xFFFF_F000 : 0xFFFF_0000)) == address, "\(context): address")
                if !small { #expect(field(6, 3) == 0, "\(context): SBZ") }
            case .section, .supersection:
                #expect(field(0, 2) == 0b10, "\(context): type, PXN clear")
                #expect(field(4, 1) == (x ? 0 : 1), "\(context): XN")
                #expect(field(5, 4) == 0 && field(9, 1) == 0, "\(context): domain 0")
                #expect(field(10, 2) == (p ? 0b01 : 0b11), "\(context): AP[1:0]")
                #expect(field(12, 3) == index >> 2, "\(context): TEX")
                #expect(field(15, 1) == (w ? 0 : 1), "\(context): AP[2]")
                #expect(field(16, 1) == 1 && field(17, 1) == 1, "\(context): S, nG")
                #expect(field(18, 1) == (kind == .supersection ? 1 : 0), "\(context): supersection")
                #expect(field(19, 1) == 0, "\(context): NS")
                let addressMask: UInt32 = kind == .supersection ? 0xFF00_0000 : 0xFFF0_0000
                #expect(UInt64(d & addressMask) == address, "\(context): address")
                if kind == .supersection { #expect(field(20, 4) == 0, "\(context): PA[35:32]") }
            }
            #expect(format.decode(d, level: kind.level) == .leaf(outputAddress: address, contiguous: kind.contiguous))
            #expect(format.attributes(ofLeaf: d, level: kind.level) == attributes, "\(context): read back")
        }
    }

    @Test func tableDescriptors() {
        let format = ARMv7Short()
        #expect(format.tableDescriptor(address: 0x8000_4400, level: 1) == 0x8000_4401)
        #expect(format.decode(0x8000_4401, level: 1) == .table(0x8000_4400))
        #expect(format.decode(0xFFFF_FC01, level: 1) == .table(0xFFFF_FC00))
        // Domain, NS and PXN bits do not disturb the address.
        #expect(format.decode(0x8000_45ED, level: 1) == .table(0x8000_4400))
        #expect(ARMv7Short(nonSecure: true).tableDescriptor(address: 0x8000_0400, level: 1) == 0x8000_0409)
    }

    @Test func invalidAndForeignEncodings() {
        let format = ARMv7Short()
        for level in 0...1 {
            #expect(format.decode(0, level: level) == .empty)
            #expect(format.decode(0xFFFF_FFFC, level: level) == .empty, "bits 1:0 = 00 fault whatever the rest")
        }
        // L2: 0b01 large page, 0b10 and 0b11 small page (bit 0 is XN).
        #expect(format.decode(0x1234_5001, level: 0) == .leaf(outputAddress: 0x1234_0000, contiguous: true))
        #expect(format.decode(0x1234_5002, level: 0) == .leaf(outputAddress: 0x1234_5000, contiguous: false))
        #expect(format.decode(0x1234_5003, level: 0) == .leaf(outputAddress: 0x1234_5000, contiguous: false))
        // L1: a section with PXN (0b11) still translates; privileged-only it is not executable.
        let pxnSection: UInt32 = 0x4013_1403  // rwxp with PXN set
        #expect(format.decode(pxnSection, level: 1) == .leaf(outputAddress: 0x4010_0000, contiguous: false))
        #expect(format.attributes(ofLeaf: pxnSection, level: 1) == Self.attributes("rwp"))
        // A supersection's extended base address bits (PA[35:32] in 23:20, PA[39:36] in 8:5).
        #expect(format.decode(0x4157_1C02 | 0x3 << 5, level: 1) == .leaf(outputAddress: 0x35_4100_0000, contiguous: true))
        // Remap indices this format does not use read back as normal memory.
        #expect(format.attributes(ofLeaf: 0x4000_0C7B, level: 0).memoryType == .normal)  // index 6
    }

    @Test func shareabilityIsExpressedWithTheSBitAndPRRR() throws {
        let format = ARMv7Short()
        func small(_ attributes: MapAttributes) throws -> UInt32 {
            try Self.leaf(format, attributes, .smallPage, at: 0x4000_0000)
        }
        let notShared = MapAttributes(access: [.read, .write], shareability: .nonShareable)
        #expect(try small(notShared) == 0x4000_0873)
        #expect(format.attributes(ofLeaf: try small(notShared), level: 0) == notShared)
        let sharedSection = try Self.leaf(format, MapAttributes(access: .read, memoryType: .device, shareability: .nonShareable),
                                          .section, at: 0x4010_0000)
        #expect(sharedSection & (1 << 16) == 0)
        // The shareability PRRR gives S = 1 reads back as the default (nil).
        let explicitInner = try small(MapAttributes(access: .read, memoryType: .cacheable, shareability: .inner))
        #expect(explicitInner == (try small(MapAttributes(access: .read, memoryType: .cacheable))))
        let explicitOuter = try small(MapAttributes(access: .read, memoryType: .device, shareability: .outer))
        #expect(explicitOuter == (try small(MapAttributes(access: .read, memoryType: .device))))
        // The other domain for each memory type cannot be expressed.
        for refused in [MapAttributes(access: .read, memoryType: .cacheable, shareability: .outer),
                        MapAttributes(access: .read, memoryType: .normal, shareability: .inner),
                        MapAttributes(access: .read, memoryType: .device, shareability: .inner)] {
            #expect(throws: PageTableError.self, "\(refused)") { try format.encode(refused) }
        }
    }

    @Test func theNonSecureFlagMustMatchTheTable() throws {
        let secure = ARMv7Short(), nonSecure = ARMv7Short(nonSecure: true)
        let flagged = MapAttributes(access: [.read, .write], formatFlags: .armV7NonSecure)
        let plain = MapAttributes(access: [.read, .write])
        #expect(throws: PageTableError.self) { try secure.encode(flagged) }
        #expect(throws: PageTableError.self) { try nonSecure.encode(plain) }
        #expect(throws: PageTableError.self) { try secure.encode(MapAttributes(access: .read, formatFlags: .init(rawValue: 1 << 9))) }
        let section = try Self.leaf(nonSecure, flagged, .section, at: 0x4010_0000)
        #expect(section == 0x401B_1C12, "NS is bit 19")
        #expect(nonSecure.attributes(ofLeaf: section, level: 1) == flagged)
        // Pages have no NS bit: it comes from the L1 descriptor, i.e. from the configuration.
        let page = try Self.leaf(nonSecure, flagged, .smallPage, at: 0x4000_0000)
        #expect(page == 0x4000_0C73)
        #expect(nonSecure.attributes(ofLeaf: page, level: 0) == flagged)
    }

    @Test func errorsNameTheProblem() {
        let format = ARMv7Short()
        do {
            _ = try format.encode(Self.attributes("w"))
            Issue.record("write-only must be refused")
        } catch {
            #expect(error.kind == .invalidAttributes)
            #expect(error.message.contains("write without read"))
        }
    }
}
