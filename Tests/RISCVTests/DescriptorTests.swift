import PageTable
import PageTableTestSupport
import RISCV
import Testing

/// Exact PTE bits, computed by hand from the RISC-V privileged specification (Sv39 PTE layout:
/// V 0, R 1, W 2, X 3, U 4, G 5, A 6, D 7, PPN 53:10, PBMT 62:61, N 63).
@Suite struct DescriptorTests {
    static func leaf(_ format: RISCV, _ letters: String, at address: UInt64, level: Int,
                     contiguous: Bool = false) throws -> UInt64 {
        let encoded = try format.encode(MapAttributes(letters: letters))
        return format.leafDescriptor(template: format.leafTemplate(encoded, level: level, contiguous: contiguous),
                                     outputAddress: address, level: level)
    }

    /// (configuration, PROT, level, output address, PTE), hand-computed: A|D = 0xC0, U = 0x10,
    /// PPN field = address >> 2.
    static let golden: [(RISCV.Configuration, String, Int, UInt64, UInt64)] = [
        (.init(), "r", 0, 0x8000_1000, 0x2000_04D3),
        (.init(), "rw", 0, 0x8000_1000, 0x2000_04D7),
        (.init(), "rx", 0, 0x8000_1000, 0x2000_04DB),
        (.init(), "rwx", 0, 0x8000_1000, 0x2000_04DF),
        (.init(), "x", 0, 0x8000_1000, 0x2000_04D9),
        (.init(), "rp", 0, 0x8000_1000, 0x2000_04C3),
        (.init(), "rwxp", 0, 0x8000_1000, 0x2000_04CF),
        (.init(), "xp", 0, 0x8000_1000, 0x2000_04C9),
        (.init(), "rw", 1, 0x8020_0000, 0x2008_00D7),
        (.init(mode: .sv39), "rw", 2, 0x4000_0000, 0x1000_00D7),
        (.init(), "rwx", 3, 0x80_0000_0000, 0x20_0000_00DF),
        (.init(mode: .sv57), "r", 4, 0x1_0000_0000_0000, 0x4000_0000_00D3),
        (.init(svpbmt: true), "rw", 0, 0x8000_1000, 0x2000_0000_2000_04D7),
        (.init(svpbmt: true), "rwc", 0, 0x8000_1000, 0x0000_0000_2000_04D7),
        (.init(svpbmt: true), "rwd", 0, 0x8000_1000, 0x4000_0000_2000_04D7),
        (.init(svpbmt: true), "rxd", 1, 0x8020_0000, 0x4000_0000_2008_00DB),
        (.init(stage: .stage2), "rw", 0, 0x8000_1000, 0x2000_04D7),
        (.init(mode: .sv39, stage: .stage2), "x", 2, 0x4000_0000, 0x1000_00D9),
    ]

    @Test(arguments: 0..<golden.count)
    func goldenLeaves(_ index: Int) throws {
        let (configuration, letters, level, address, expected) = Self.golden[index]
        let format = RISCV(configuration)
        let pte = try Self.leaf(format, letters, at: address, level: level)
        #expect(pte == expected, "\(configuration) \(letters) level \(level): 0x\(String(pte, radix: 16))")
        #expect(format.decode(pte, level: level) == .leaf(outputAddress: address, contiguous: false))
        #expect(format.attributes(ofLeaf: pte, level: level) == MapAttributes(letters: letters))
    }

    /// Svnapot: 16 PTEs with N=1 and PPN[3:0] = 0b1000, all identical, the group base 0x9001_0000
    /// (PPN 0x90010) in bits 53:14: 0x9001_0000 >> 2 = 0x2400_4000, | 0b1000 << 10 = 0x2400_6000.
    @Test func napotGroupMembersAreIdentical() throws {
        let format = RISCV(svnapot: true)
        for member in 0..<16 as Range<UInt64> {
            let pte = try Self.leaf(format, "rw", at: 0x9001_0000 + member << 12, level: 0, contiguous: true)
            #expect(pte == 0x8000_0000_2400_60D7)
            #expect(format.decode(pte, level: 0) == .leaf(outputAddress: 0x9001_0000, contiguous: true))
        }
        // Without Svnapot N is reserved; above level 0, or with another PPN[3:0], it faults.
        #expect(RISCV().decode(0x8000_0000_2400_60D7, level: 0) == .empty)
        #expect(format.decode(0x8000_0000_2400_60D7, level: 1) == .empty)
        #expect(format.decode(0x8000_0000_2400_50D7, level: 0) == .empty)
    }

