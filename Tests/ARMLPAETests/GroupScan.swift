import ARMLPAE
import PageTable
import PageTableTestSupport

/// An independent check of contiguous groups, reading a table's raw descriptors the way an MMU
/// would and knowing nothing of the format's decode: every aligned run of a group's entries
/// holds no Contiguous bit at all, or is a complete group -- every member a valid leaf with the
/// bit, identical attribute bits, consecutive output addresses, the first aligned to the
/// group's size.
struct GroupScan {
    /// Entries per group at each walker level (0 = L3), from the ARM ARM's table, by granule.
    static func groupEntries(_ granule: ARMLPAE.Granule, level: Int) -> Int? {
        switch (granule, level) {
        case (.size4K, 0), (.size4K, 1), (.size4K, 2): return 16
        case (.size16K, 0): return 128
        case (.size16K, 1): return 32
        case (.size64K, 0), (.size64K, 1): return 32
        default: return nil
        }
    }

    static let contiguousBit: UInt64 = 1 << 52
    /// Output-address bits 47:12 (no 52-bit output in these scans).
    static let addressBits: UInt64 = 0x0000_FFFF_FFFF_F000

    var problems: [String] = []
    /// Groups found, by walker level.
    var groups: [Int: Int] = [:]
    /// Descriptors with the Contiguous bit, anywhere.
    var hinted = 0

    /// Scans every table of `table`, whose memory is `arena`.
    init<Allocator, Invalidator>(_ table: borrowing PageTable<ARMLPAE, PhysicalArena, Allocator, Invalidator>,
                                 arena: PhysicalArena) {
        let granule = table.format.configuration.granule
        let geometry = table.format.geometry
        var tables: [(address: UInt64, level: Int)] = []
        table.visit { node in
            if case .table(let info) = node { tables.append((info.address, info.level)) }
        }
        func read(_ address: UInt64) -> UInt64 {
            arena.bytes.load(fromByteOffset: Int(address - arena.base), as: UInt64.self)
        }
        for (address, level) in tables {
            let shape = geometry[level]
            let items = (0..<shape.itemCount).map { read(address + 8 * UInt64($0)) }
            hinted += items.filter { $0 & 1 != 0 && $0 & Self.contiguousBit != 0 }.count
            guard let count = Self.groupEntries(granule, level: level) else {
                if items.contains(where: { $0 & 1 != 0 && $0 & Self.contiguousBit != 0 }) {
                    problems.append("L\(3 - level) table \(hex(address)): Contiguous bit where no group is legal")
                }
                continue
            }
            let leafType: UInt64 = level == 0 ? 3 : 1
            var first = 0
            while first < items.count {
                defer { first += count }
                let run = items[first..<min(first + count, items.count)]
                let withBit = run.filter { $0 & Self.contiguousBit != 0 }.count
                guard withBit > 0 else { continue }
                let name = "L\(3 - level) table \(hex(address)) group at item \(first)"
                guard withBit == count, run.allSatisfy({ $0 & 3 == leafType }) else {
                    problems.append("\(name): \(withBit) of \(count) entries are hinted leaves")
                    continue
                }
                let base = run.first! & Self.addressBits
                let itemSize = shape.itemSize
                if base & (itemSize * UInt64(count) - 1) != 0 { problems.append("\(name): output \(hex(base)) misaligned") }
                for (offset, member) in run.enumerated() {
                    if member & ~Self.addressBits != run.first! & ~Self.addressBits {
                        problems.append("\(name): member \(offset) has other attributes")
                    }
                    if member & Self.addressBits != base + UInt64(offset) * itemSize {
                        problems.append("\(name): member \(offset) maps \(hex(member & Self.addressBits))")
                    }
                }
                groups[level, default: 0] += 1
            }
        }
    }
}

func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
