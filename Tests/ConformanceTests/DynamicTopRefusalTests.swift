import PageTableKit
import PageTableTestSupport
import Testing

/// Formats whose old top cannot become an inner table never grow (`grownTop()` is `nil`), so a
/// map beyond their range stays `out-of-range` (the CLI refuses `--dynamic-top` for them).
@Suite struct DynamicTopRefusalTests {
    @Test func formatsWithAFixedTopNeverGrow() throws {
        #expect(try X86_64(X86_64.Configuration(levels: .four)).grownTop() == nil)
        #expect(try RISCV(RISCV.Configuration(mode: .sv39)).grownTop() == nil)
        #expect(try RISCV(RISCV.Configuration(mode: .sv39, stage: .stage2)).grownTop() == nil)
        #expect(ARMv7Short().grownTop() == nil)
        #expect(try GPULPAE(inputAddressBits: 39).grownTop() == nil)
        #expect(TinyFormat().grownTop() == nil)
        // Nor does ARM LPAE without the option.
        #expect(try ARMLPAE(inputAddressBits: 39).grownTop() == nil)
    }

    @Test func aMapBeyondAFixedTopIsOutOfRange() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try RISCV(RISCV.Configuration(mode: .sv39)))
        let root = table.root
        let outcome = table.map(iova: 1 << 40, to: 0x4000_0000, size: 0x1000, attributes: MapAttributes(access: [.read]))
        #expect(outcome.bytes == 0 && outcome.error?.kind == .outOfRange && table.root == root && table.tableCount == 1)
    }
}
