import PageTable
import Testing

@Suite struct SlabAllocatorTests {
    /// A slab of 1 KiB objects over a 16 KiB zone at 0x10_0000 (four 4 KiB pages).
    func slab(zoneBytes: Int = 16 << 10, zoneLimit: UInt64 = .max) -> SlabAllocator<BuddyAllocator> {
        SlabAllocator(objectSize: 1024, pageSize: 4096, backing: BuddyAllocator(base: 0x10_0000, size: zoneBytes)!,
                      zoneLimit: zoneLimit)
    }

    @Test func objectsAreCarvedLowestFirstFromAlignedPages() {
        let allocator = slab()
        let objects = (0..<6).compactMap { _ in allocator.allocate(bytes: 1024, alignment: 1024, limit: .max) }
        #expect(objects == [0x10_0000, 0x10_0400, 0x10_0800, 0x10_0C00, 0x10_1000, 0x10_1400])
        #expect(objects.allSatisfy { $0 % 1024 == 0 })
        #expect(allocator.liveObjects == 6 && allocator.pageCount == 2 && allocator.pages == [0x10_0000, 0x10_1000])
        #expect(allocator.backing.liveBlocks == 2)
    }

    @Test func freedObjectsAreReusedLowestFirst() {
        let allocator = slab()
        let objects = (0..<6).compactMap { _ in allocator.allocate(bytes: 1024, alignment: 1024, limit: .max) }
        allocator.free(objects[4], bytes: 1024)
        allocator.free(objects[1], bytes: 1024)
        #expect(allocator.allocate(bytes: 1024, alignment: 1024, limit: .max) == 0x10_0400)
        #expect(allocator.allocate(bytes: 1024, alignment: 1024, limit: .max) == 0x10_1000)
        #expect(allocator.allocate(bytes: 1024, alignment: 1024, limit: .max) == 0x10_1800)
        #expect(allocator.pageCount == 2)
    }

    @Test func aPageGoesBackWhenAllItsObjectsAreFree() {
        let allocator = slab()
        let objects = (0..<5).compactMap { _ in allocator.allocate(bytes: 1024, alignment: 1024, limit: .max) }
        #expect(allocator.pageCount == 2)
        allocator.free(objects[4], bytes: 1024)
        #expect(allocator.pageCount == 1 && allocator.backing.liveBlocks == 1, "the second page emptied")
        for object in objects.prefix(3) { allocator.free(object, bytes: 1024) }
        #expect(allocator.pageCount == 1, "one object still lives in the first page")
        allocator.free(objects[3], bytes: 1024)
        #expect(allocator.pageCount == 0 && allocator.liveObjects == 0)
        #expect(allocator.backing.liveBlocks == 0 && allocator.backing.freeBytes == 16 << 10)
    }

    @Test func theZoneRunsOutAndRecovers() {
        let allocator = slab()
        var objects: [UInt64] = []
        while let object = allocator.allocate(bytes: 1024, alignment: 1024, limit: .max) { objects.append(object) }
        #expect(objects.count == 16 && Set(objects).count == 16)
        #expect(objects.allSatisfy { (0x10_0000..<0x10_4000).contains($0) })
        allocator.free(objects[9], bytes: 1024)
        #expect(allocator.allocate(bytes: 1024, alignment: 1024, limit: .max) == objects[9])
        #expect(allocator.allocate(bytes: 1024, alignment: 1024, limit: .max) == nil)
    }

    @Test func pagesStayWithinTheZoneLimitAndObjectsWithinTheRequestLimit() {
        // The backing allocator has 16 KiB, but the zone ends after the first 8 KiB.
        let allocator = slab(zoneLimit: 0x10_1FFF)
        let objects = (0..<9).compactMap { _ in allocator.allocate(bytes: 1024, alignment: 1024, limit: .max) }
        #expect(objects.count == 8 && objects.last == 0x10_1C00)
        // A request limit: objects of pages in hand are used up to it; a new page must lie
        // entirely below it.
        let limited = slab()
        #expect(limited.allocate(bytes: 1024, alignment: 1024, limit: 0x10_03FF) == nil, "no whole page fits")
        #expect(limited.allocate(bytes: 1024, alignment: 1024, limit: .max) == 0x10_0000)
        #expect(limited.allocate(bytes: 1024, alignment: 1024, limit: 0x10_03FF) == nil)
        #expect(limited.allocate(bytes: 1024, alignment: 1024, limit: 0x10_07FF) == 0x10_0400)
        #expect(limited.allocate(bytes: 1024, alignment: 1024, limit: 0x10_0FFF) == 0x10_0800)
        #expect(limited.allocate(bytes: 1024, alignment: 1024, limit: 0x10_1FFF) == 0x10_0C00)
        #expect(limited.allocate(bytes: 1024, alignment: 1024, limit: 0x10_1FFF) == 0x10_1000, "a new page below it")
    }

