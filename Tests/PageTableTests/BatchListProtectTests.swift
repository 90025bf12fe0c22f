import PageTable
import PageTableTestSupport
import Testing

/// Page-list maps and protects inside prepared batches, on the tiny format (256-byte pages,
/// four items per table; leaves of 256 and 512 bytes, 1K, 16K and 32K; table spans: level 0
/// 1K, level 1 4K, level 2 16K, level 3 64K, top 256K): estimates exact or bounded, commits
/// that never allocate, one sync per batch.
@Suite struct BatchListProtectTests {
    let page: UInt64 = 0x100
    let readOnly = MapAttributes(access: .read)

    func makeTable(sharing: Bool = false) throws -> ModelledTable<TinyFormat> {
        try ModelledTable(TinyFormat(allowsSharedTables: sharing), base: 0x10_0000, size: 1 << 20, coherent: true)
    }

    /// Commits `batch` with every allocation failing; returns the outcomes and how many tables
    /// the commit placed (the table's growth).
    func commitWithoutAllocating(_ batch: [BatchOperation], on modelled: inout ModelledTable<TinyFormat>)
        throws -> (outcomes: [CommitOutcome], estimate: TableEstimate, placed: Int) {
        let before = modelled.table.tableCount
        let prepared = try modelled.table.prepare(batch)
        let estimate = prepared.estimate
        modelled.allocator.failAllocations(from: 1)
        let syncs = modelled.table.syncCount
        let outcomes = modelled.table.commit(prepared)
        modelled.allocator.stopFailing()
        #expect(modelled.table.syncCount - syncs <= 1, "at most one sync for the whole batch (none with nothing to invalidate)")
        #expect(modelled.buddy.liveBlocks == modelled.table.tableCount, "leftover tables went back")
        #expect(modelled.staleness().isEmpty)
        #expect(modelled.table.invariantViolations() == [])
        return (outcomes, estimate, modelled.table.tableCount - before)
    }

    @Test func aPageListEstimateCountsOneLeafAcrossExtentsThatContinueEachOther() throws {
        let table = try makeTable()
        // Two 8K halves of 16K at 16K-aligned addresses on both sides: one 16K leaf below the
        // top, so one level-3 table.
        let joined = try table.table.estimateMap(iova: 0x4000, pages: [PageExtent(physicalAddress: 0x2_0000, length: 0x2000),
                                                                       PageExtent(physicalAddress: 0x2_2000, length: 0x2000)])
        #expect(joined.tablesPerLevel == [0, 0, 0, 1, 0])
        // The second half elsewhere (1K-aligned): no 16K leaf; each half is two 4K items of a
        // level-2 table, each a level-1 table of 1K leaves.
        let moved = try table.table.estimateMap(iova: 0x4000, pages: [PageExtent(physicalAddress: 0x2_0000, length: 0x2000),
                                                                      PageExtent(physicalAddress: 0x3_0000, length: 0x2000)])
        #expect(moved.tablesPerLevel == [0, 4, 1, 1, 0])
        #expect(moved.bytes == 6 * 16)
    }

