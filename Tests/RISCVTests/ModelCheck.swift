import PageTable
import PageTableTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The seed for this run: `PAGETABLE_SEED` from the environment, or a fixed default.
func seed() -> UInt64 {
    if let text = getenv("PAGETABLE_SEED"), let value = UInt64(String(cString: text)) { return value }
    return 0x5EED_0014
}

/// Model-based random operations on one format, every outcome, translation and attribute
/// compared with ``ReferenceModel``, the hardware caches (``TLBModel``) checked for staleness
/// and the table's invariants checked. Until the conformance kit is a library, this is the
/// kit's random test for formats outside `Tests/ConformanceTests`.
struct ModelCheck<Format: PageTableFormat> {
    let format: Format
    let name: String
    var operations = 1200

    func run(coherent: Bool, seed: UInt64) throws {
        let context = "\(name) \(coherent ? "coherent" : "non-coherent") seed \(seed) (PAGETABLE_SEED)"
        var random = SeededGenerator(seed: seed)
        let geometry = format.geometry
        var modelled = try ModelledTable(format, base: 0x8000_0000, size: 64 << 20, coherent: coherent)
        var model = ReferenceModel(geometry: geometry)
        let shifts = geometry.leafSizeShifts
        var outcomes: Set<String> = []
        let region = geometry.inputLimit / 4

        func attributes() -> MapAttributes {
            let letters = ["r", "rw", "rx", "rwx", "x", "w", "", "rc", "rwd", "rp", "rwxp", "xp", "rwc", "rd"]
            return MapAttributes(letters: letters.randomElement(using: &random)!)
        }
        func address(shift: Int) -> UInt64 {
            let size = UInt64(1) << UInt64(shift)
            let base = UInt64.random(in: 0..<4, using: &random) * region
            return base + UInt64.random(in: 0..<min(48, region / size), using: &random) * size
        }
        for step in 0..<operations {
            // Mostly the smallest pages, so tables fill up; every leaf size now and then.
            let shift = Int.random(in: 0..<5, using: &random) < 3 ? shifts[0] : shifts.randomElement(using: &random)!
            let size = UInt64(1) << UInt64(shift)
            let iova = address(shift: shift)
            let here = "\(context) step \(step)"
            modelled.tlb.prefetch([iova, iova &+ size, iova &- 1])
            var range = iova..<iova + size
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                let count = UInt64.random(in: 1...3, using: &random)
                let pa = UInt64.random(in: 0..<(min(geometry.outputLimit, 1 << 52) / size - count), using: &random) * size
                let wanted = attributes()
                let outcome = modelled.table.map(iova: iova, to: pa, size: size * count, attributes: wanted)
                range = iova..<iova + size * count
                let expected = (try? format.encode(wanted)) == nil ? (0, .invalidAttributes) : model.map(iova, pa, size * count, wanted)
                outcomes.insert("map " + (outcome.error?.kind.name ?? "ok"))
                #expect(outcome.bytes == expected.0 && outcome.error?.kind == expected.1, "\(here): map \(outcome)")
            case 5:
                let pages = UInt64.random(in: 1...1024, using: &random)
                let wanted = attributes()
                let page = geometry.pageSize
                let start = address(shift: 12)
                let outcome = modelled.table.mapRepeat(iova: start, size: pages * page, physicalAddress: 0x4000_0000,
                                                       pageSize: page, attributes: wanted)
                range = start..<start + pages * page
                let expected = (try? format.encode(wanted)) == nil ? (0, .invalidAttributes)
                    : model.repeatPage(start, pages * page, 0x4000_0000, pageSize: page, wanted)
                outcomes.insert("repeat " + (outcome.error?.kind.name ?? "ok"))
                #expect(outcome.bytes == expected.0 && outcome.error?.kind == expected.1, "\(here): repeat \(outcome)")
            default:
                // Mostly whole leaves; sometimes a page inside one (partial-leaf) or anywhere.
                var unmapRange = range
                if let leaf = model.leaves.randomElement(using: &random), Int.random(in: 0..<3, using: &random) > 0 {
                    unmapRange = Bool.random(using: &random) || leaf.size == geometry.pageSize ? leaf.start..<leaf.end
                        : leaf.start + geometry.pageSize..<leaf.start + 2 * geometry.pageSize
                }
                range = unmapRange
                let outcome = modelled.table.unmap(iova: unmapRange.lowerBound, size: UInt64(unmapRange.count))
                let expected = model.unmap(unmapRange.lowerBound, UInt64(unmapRange.count))
                outcomes.insert("unmap " + (outcome.error?.kind.name ?? "ok"))
                #expect(outcome.bytes == expected.bytes && outcome.error?.kind == expected.error, "\(here): unmap \(outcome)")
            }
            var probes = [range.lowerBound, range.upperBound - 1, range.upperBound]
            if let leaf = model.leaves.randomElement(using: &random) { probes.append(leaf.start + UInt64.random(in: 0..<leaf.size, using: &random)) }
            for probe in probes where probe < geometry.inputLimit {
                #expect(modelled.table.translate(probe) == model.translate(probe), "\(here): translate 0x\(String(probe, radix: 16))")
                #expect(modelled.table.lookup(probe)?.attributes == model.leaf(covering: probe)?.attributes, "\(here): attributes")
            }
            let stale = modelled.staleness(in: step % 32 == 31 ? nil : range, probes: probes.filter { $0 < geometry.inputLimit })
            #expect(stale.isEmpty, "\(here): \(stale.prefix(3))")
            if step % 32 == 31 { modelled.tlb.invalidateAll() }
            if step % 200 == 0 { try #require(modelled.table.invariantViolations().isEmpty, "\(here)") }
        }
        let wanted: Set<String> = ["map ok", "map already-mapped", "map invalid-attributes", "repeat ok",
                                   "unmap ok", "unmap not-mapped", "unmap partial-leaf"]
        #expect(wanted.subtracting(outcomes).isEmpty, "\(context): never saw \(wanted.subtracting(outcomes))")
        let sizes = Set(shifts.map { UInt64(1) << UInt64($0) })
        #expect(sizes.subtracting(model.leafSizesBuilt).isEmpty, "\(context): leaf sizes never built")
        // Unmap everything: only the top table remains.
        for leaf in model.leaves {
            #expect(modelled.table.unmap(iova: leaf.start, size: leaf.size).isComplete, "\(context): final unmap")
        }
        #expect(modelled.table.tableCount == 1, "\(context): \(modelled.table.tableCount) tables remain")
        #expect(modelled.table.invariantViolations().isEmpty && modelled.staleness().isEmpty, "\(context)")
    }
}
