// Instantiates the library's whole public API for every built-in format, so that a client's
// specialisation of each generic (what Embedded Swift compiles, and where its restrictions
// show) is compiled and linked for a bare-metal triple. The kernel also runs it, under QEMU.
//
// A new format is one line in `exerciseEveryFormat`.

import PageTable
import ARMLPAE
import ARMv7Short
import GPULPAE
import RISCV
import X86

/// Receives one named result.
typealias Report = (StaticString, Bool) -> Void

/// Runs the public API over every built-in format: `report` gets each check's result.
func exerciseEveryFormat(_ report: Report) {
    if let format = try? ARMLPAE() { exercise(format, report) }
    if let format = try? ARMLPAE(granule: .size64K, stage: .stage2, inputAddressBits: 40, outputAddressBits: 40) {
        exercise(format, report)
    }
    exercise(ARMv7Short(), report)
    if let format = try? GPULPAE() { exercise(format, report) }
    exercise(RISCV(mode: .sv48), report)
    exercise(RISCV(mode: .sv39, stage: .stage2, svnapot: true, svpbmt: true), report)
    if let format = try? X86_64(levels: .five) { exercise(format, report) }
    exerciseAllocators(report)
}

/// Every walker operation, on one format, in tables of simulated memory.
func exercise<Format: PageTableFormat>(_ format: Format, _ report: Report) {
    let page = format.geometry.pageSize
    guard let arena = PhysicalArena(base: 0x8000_0000, size: 1 << 19) else { return report("arena", false) }
    let allocator = BuddyAllocator(arena: arena)
    guard var table = try? PageTable(format: format, memory: arena, allocator: allocator,
                                     invalidator: OfflineInvalidator()) else { return report("create", false) }
    let rw = MapAttributes(access: [.read, .write])
    let output: PhysicalAddress = 0x4000_0000  // Output addresses are multiples of the page.
    report("map", table.map(iova: 0, to: output, size: 4 * page, attributes: rw).isComplete)
    report("mapAll", table.mapAll(iova: 8 * page, to: output + 8 * page, size: page, attributes: rw).isComplete)
    report("mapPages", table.mapPages(iova: 16 * page, to: output + 16 * page, pageSize: page, pageCount: 2,
                                      attributes: rw).isComplete)
    report("translate", table.translate(page + 5) == output + page + 5)
    report("lookup", table.lookup(0)?.size == page)
    var leaves = 0
    table.forEachMapping { _ in leaves += 1 }
    report("forEachMapping", leaves == 7)
    var tables = 0
    table.visit { node in if case .table = node { tables += 1 } }
    report("visit", tables == table.tableCount)
    report("statistics", table.statistics.tables == table.tableCount)
    report("estimateMap", (try? table.estimateMap(iova: 64 * page, size: page)) != nil)
    report("estimateUnmap", (try? table.estimateUnmap(iova: 0, size: page)) != nil)
    report("estimateReserve", (try? table.estimateReserve(iova: 32 * page, size: page)) != nil)
    report("reserve", table.reserve(iova: 32 * page, size: page).isComplete)
    report("reservedRanges", table.reservedRanges.count == 1)
    report("release", table.release(iova: 32 * page, size: page).isComplete)
    if let batch = try? table.prepare([.map(iova: 40 * page, physicalAddress: output + 40 * page, size: page, attributes: rw),
                                       .unmap(iova: 40 * page, size: page)]) {
        report("prepare+commit", table.commit(batch).allSatisfy { $0.error == nil })
    } else {
        report("prepare+commit", false)
    }
    report("apply", table.apply([.unmap(iova: 16 * page, size: 2 * page)]).allSatisfy { $0.isComplete })
    report("unmap", table.unmap(iova: 0, size: 4 * page).isComplete && table.translate(0) == nil)
    report("not-mapped", table.unmap(iova: 0, size: page).error?.kind == .notMapped)
    if format.allowsSharedTables {
        report("estimateRepeat", (try? table.estimateRepeat(iova: 1 << 30, size: 1 << 30, pageSize: page)) != nil)
        report("mapRepeat", table.mapRepeat(iova: 1 << 30, size: 1 << 30, physicalAddress: output, pageSize: page,
                                            attributes: rw).isComplete)
    }
    report("invariants", table.invariantViolations().isEmpty)
    report("registers", !table.registers.isEmpty && table.registers[HardwareRegister.ID.unidentified] == nil)
    let erased = AnyPageTable(table)
    report("AnyPageTable", erased.translate(8 * page) == output + 8 * page && erased.map(iova: 0, to: 0, size: page,
                                                                                   attributes: rw).isComplete)
    report("AnyPageTable.unmap", erased.unmap(iova: 0, size: page).isComplete && erased.invariantViolations().isEmpty)
}

/// The allocators and their compositions, each under a live table.
func exerciseAllocators(_ report: Report) {
    guard let arena = PhysicalArena(base: 0x8000_0000, size: 1 << 20), let format = try? ARMLPAE() else {
        return report("allocator arena", false)
    }
    let rw = MapAttributes(access: [.read, .write])
    guard let buddy = BuddyAllocator(base: 0x8000_0000, size: 1 << 19) else { return report("BuddyAllocator", false) }
    let slab = SlabAllocator(objectSize: 4096, pageSize: 16384, backing: buddy)
    let zoned = ZonedAllocator(base: 0x8008_0000, size: 1 << 19, zoneBytes: 1 << 18, objectSize: 4096)
    let pool = TablePool(source: FaultInjectingAllocator(buddy))
    report("TablePool.fill", pool.fill(count: 4, bytes: 4096, alignment: 4096))
    func run<Allocator: TableAllocator>(_ allocator: Allocator, _ name: StaticString) {
        guard var table = try? PageTable(format: format, memory: arena, allocator: allocator,
                                         invalidator: OfflineInvalidator()) else { return report(name, false) }
        report(name, table.map(iova: 1 << 39, to: 0, size: 4096, attributes: rw).isComplete
               && table.unmap(iova: 1 << 39, size: 4096).isComplete)
    }
    run(slab, "SlabAllocator")
    run(zoned, "ZonedAllocator")
    run(pool, "TablePool")
    guard var table = try? PageTable(format: format, memory: arena, allocator: FaultInjectingAllocator(buddy),
                                     invalidator: OfflineInvalidator()) else { return report("FaultInjecting", false) }
    table.allocator.failAllocations(from: 1)
    report("FaultInjectingAllocator", table.map(iova: 0, to: 0, size: 4096, attributes: rw).error?.kind == .outOfMemory)
    let detached = table.detach()
    report("detach", detached.root != 0 && !detached.registers.isEmpty)
    buddy.free(detached.root, bytes: 4096)
}