    @Test func aPageListEstimateIsExactOnMixedExtents() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("BatchListProtectTests mixed extents seed \(seed)")
        var random = SeededGenerator(seed: seed)
        var modelled = try makeTable()
        // Something to build on: existing tables cost nothing.
        #expect(modelled.table.map(iova: 0x2_0400, to: 0x8_0400, size: 0x400, attributes: readOnly).isComplete)
        var iova: UInt64 = 0
        for round in 0..<24 {
            // Extents of random sizes and alignments, half of them continuing the previous one.
            var pages: [PageExtent] = []
            var next = UInt64.random(in: 0..<64, using: &random) * 0x400
            for _ in 0..<Int.random(in: 1...5, using: &random) {
                let length = UInt64.random(in: 1...24, using: &random) * page
                if Bool.random(using: &random) { next = 0x4_0000 + UInt64.random(in: 0..<256, using: &random) * page }
                pages.append(PageExtent(physicalAddress: next, length: length))
                next += length
            }
            let total = pages.reduce(0) { $0 + $1.length }
            if iova + total > 0x4_0000 { break }
            let estimate = try modelled.table.estimateMap(iova: iova, pages: pages)
            let before = modelled.table.statistics.tablesPerLevel
            let outcome = modelled.table.map(iova: iova, pages: pages, attributes: readOnly)
            let grown = zip(modelled.table.statistics.tablesPerLevel, before).map { $0 - $1 }
            if outcome.isComplete {
                #expect(grown == estimate.tablesPerLevel, "round \(round) at \(hex(iova)): \(pages)")
            } else {
                #expect(grown.reduce(0, +) <= estimate.tables, "round \(round): stopped early, allocates less")
            }
            iova += total + UInt64.random(in: 0..<8, using: &random) * page
        }
    }

    @Test func aPreparedPageListCommitsWithoutAllocating() throws {
        var modelled = try makeTable()
        let pages = [PageExtent(physicalAddress: 0x2_0000, length: 0x2000), PageExtent(physicalAddress: 0x2_2000, length: 0x2000),
                     PageExtent(physicalAddress: 0x3_0300, length: 0x500)]
        let result = try commitWithoutAllocating([.mapList(iova: 0x4000, pages: pages, attributes: readOnly)], on: &modelled)
        #expect(result.outcomes.map(\.bytes) == [0x4500] && result.outcomes[0].error == nil)
        #expect(result.placed == result.estimate.tables, "exact: \(result.estimate)")
        #expect(modelled.table.lookup(0x4000)?.size == 0x4000, "one leaf across the two extents")
        #expect(modelled.table.translate(0x8480) == 0x3_0780)
    }

    @Test func aPageListAfterAnUnmapIsBoundedAndOverlapsStopExactly() throws {
        var modelled = try makeTable()
        #expect(modelled.table.map(iova: 0x1000, to: 0x5_1000, size: 0x1000, attributes: readOnly).isComplete)
        #expect(modelled.table.map(iova: 0x9000, to: 0x5_9000, size: page, attributes: readOnly).isComplete)
        // The unmap frees the tables the list then needs again; the list stops at the page at 0x9000.
        let pages = [PageExtent(physicalAddress: 0x6_0000, length: 0x4000), PageExtent(physicalAddress: 0x7_0100, length: 0x4400)]
        let result = try commitWithoutAllocating([.unmap(iova: 0x1000, size: 0x1000),
                                                  .mapList(iova: 0x1000, pages: pages, attributes: readOnly)], on: &modelled)
        #expect(result.outcomes.map(\.bytes) == [0x1000, 0x8000])
        #expect(result.outcomes.map { $0.error?.kind } == [nil, .alreadyMapped])
        #expect(result.placed <= result.estimate.tables)
        #expect(modelled.table.translate(0x8f00) == 0x7_4000 && modelled.table.translate(0x9000) == 0x5_9000)
    }

    @Test func aBadPageListIsRefusedAtPrepareWithNothingAllocated() throws {
        var modelled = try makeTable()
        let blocks = modelled.buddy.liveBlocks
        do {
            _ = try modelled.table.prepare([.map(iova: 0, physicalAddress: 0x1000, size: page, attributes: readOnly),
                                            .mapList(iova: 0x1000, pages: [PageExtent(physicalAddress: 0x80, length: page)],
                                                     attributes: readOnly)])
            Issue.record("a misaligned extent was prepared")
        } catch {
            #expect(error.kind == .misaligned)
        }
        #expect(modelled.buddy.liveBlocks == blocks)
    }

    @Test func aProtectEstimateCountsTheCopiesOfSharedTablesExactly() throws {
        var modelled = try makeTable(sharing: true)
        #expect(modelled.table.mapRepeat(iova: 0, size: 0x1_0000, physicalAddress: 0xD000, pageSize: page,
                                         attributes: readOnly).isComplete)
        for (iova, size) in [(UInt64(0x4000), UInt64(0x400)), (0x100, page), (0, 0x1_0000)] {
            let estimate = try modelled.table.estimateProtect(iova: iova, size: size)
            let before = modelled.table.tableCount
            let writable = MapAttributes(access: [.read, .write])
            #expect(modelled.table.protect(iova: iova, size: size, attributes: writable).isComplete)
            #expect(modelled.table.tableCount - before == estimate.tables, "protect \(hex(iova)) \(hex(size)): \(estimate)")
            #expect(estimate.tables > 0, "the range was shared")
            #expect(modelled.table.lookup(iova + size - page)?.attributes == writable)
            #expect(modelled.table.invariantViolations() == [])
        }
        // Now private throughout: nothing left to copy.
        #expect(try modelled.table.estimateProtect(iova: 0, size: 0x1_0000).tables == 0)
    }

    @Test func aPreparedProtectOfSharedTablesCommitsWithoutAllocating() throws {
        var modelled = try makeTable(sharing: true)
        #expect(modelled.table.mapRepeat(iova: 0, size: 0x1_0000, physicalAddress: 0xD000, pageSize: page,
                                         attributes: readOnly).isComplete)
        let writable = MapAttributes(access: [.read, .write])
        let result = try commitWithoutAllocating([.protect(iova: 0x2000, size: 0x3000, attributes: writable)], on: &modelled)
        #expect(result.outcomes.map(\.bytes) == [0x3000] && result.outcomes[0].error == nil)
        #expect(result.placed == result.estimate.tables && result.placed > 0, "exact: \(result.estimate)")
        #expect(modelled.table.lookup(0x2000)?.attributes == writable && modelled.table.lookup(0x5000)?.attributes == readOnly)
        #expect(modelled.table.translate(0x4f80) == 0xD080)
    }

    @Test func aProtectAfterASharingRepeatInTheSameBatchIsRefused() throws {
        var modelled = try makeTable(sharing: true)
        let writable = MapAttributes(access: [.read, .write])
        let repeatOperation = BatchOperation.repeat(iova: 0x1_0000, size: 0x2_0000, physicalAddress: 0xD000, pageSize: page,
                                                    attributes: readOnly)
        let protect = BatchOperation.protect(iova: 0x1_4000, size: 0x8000, attributes: writable)
        // What the protect copies depends on tables the repeat shares: unknown before it runs.
        let blocks = modelled.buddy.liveBlocks
        do {
            _ = try modelled.table.prepare([repeatOperation, protect])
            Issue.record("a protect after a sharing repeat was prepared")
        } catch {
            #expect(error.kind == .unsupported)
        }
        #expect(modelled.buddy.liveBlocks == blocks && modelled.table.translate(0x1_4000) == nil, "nothing changed")
        // In batches of their own: the protect's copies are estimated exactly.
        let first = try commitWithoutAllocating([repeatOperation], on: &modelled)
        #expect(first.outcomes.allSatisfy { $0.error == nil })
        let second = try commitWithoutAllocating([protect, .unmap(iova: 0x1_4100, size: page)], on: &modelled)
        #expect(second.outcomes.map(\.bytes) == [0x8000, page] && second.outcomes.allSatisfy { $0.error == nil })
        #expect(second.placed <= second.estimate.tables && second.placed > 0)
        #expect(modelled.table.lookup(0x1_bf00)?.attributes == writable && modelled.table.lookup(0x1_c000)?.attributes == readOnly)
        #expect(modelled.table.translate(0x1_4100) == nil && modelled.table.translate(0x1_4200) == 0xD000)
    }

    @Test func aProtectWithoutSharedTablesPreparesNothing() throws {
        var modelled = try makeTable()
        // Pages only: the output address is not aligned to any larger leaf.
        #expect(modelled.table.map(iova: 0, to: 0x8100, size: 0x8000, attributes: readOnly).isComplete)
        let writable = MapAttributes(access: [.read, .write])
        let result = try commitWithoutAllocating([.unmap(iova: 0x4000, size: 0x100),
                                                  .protect(iova: 0, size: 0x8000, attributes: writable)], on: &modelled)
        #expect(result.estimate.tables == 0 && result.placed == 0)
        // The protect stops at the hole the unmap left.
        #expect(result.outcomes.map(\.bytes) == [page, 0x4000])
        #expect(result.outcomes.map { $0.error?.kind } == [nil, .notMapped])
        #expect(modelled.table.lookup(0)?.attributes == writable)
    }
}
