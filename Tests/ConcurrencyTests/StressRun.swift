import PageTable
@testable import PageTableConcurrent
import PageTableTestSupport
import Foundation
import Synchronization

/// One mapping a thread made, as its reference model records it.
struct ModelEntry: Sendable {
    var iova: UInt64
    var size: UInt64
    var physicalAddress: UInt64
    var end: UInt64 { iova + size }
}

/// What a stress run found.
struct StressResult: Sendable {
    var failures: [String] = []
    var operations = 0
    var injectedFailures = 0
    var gracePeriods = 0
    var leftoverBlocks = 0
}

/// The address layout of a stress run. Each round works in fresh address space: 8 shared
/// chunks (one level-1 item each, e.g. 2 MiB), cut into 32 units owned round-robin by the 8
/// threads, so every thread maps into every shared chunk's one page table at once; then one
/// chunk per thread that it maps whole (as a block or as pages) and unmaps whole (unlinking the
/// table below it, freed after a grace period). Everything lies under the first top-level entry.
struct StressLayout {
    static let threads = 8
    static let sharedChunks = 8
    static let unitsPerChunk = 32
    let pageSize: UInt64
    let chunk: UInt64
    let blocksAllowed: Bool
    var unit: UInt64 { chunk / UInt64(Self.unitsPerChunk) }
    var pagesPerUnit: UInt64 { unit / pageSize }

    func roundBase(_ round: Int) -> UInt64 { UInt64(round) * UInt64(Self.sharedChunks + Self.threads) * chunk }
    func unitStart(round: Int, chunk index: Int, unit: Int) -> UInt64 {
        roundBase(round) + UInt64(index) * chunk + UInt64(unit) * self.unit
    }
    func ownChunk(round: Int, thread: Int) -> UInt64 {
        roundBase(round) + UInt64(Self.sharedChunks + thread) * chunk
    }
}

/// Whether a format's geometry suits the stress layout (a level above pages, 32 units each of
/// at least a page), and the layout.
func stressLayout(_ geometry: TableGeometry, rounds: Int) -> StressLayout? {
    guard geometry.levelCount >= 2 else { return nil }
    let chunk = geometry[1].itemSize
    let layout = StressLayout(pageSize: geometry.pageSize, chunk: chunk, blocksAllowed: geometry[1].allowsLeaf)
    guard layout.pagesPerUnit >= 2, layout.roundBase(rounds) <= geometry.inputLimit else { return nil }
    return layout
}