    /// Pointers: V alone with the PPN; every level but 0 may hold one.
    @Test func tablePointers() {
        let format = RISCV(mode: .sv57)
        #expect(format.tableDescriptor(address: 0x8000_2000, level: 1) == 0x2000_0801)
        #expect(format.tableDescriptor(address: 0xF_FFFF_FFFF_F000, level: 4) == 0x3_FFFF_FFFF_FC01)
        for level in 1...4 { #expect(format.decode(0x2000_0801, level: level) == .table(0x8000_2000)) }
        #expect(format.decode(0x2000_0801, level: 0) == .empty, "a pointer at level 0 faults")
    }

    /// Encodings the hardware faults on decode as empty.
    @Test func faultingEncodingsAreEmpty() {
        let plain = RISCV(), typed = RISCV(svpbmt: true)
        #expect(plain.decode(0x2000_04D6, level: 0) == .empty, "V clear")
        #expect(plain.decode(0x2000_04D5, level: 0) == .empty, "W without R")
        #expect(plain.decode(0x2000_04DD, level: 0) == .empty, "W|X without R")
        #expect(plain.decode(0x0040_0000_2000_04D7, level: 0) == .empty, "reserved bit 54")
        #expect(plain.decode(0x2000_0000_2000_04D7, level: 0) == .empty, "PBMT without Svpbmt")
        #expect(typed.decode(0x6000_0000_2000_04D7, level: 0) == .empty, "PBMT 3 is reserved")
        #expect(plain.decode(0x2000_04D7 | 0x400, level: 1) == .empty, "misaligned megapage")
        #expect(plain.decode(0x1000_00D7 | 0x200 << 10, level: 2) == .empty, "misaligned gigapage")
        #expect(plain.decode(0, level: 0) == .empty)
    }

    static let protections = ["r", "w", "x", "rw", "rx", "wx", "rwx", "", "rc", "rwc", "rwxc", "rd", "rwd", "xd",
                              "rp", "rwp", "rxp", "xp", "rwxp", "wp", "rcp", "rdp", "cd"]

    /// Every configuration x PROT x leaf level: each field follows its rule, attributes read
    /// back unchanged, and inexpressible PROTs are refused.
    @Test(arguments: RISCV.Mode.allCases, RISCV.Stage.allCases)
    func everyCombinationFollowsTheFieldRules(mode: RISCV.Mode, stage: RISCV.Stage) throws {
        for (svnapot, svpbmt) in [(false, false), (true, false), (false, true), (true, true)] {
            let format = RISCV(mode: mode, stage: stage, svnapot: svnapot, svpbmt: svpbmt)
            for letters in Self.protections {
                let (r, w, x, p) = (letters.contains("r"), letters.contains("w"), letters.contains("x"), letters.contains("p"))
                let (c, d) = (letters.contains("c"), letters.contains("d"))
                let expressible = (r || w || x) && (r || !w) && !(stage == .stage2 && p) && (svpbmt || (!c && !d))
                    && !(c && d)
                let attributes = MapAttributes(letters: letters)
                guard expressible else {
                    #expect(throws: PageTableError.self, "\(letters) must be refused") { try format.encode(attributes) }
                    continue
                }
                for level in 0..<format.geometry.levelCount {
                    for contiguous in level == 0 && svnapot ? [false, true] : [false] {
                        let address = UInt64(3) << UInt64(12 + 9 * level + (contiguous ? 4 : 0))
                        let pte = try Self.leaf(format, letters, at: address, level: level, contiguous: contiguous)
                        func bit(_ n: UInt64) -> Bool { pte >> n & 1 == 1 }
                        let context = "\(mode) s\(stage.rawValue) napot \(svnapot) pbmt \(svpbmt) \(letters) level \(level)"
                        #expect(bit(0) && bit(1) == r && bit(2) == w && bit(3) == x, "\(context): V R W X")
                        #expect(bit(4) == !p && !bit(5) && bit(6) && bit(7), "\(context): U G A D")
                        #expect(pte >> 54 & 0x7F == 0, "\(context): reserved")
                        #expect(pte >> 61 & 3 == (!svpbmt ? 0 : c ? 0 : d ? 2 : 1), "\(context): PBMT")
                        #expect(bit(63) == contiguous, "\(context): N")
                        let ppn = (pte >> 10) & 0xFFF_FFFF_FFFF
                        #expect(ppn == (contiguous ? address >> 12 | 0b1000 : address >> 12), "\(context): PPN")
                        #expect(format.decode(pte, level: level) == .leaf(outputAddress: address, contiguous: contiguous))
                        #expect(format.attributes(ofLeaf: pte, level: level) == (svpbmt || c || d ? attributes
                            : MapAttributes(access: attributes.access, privileged: p)), "\(context): read back")
                    }
                }
            }
        }
    }
}
