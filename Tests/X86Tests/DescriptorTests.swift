import PageTable
import PageTableTestSupport
import Testing
import X86

/// Exact entry bits, computed by hand from the Intel SDM vol. 3 ch. 4 (tables 4-15 to 4-20):
/// P 0, R/W 1, U/S 2, PWT 3, PCD 4, A 5, D 6, PS 7 (PAT in a PTE), PAT 12 in large pages,
/// address 51:12, XD 63. PAT indices: 0 WB (`c`), 3 UC (`d`, PCD|PWT = 0x18), 4 WC (PAT bit).
@Suite struct DescriptorTests {
    static func leaf(_ format: X86_64, _ letters: String, at address: UInt64, level: Int) throws -> UInt64 {
        let encoded = try format.encode(MapAttributes(letters: letters))
        return format.leafDescriptor(template: format.leafTemplate(encoded, level: level, contiguous: false),
                                     outputAddress: address, level: level)
    }

    static let xd: UInt64 = 1 << 63

    /// (PROT, level, output address, entry).
    static let golden: [(String, Int, UInt64, UInt64)] = [
        ("r", 0, 0x8000_1000, xd | 0x8000_10E5),        // P|US|A|D = 0x65, PAT(7) 0x80
        ("rw", 0, 0x8000_1000, xd | 0x8000_10E7),
        ("rx", 0, 0x8000_1000, 0x8000_10E5),
        ("rwx", 0, 0x8000_1000, 0x8000_10E7),
        ("rc", 0, 0x8000_1000, xd | 0x8000_1065),
        ("rwxc", 0, 0x8000_1000, 0x8000_1067),
        ("rd", 0, 0x8000_1000, xd | 0x8000_107D),       // 0x65 | PWT|PCD 0x18
        ("rwxd", 0, 0x8000_1000, 0x8000_107F),
        ("rp", 0, 0x8000_1000, xd | 0x8000_10E1),
        ("rxp", 0, 0x8000_1000, 0x8000_10E1),
        ("rwcp", 0, 0x8000_1000, xd | 0x8000_1063),
        ("rw", 1, 0x8020_0000, xd | 0x8020_10E7),       // P|RW|US|A|D|PS = 0xE7, PAT(12) 0x1000
        ("rwc", 1, 0x8020_0000, xd | 0x8020_00E7),
        ("rwxd", 1, 0x8020_0000, 0x8020_00FF),
        ("rdp", 1, 0x8020_0000, xd | 0x8020_00F9),
        ("rx", 2, 0x4000_0000, 0x4000_10E5),
        ("rc", 2, 0xF_FFFF_C000_0000, xd | 0xF_FFFF_C000_00E5),
        ("rwp", 2, 0x4000_0000, xd | 0x4000_10E3),
    ]

    @Test(arguments: 0..<golden.count)
    func goldenLeaves(_ index: Int) throws {
        let (letters, level, address, expected) = Self.golden[index]
        let format = try X86_64()
        let entry = try Self.leaf(format, letters, at: address, level: level)
        #expect(entry == expected, "\(letters) level \(level): 0x\(String(entry, radix: 16))")
        #expect(format.decode(entry, level: level) == .leaf(outputAddress: address, contiguous: false))
        #expect(format.attributes(ofLeaf: entry, level: level) == MapAttributes(letters: letters))
    }

    @Test func pointersAndFaultingEntries() throws {
        let format = try X86_64(levels: .five), narrow = try X86_64(outputAddressBits: 40)
        #expect(format.tableDescriptor(address: 0x8000_2000, level: 4) == 0x8000_2027)
        for level in 1...4 { #expect(format.decode(0x8000_2027, level: level) == .table(0x8000_2000)) }
        #expect(format.decode(0x8000_2027, level: 0) == .leaf(outputAddress: 0x8000_2000, contiguous: false))
        #expect(format.decode(0x8000_20A7, level: 3) == .empty, "PS in a PML4E is reserved")
        #expect(format.decode(0x8000_20A7, level: 4) == .empty, "PS in a PML5E is reserved")
        #expect(format.decode(0x8000_2026, level: 2) == .empty, "not present")
        #expect(format.decode(0x8020_20E7, level: 1) == .empty, "2M page with bit 13 set: reserved")
        #expect(format.decode(0x4020_00E7, level: 2) == .empty, "1G page with bit 21 set: reserved")
        #expect(narrow.decode(0x100_0000_1027, level: 1) == .empty, "address bit 40 above MAXPHYADDR 40")
        #expect(format.decode(0x100_0000_1027, level: 1) == .table(0x100_0000_1000))
        #expect(format.decode(0, level: 0) == .empty)
    }

    static let protections = ["r", "w", "x", "rw", "rx", "wx", "rwx", "", "rc", "rwc", "rwxc", "rd", "rwd", "rxd",
                              "rp", "rwp", "rxp", "xp", "rwxp", "wp", "rcp", "rdp", "rwxdp", "cd"]

    /// Every mode x PROT x leaf level: each field follows its rule, attributes read back
    /// unchanged, and inexpressible PROTs are refused.
    @Test(arguments: X86_64.Levels.allCases, [36, 46, 52])
    func everyCombinationFollowsTheFieldRules(levels: X86_64.Levels, oas: Int) throws {
        let format = try X86_64(levels: levels, outputAddressBits: oas)
        for letters in Self.protections {
            let (r, w, x, p) = (letters.contains("r"), letters.contains("w"), letters.contains("x"), letters.contains("p"))
            let (c, d) = (letters.contains("c"), letters.contains("d"))
            let attributes = MapAttributes(letters: letters)
            guard r && !(c && d) else {
                #expect(throws: PageTableError.self, "\(letters) must be refused") { try format.encode(attributes) }
                continue
            }
            for level in 0...2 {
                let address = (UInt64(1) << UInt64(oas - 1)) | UInt64(1) << UInt64(12 + 9 * level)
                let entry = try Self.leaf(format, letters, at: address, level: level)
                func bit(_ n: UInt64) -> Bool { entry >> n & 1 == 1 }
                let context = "\(levels) oas \(oas) \(letters) level \(level)"
                let index = c ? 0 : d ? 3 : 4
                let patBit: UInt64 = level == 0 ? 7 : 12
                #expect(bit(0) && bit(1) == w && bit(2) == !p && bit(63) == !x, "\(context): P R/W U/S XD")
                #expect(bit(5) && bit(6) && !bit(8), "\(context): A D G")
                #expect(bit(7) == (level == 0 ? index & 4 != 0 : true), "\(context): PS / PAT")
                #expect((bit(3) ? 1 : 0) | (bit(4) ? 2 : 0) | (bit(patBit) ? 4 : 0) == index, "\(context): PAT index")
                let addressBits = entry & 0x000F_FFFF_FFFF_F000 & ~(level == 0 ? 0 : UInt64(0x1000))
                #expect(addressBits == address, "\(context): address")
                #expect(entry >> 52 & 0x7FF == 0, "\(context): bits 62:52")
                #expect(format.decode(entry, level: level) == .leaf(outputAddress: address, contiguous: false))
                #expect(format.attributes(ofLeaf: entry, level: level) == attributes, "\(context): read back")
            }
        }
    }
}
