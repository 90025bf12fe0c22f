import PageTableKit

/// Runs parsed operations against a table, writing exactly one answer line per operation.
///
/// Table-level failures are answers, not errors: `mapped 0 error already-mapped` and the
/// run goes on.
struct ScriptRunner {
    /// The table operated on.
    let table: AnyPageTable

    /// Runs `operations` in order, writing each answer to `output`.
    func run(_ operations: [ScriptOperation], output: TextSink) {
        for operation in operations { output.write(answer(to: operation) + "\n") }
    }

    /// Performs one operation and returns its answer line (without a newline).
    func answer(to operation: ScriptOperation) -> String {
        switch operation {
        case .map(let iova, let physicalAddress, let size, let protection):
            return "mapped \(map(iova: iova, to: physicalAddress, size: size, protection: protection))"
        case .unmap(let iova, let size):
            return "unmapped \(table.unmap(iova: iova, size: size))"
        case .translate(let iova):
            return table.translate(iova)?.hexadecimal ?? "unmapped"
        }
    }

    private func map(iova: UInt64, to physicalAddress: UInt64, size: UInt64, protection: Protection) -> RangeOutcome {
        do throws(PageTableError) {
            let attributes = try protection.attributes(for: iova)
            return table.map(iova: iova, to: physicalAddress, size: size, attributes: attributes)
        } catch {
            return RangeOutcome(bytes: 0, error: error)
        }
    }
}
