import PageTable
import PageTableTestSupport
import RISCV
import Testing

/// `collapse(iova:size:)` on RISC-V: the privileged spec lets a hart use the old or the new
/// entry until the SFENCE.VMA, both translating alike, so uniform tables become superpages
/// (NAPOT groups below them included).
@Suite struct CollapseTests {
    let fixture = TableFixture()
    let rw = MapAttributes(access: [.read, .write])
    let base: UInt64 = 0x4000_0000, megapage: UInt64 = 2 << 20

    @Test(arguments: [RISCV.Mode.sv39, .sv48, .sv57], [false, true])
    func pagesBecomeAMegapage(_ mode: RISCV.Mode, _ napot: Bool) throws {
        var table = try fixture.makeTable(RISCV(mode: mode, svnapot: napot))
        #expect(table.map(iova: megapage, to: base, size: megapage, attributes: rw).isComplete)
        #expect(table.cut(iova: megapage).isComplete)
        if napot { #expect(table.cut(iova: megapage + 0x1_0000).isComplete, "a 64K group into pages") }
        let tables = table.tableCount
        #expect(table.collapse(iova: megapage, size: megapage) == RangeOutcome(bytes: megapage))
        #expect(table.lookup(megapage + 0x1_2000)?.size == megapage && table.tableCount == tables - 1)
        #expect(table.translate(megapage + 0x1_2345) == base + 0x1_2345)
        if napot { #expect(table.collapse(iova: megapage, size: 0x1_0000).error?.kind == .unsupported, "no 64K block") }
    }
}
