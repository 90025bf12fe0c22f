import PageTable
import PageTableTestSupport

/// Tiny-format tables live in a small arena below 4 GiB.
func tinyFixture() -> TableFixture { TableFixture(base: 0x10_0000, size: 1 << 20) }

let readWrite = MapAttributes(access: [.read, .write])

func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

/// The leaves of a table as (address, size, level) triples, in address order.
func leaves<F: PageTableFormat, M: TableMemory, A: TableAllocator, I: TLBInvalidator>(
    _ table: borrowing PageTable<F, M, A, I>) -> [(UInt64, UInt64, Int)] {
    var result: [(UInt64, UInt64, Int)] = []
    table.forEachMapping { result.append(($0.virtualAddress, $0.size, $0.level)) }
    return result
}
