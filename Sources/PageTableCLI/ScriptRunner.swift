import PageTableKit

/// Runs parsed operations against a table, writing exactly one answer line per operation.
///
/// Table-level failures are answers, not errors: `mapped 0 error already-mapped` and the
/// run goes on.
struct ScriptRunner {
    /// The table operated on.
    let table: AnyPageTable
    /// Fault injection into its allocations.
    let allocationFaults: AllocationFaults

    /// Runs `operations` in order, writing each answer to `output`.
    func run(_ operations: [ScriptOperation], output: TextSink) {
        for operation in operations { output.write(answer(to: operation) + "\n") }
    }

    /// Performs one operation and returns its answer line (without a newline).
    func answer(to operation: ScriptOperation) -> String {
        switch operation {
        case .map(let iova, let physicalAddress, let size, let protection):
            return "mapped \(map(iova: iova, to: physicalAddress, size: size, protection: protection, using: table.map))"
        case .mapAll(let iova, let physicalAddress, let size, let protection):
            return "mapped \(map(iova: iova, to: physicalAddress, size: size, protection: protection, using: table.mapAll))"
        case .mapRepeat(let iova, let physicalAddress, let pageSize, let size, let protection):
            let outcome = map(iova: iova, to: physicalAddress, size: size, protection: protection) {
                table.mapRepeat(iova: $0, size: $2, physicalAddress: $1, pageSize: pageSize, attributes: $3)
            }
            return "mapped \(outcome)"
        case .mapList(let iova, let protection, let pages):
            let outcome = map(iova: iova, to: 0, size: 0, protection: protection) { iova, _, _, attributes in
                table.map(iova: iova, pages: pages, attributes: attributes)
            }
            return "mapped \(outcome)"
        case .failAllocations(let n):
            allocationFaults.failAllocations(n)
            return "ok"
        case .stopFailingAllocations:
            allocationFaults.stopFailing()
            return "ok"
        case .reserve(let iova, let size):
            return "reserved \(table.reserve(iova: iova, size: size))"
        case .release(let iova, let size):
            return "released \(table.release(iova: iova, size: size))"
        case .estimate(let iova, let size, let physicalAddress):
            do throws(PageTableError) {
                return "tables \(try table.estimateMap(iova: iova, size: size, physicalAddress: physicalAddress).tables)"
            } catch {
                return "tables 0 error \(error.kind.name)"
            }
        case .estimateReserve(let iova, let size):
            do throws(PageTableError) {
                return "tables \(try table.estimateReserve(iova: iova, size: size).tables)"
            } catch {
                return "tables 0 error \(error.kind.name)"
            }
        case .protect(let iova, let size, let protection):
            let outcome = map(iova: iova, to: 0, size: size, protection: protection) { iova, _, size, attributes in
                table.protect(iova: iova, size: size, attributes: attributes)
            }
            return "protected \(outcome)"
        case .unmap(let iova, let size):
            return "unmapped \(table.unmap(iova: iova, size: size))"
        case .translate(let iova):
            return table.translate(iova)?.hexadecimal ?? "unmapped"
        }
    }

    private func map(iova: UInt64, to physicalAddress: UInt64, size: UInt64, protection: Protection,
                     using operation: (UInt64, UInt64, UInt64, MapAttributes) -> RangeOutcome) -> RangeOutcome {
        do throws(PageTableError) {
            let attributes = try protection.attributes(for: iova)
            return operation(iova, physicalAddress, size, attributes)
        } catch {
            return RangeOutcome(bytes: 0, error: error)
        }
    }
}