    @Test func requestsTheSlabCannotServeAreRefused() {
        let allocator = slab()
        #expect(allocator.allocate(bytes: 2048, alignment: 1024, limit: .max) == nil)
        #expect(allocator.allocate(bytes: 1024, alignment: 4096, limit: .max) == nil)
        #expect(allocator.allocate(bytes: 0, alignment: 1024, limit: .max) == nil)
        #expect(allocator.allocate(bytes: 64, alignment: 64, limit: .max) == 0x10_0000, "smaller objects fit in one")
        #expect(allocator.pageCount == 1)
    }

    @Test func choicesAreDeterministic() {
        func run() -> [UInt64] {
            let allocator = slab(zoneBytes: 64 << 10)
            var live: [UInt64] = [], trace: [UInt64] = []
            var state: UInt64 = 0x1234_5678
            for _ in 0..<500 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                if state >> 62 != 0, let object = allocator.allocate(bytes: 1024, alignment: 1024, limit: .max) {
                    live.append(object)
                    trace.append(object)
                } else if !live.isEmpty {
                    allocator.free(live.remove(at: Int(state >> 33) % live.count), bytes: 1024)
                }
            }
            return trace + [UInt64(allocator.pageCount), UInt64(allocator.liveObjects)]
        }
        #expect(run() == run())
    }

    @Test func onePageObjectsWork() {
        let allocator = SlabAllocator(objectSize: 4096, pageSize: 4096, backing: BuddyAllocator(base: 0x2000, size: 8192)!)
        let first = allocator.allocate(bytes: 4096, alignment: 4096, limit: .max)
        let second = allocator.allocate(bytes: 4096, alignment: 4096, limit: .max)
        #expect(first == 0x2000 && second == 0x3000)
        #expect(allocator.allocate(bytes: 4096, alignment: 4096, limit: .max) == nil)
        allocator.free(0x2000, bytes: 4096)
        #expect(allocator.pageCount == 1 && allocator.backing.liveBlocks == 1)
    }
}

@Suite struct ZonedAllocatorTests {
    @Test func requestsOfTheObjectSizeGoToTheZone() {
        let allocator = ZonedAllocator(base: 0x8000_0000, size: 1 << 20, zoneBytes: 8 << 10, objectSize: 1024)
        #expect(allocator.zone == 0x8000_0000..<0x8000_2000)
        #expect(allocator.allocate(bytes: 16384, alignment: 16384, limit: 0xFFFF_FFFF) == 0x8000_4000,
                "the general part starts above the zone")
        #expect(allocator.allocate(bytes: 1024, alignment: 1024, limit: 0xFFFF_FFFF) == 0x8000_0000)
        #expect(allocator.allocate(bytes: 4096, alignment: 4096, limit: 0xFFFF_FFFF) == 0x8000_2000)
        #expect(allocator.slab.liveObjects == 1 && allocator.general.liveBlocks == 2)
        allocator.free(0x8000_0000, bytes: 1024)
        allocator.free(0x8000_4000, bytes: 16384)
        #expect(allocator.slab.pageCount == 0 && allocator.general.liveBlocks == 1)
    }

    @Test func theZoneRunsOutWhileGeneralMemoryRemains() {
        let allocator = ZonedAllocator(base: 0x8000_0000, size: 1 << 20, zoneBytes: 4 << 10, objectSize: 1024)
        let objects = (0..<5).compactMap { _ in allocator.allocate(bytes: 1024, alignment: 1024, limit: .max) }
        #expect(objects == [0x8000_0000, 0x8000_0400, 0x8000_0800, 0x8000_0C00])
        #expect(allocator.allocate(bytes: 16384, alignment: 16384, limit: .max) != nil)
    }
}
