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
    /// The error behind the latest failed answer, for `--explain`.
    let failures = FailureNote()

    /// Runs `operations` in order, writing each answer to `output`.
    func run(_ operations: [ScriptOperation], output: TextSink) {
        for operation in operations { output.write(answer(to: operation) + "\n") }
    }

    /// Runs numbered `operations` in order, writing each answer to `output` and, for every
    /// failed answer, calling `explain` with the operation's line and the error.
    func run(_ operations: [(line: Int, operation: ScriptOperation)], output: TextSink,
             explain: (Int, PageTableError) -> Void) {
        for (line, operation) in operations {
            failures.error = nil
            output.write(answer(to: operation) + "\n")
            if let error = failures.error { explain(line, error) }
        }
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
            return "reserved \(noted(table.reserve(iova: iova, size: size)))"
        case .release(let iova, let size):
            return "released \(noted(table.release(iova: iova, size: size)))"
        case .estimate(let iova, let size, let physicalAddress):
            do throws(PageTableError) {
                return "tables \(try table.estimateMap(iova: iova, size: size, physicalAddress: physicalAddress).tables)"
            } catch {
                failures.error = error
                return "tables 0 error \(error.kind.name)"
            }
        case .estimateReserve(let iova, let size):
            do throws(PageTableError) {
                return "tables \(try table.estimateReserve(iova: iova, size: size).tables)"
            } catch {
                failures.error = error
                return "tables 0 error \(error.kind.name)"
            }
        case .protect(let iova, let size, let protection):
            let outcome = map(iova: iova, to: 0, size: size, protection: protection) { iova, _, size, attributes in
                table.protect(iova: iova, size: size, attributes: attributes)
            }
            return "protected \(outcome)"
        case .unmap(let iova, let size):
            return "unmapped \(noted(table.unmap(iova: iova, size: size)))"
        case .cut(let iova):
            return "cut \(noted(table.cut(iova: iova)))"
        case .dirty(let iova, let size):
            let found = table.readAndClearDirty(iova: iova, size: size)
            if let error = noted(found.outcome).error { return "dirty 0 error \(error.kind.name)" }
            return "dirty \(found.dirtyBytes)"
        case .hardwareWrite(let iova):
            return table.simulateHardwareWrite(iova: iova) == .written ? "ok" : "fault"
        case .collapse(let iova, let size):
            return "collapsed \(noted(table.collapse(iova: iova, size: size)))"
        case .translate(let iova):
            return table.translate(iova)?.hexadecimal ?? "unmapped"
        case .walk(let iova):
            return WalkExplanation(table.trace(iova), levelName: table.levelName).line
        case .top:
            let geometry = table.geometry
            return "top \(geometry.levelCount) \(geometry.inputAddressBits) \(table.root.hexadecimal)"
        }
    }

    private func map(iova: UInt64, to physicalAddress: UInt64, size: UInt64, protection: Protection,
                     using operation: (UInt64, UInt64, UInt64, MapAttributes) -> RangeOutcome) -> RangeOutcome {
        do throws(PageTableError) {
            let attributes = try protection.attributes(for: iova)
            return noted(operation(iova, physicalAddress, size, attributes))
        } catch {
            return noted(RangeOutcome(bytes: 0, error: error))
        }
    }

    /// `outcome`, its error (if any) noted for `--explain`.
    func noted(_ outcome: RangeOutcome) -> RangeOutcome {
        if let error = outcome.error { failures.error = error }
        return outcome
    }
}

/// The error behind the latest failed answer (a class, so the runner's answers can note it).
final class FailureNote {
    /// The error, or `nil` if the latest answer succeeded.
    var error: PageTableError?
}