/// Runs 8 threads of seeded random map / unmap / translate on disjoint ranges of one
/// concurrent table (sharing its interior tables), each against its own reference model, with
/// allocation failures injected every third round, then checks the tree against the union of
/// the models and the accounting against the tree.
func stress<Format: PageTableFormat>(_ format: Format, seed: UInt64, rounds: Int = 8, operationsPerRound: Int = 40,
                                     brokenInstall: Bool = false) throws -> StressResult {
    guard let layout = stressLayout(format.geometry, rounds: rounds) else {
        return StressResult(failures: ["\(format.name): geometry does not suit the stress layout"])
    }
    let arena = PhysicalArena(base: 0x8000_0000, size: 48 << 20)!
    let buddy = BuddyAllocator(base: arena.base, size: arena.size)!
    let allocator = FlakyAllocator(LockedAllocator(buddy))
    var table: ConcurrentPageTable? = try ConcurrentPageTable(format: format, memory: arena, allocator: allocator,
                                                              invalidator: OfflineInvalidator())
    table!.installsWithPlainStoreForTesting = brokenInstall
    // Threads hold it unowned: `table = nil` below must run the teardown.
    unowned let shared = table!
    let barrier = Barrier(parties: StressLayout.threads)
    // Locked with NSLock (pthread): ThreadSanitizer cannot see `Synchronization.Mutex` on Linux.
    let collected = Collected(threads: StressLayout.threads)
    let operations = Atomic<Int>(0)
    let page = layout.pageSize

    runThreads(StressLayout.threads) { thread in
        var random = SeededGenerator(seed: seed &+ UInt64(thread) &* 0x9E37_79B9_7F4A_7C15)
        var model: [ModelEntry] = []
        var local: [String] = []
        func fail(_ text: String) { if local.count < 20 { local.append("\(format.name) thread \(thread) seed \(seed): \(text)") } }
        func overlapStart(_ start: UInt64, _ end: UInt64) -> UInt64? {
            var first: UInt64?
            for entry in model where entry.iova < end && start < entry.end {
                let at = max(entry.iova, start)
                first = min(first ?? at, at)
            }
            return first
        }
        func covering(_ address: UInt64) -> ModelEntry? { model.first { $0.iova <= address && address < $0.end } }
        func checkMap(_ iova: UInt64, _ size: UInt64, _ pa: UInt64, _ outcome: RangeOutcome, armed: Bool) {
            let overlap = overlapStart(iova, iova + size)
            switch outcome.error?.kind {
            case nil:
                if outcome.bytes != size || overlap != nil { fail("map \(hex(iova))+\(hex(size)): \(outcome), model overlap \(overlap.map(hex) ?? "none")") }
            case .alreadyMapped?:
                if overlap != iova + outcome.bytes { fail("map \(hex(iova))+\(hex(size)): \(outcome), model overlap \(overlap.map(hex) ?? "none")") }
            case .outOfMemory?:
                if !armed || iova + outcome.bytes > (overlap ?? iova + size) { fail("map \(hex(iova))+\(hex(size)): \(outcome) (armed \(armed))") }
            default:
                fail("map \(hex(iova))+\(hex(size)): \(outcome)")
            }
            let mapped = min(outcome.bytes, (overlap ?? iova + size) - iova)
            if mapped > 0 { model.append(ModelEntry(iova: iova, size: mapped, physicalAddress: pa)) }
        }

        for round in 0..<rounds {
            barrier.wait()
            let armed = round % 3 == 2
            if thread == 0 { allocator.failEvery(armed ? 3 : 0) }
            barrier.wait()
            for _ in 0..<operationsPerRound {
                operations.add(1, ordering: .relaxed)
                let unitStart = layout.unitStart(round: round, chunk: Int(random.next() % UInt64(StressLayout.sharedChunks)),
                                                 unit: Int(random.next() % 4) * StressLayout.threads + thread)
                let pa = 0x4000_0000 + (random.next() % 0x3000) * page
                switch random.next() % 12 {
                case 0...4:  // Map pages in one of this thread's units of a shared chunk.
                    let first = random.next() % layout.pagesPerUnit
                    let count = 1 + random.next() % (layout.pagesPerUnit - first)
                    let iova = unitStart + first * page
                    checkMap(iova, count * page, pa, shared.map(iova: iova, to: pa, size: count * page, attributes: readWrite),
                             armed: armed)
                case 5, 6:  // This thread's own chunk: map it whole if empty, else unmap it whole.
                    let start = layout.ownChunk(round: round, thread: thread)
                    if let index = model.firstIndex(where: { $0.iova == start }) {
                        let entry = model.remove(at: index)
                        let outcome = shared.unmap(iova: entry.iova, size: entry.size)
                        if outcome != RangeOutcome(bytes: entry.size) { fail("unmap own chunk \(hex(start)): \(outcome)") }
                    } else {
                        let block = layout.blocksAllowed && random.next() % 2 == 0
                        let output = block ? layout.chunk * (1 + random.next() % 32) : pa
                        checkMap(start, layout.chunk, output, shared.map(iova: start, to: output, size: layout.chunk,
                                                                         attributes: readWrite), armed: armed)
                    }
                case 7, 8:  // Unmap one earlier mapping exactly.
                    guard !model.isEmpty else { continue }
                    let entry = model.remove(at: Int(random.next() % UInt64(model.count)))
                    let outcome = shared.unmap(iova: entry.iova, size: entry.size)
                    if outcome != RangeOutcome(bytes: entry.size) { fail("unmap \(hex(entry.iova))+\(hex(entry.size)): \(outcome)") }
                case 9:  // Unmap a hole: nothing changes.
                    let iova = unitStart + (random.next() % layout.pagesPerUnit) * page
                    guard covering(iova) == nil else { continue }
                    let outcome = shared.unmap(iova: iova, size: page)
                    if outcome.bytes != 0 || outcome.error?.kind != .notMapped { fail("unmap hole \(hex(iova)): \(outcome)") }
                default:  // Translate: own addresses against the model, others' racing with their changes.
                    if !model.isEmpty {
                        let entry = model[Int(random.next() % UInt64(model.count))]
                        let offset = (random.next() % (entry.size / page)) * page + 8
                        let answer = shared.translate(entry.iova + offset)
                        if answer != entry.physicalAddress + offset {
                            fail("translate \(hex(entry.iova + offset)): \(answer.map(hex) ?? "nil"), model \(hex(entry.physicalAddress + offset))")
                        }
                    }
                    let iova = unitStart + (random.next() % layout.pagesPerUnit) * page
                    if covering(iova) == nil, let answer = shared.translate(iova) {
                        fail("translate unmapped \(hex(iova)): \(hex(answer))")
                    }
                    let other = layout.roundBase(round) + random.next() % (layout.roundBase(1))
                    _ = shared.translate(other & ~(page - 1))
                }
            }
        }
        collected.add(failures: local, model: model, thread: thread)
    }

    var result = StressResult()
    result.failures = collected.failures
    result.operations = operations.load(ordering: .relaxed)
    result.injectedFailures = allocator.injectedFailures
    result.gracePeriods = shared.gracePeriodCount
    // The tree against the union of the models: every leaf in exactly one model's entry, at its
    // output address, and every model byte mapped.
    let entries = collected.models.flatMap { $0 }.sorted { $0.iova < $1.iova }
    var modelBytes: UInt64 = 0
    for entry in entries {
        modelBytes += entry.size
        for address in [entry.iova, entry.end - page] where shared.translate(address) != entry.physicalAddress + (address - entry.iova) {
            result.failures.append("\(format.name) seed \(seed): after: \(hex(address)) translates to "
                                   + "\(shared.translate(address).map(hex) ?? "nil"), model \(hex(entry.physicalAddress + address - entry.iova))")
        }
    }
    var treeBytes: UInt64 = 0
    for leaf in shared.leaves() {
        treeBytes += leaf.size
        guard let entry = entries.last(where: { $0.iova <= leaf.virtualAddress }), leaf.virtualAddress + leaf.size <= entry.end,
              leaf.physicalAddress == entry.physicalAddress + (leaf.virtualAddress - entry.iova) else {
            result.failures.append("\(format.name) seed \(seed): after: leaf \(leaf) is in no thread's model")
            continue
        }
    }
    if treeBytes != modelBytes { result.failures.append("\(format.name) seed \(seed): tree maps \(hex(treeBytes)) bytes, models \(hex(modelBytes))") }
    let reachable = shared.reachableTables()
    if reachable.count != shared.tableCount || reachable.bytes != shared.tableBytes || allocator.liveBlocks != shared.tableCount {
        result.failures.append("\(format.name) seed \(seed): accounting: \(shared.tableCount) tables / \(shared.tableBytes) bytes counted, "
                               + "\(reachable.count) / \(reachable.bytes) reachable, \(allocator.liveBlocks) allocated")
    }
    table = nil
    result.leftoverBlocks = allocator.liveBlocks
    if result.leftoverBlocks != 0 { result.failures.append("\(format.name) seed \(seed): \(result.leftoverBlocks) tables leaked after teardown") }
    return result
}

func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

let readWrite = MapAttributes(access: [.read, .write])

/// What the threads hand back, under a lock.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var failureList: [String] = []
    private var modelList: [[ModelEntry]]

    init(threads: Int) { modelList = Array(repeating: [], count: threads) }

    func add(failures: [String], model: [ModelEntry], thread: Int) {
        lock.lock()
        defer { lock.unlock() }
        failureList += failures
        modelList[thread] = model
    }

    var failures: [String] { lock.lock(); defer { lock.unlock() }; return failureList }
    var models: [[ModelEntry]] { lock.lock(); defer { lock.unlock() }; return modelList }
}
