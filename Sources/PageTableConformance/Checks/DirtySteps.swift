import PageTable
import PageTableTestSupport

/// The random-operation check's dirty-tracking steps. After an operation, now and then:
/// hardware writes to a few addresses (``PageTable/simulateHardwareWrite(iova:)``, the TLB
/// model keeping the entry it used, now dirty) and a read-and-clear of a range around the
/// operation, each compared with ``ReferenceModel``; then no leaf the TLB model cached dirty
/// may have been cleaned in the table without an invalidation (writes through it would go
/// unrecorded). Formats without dirty tracking get the writes (through where the leaf is
/// writable, a fault elsewhere) and the `unsupported` refusal of the read.
enum DirtySteps {
    /// The outcomes a run must have seen.
    static func wanted<Format: PageTableFormat>(_ format: Format) -> Set<String> {
        format.tracksDirtyState ? ["hw-write ok", "hw-write fault", "dirty found", "dirty clean", "dirty partial-leaf"]
            : ["hw-write ok", "hw-write fault", "dirty unsupported"]
    }

    static func run<Format: PageTableFormat>(_ format: Format, _ modelled: inout ModelledTable<Format>,
                                             _ model: inout ReferenceModel, near range: Range<UInt64>,
                                             input: (UInt64) -> UInt64, seen: inout Set<String>, _ log: FailureLog,
                                             using random: inout SeededGenerator) throws {
        guard Int.random(in: 0..<3, using: &random) == 0 else { return }
        let geometry = format.geometry
        let page = geometry.pageSize
        let tracking = format.tracksDirtyState
        var targets = [range.lowerBound + UInt64.random(in: 0..<(range.upperBound - range.lowerBound), using: &random)]
        if let leaf = model.leaves.randomElement(using: &random) {
            targets.append(leaf.start + UInt64.random(in: 0..<leaf.size, using: &random))
        }
        for target in targets {
            let written = modelled.table.simulateHardwareWrite(iova: input(target))
            let expected = model.hardwareWrite(target, tracking: tracking)
            seen.insert(written == .written ? "hw-write ok" : "hw-write fault")
            try log.expect((written == .written) == expected,
                           "hw-write \(hex(input(target))): got \(written), the model says \(expected ? "ok" : "fault")")
            if written == .written { modelled.tlb.noteHardwareWrite(input(target)) }
        }
        guard Bool.random(using: &random) else { return }
        // Whole leaves around the operation, or (a quarter of the time) a page short.
        var start = range.lowerBound & ~(page - 1), end = (range.upperBound + page - 1) & ~(page - 1)
        if let leaf = model.leaves.randomElement(using: &random) {
            start = min(start, leaf.start)
            end = max(end, leaf.end)
        }
        if Int.random(in: 0..<4, using: &random) == 0 { end -= page }
        guard end > start, geometry.contains(inputAddress: input(start), size: end - start) else { return }
        let found = modelled.table.readAndClearDirty(iova: input(start), size: end - start)
        let description = "dirty \(hex(input(start))) \(hex(end - start))"
        guard tracking else {
            seen.insert("dirty " + (found.outcome.error?.kind.name ?? "ok"))
            try log.expect(found.outcome.error?.kind == .unsupported && found.runs.isEmpty,
                           "\(description) without dirty tracking: got \(found.outcome), not unsupported")
            return
        }
        let expected = model.readAndClearDirty(start, end - start)
        let runs = found.runs.map { geometry.tableAddress(of: $0.iova)..<(geometry.tableAddress(of: $0.iova) + $0.size) }
        seen.insert("dirty " + (found.outcome.error.map { $0.kind.name } ?? (runs.isEmpty ? "clean" : "found")))
        try log.expect(found.outcome.error?.kind == expected.error && runs == expected.runs
                           && found.outcome.bytes == (expected.error == nil ? end - start : 0),
                       "\(description): got \(found.outcome) \(runs.map { "\(hex($0.lowerBound))+\(hex($0.upperBound - $0.lowerBound))" }), "
                       + "the model says \(expected.error?.name ?? "ok") \(expected.runs.map { "\(hex($0.lowerBound))+\(hex($0.upperBound - $0.lowerBound))" })")
        let stale = modelled.tlb.staleDirtyState()
        try log.expect(stale.isEmpty, "\(description) left cached dirty entries: \(stale.prefix(3))")
    }
}
