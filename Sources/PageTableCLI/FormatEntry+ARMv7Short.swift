import PageTableKit

extension FormatEntry {
    /// `arm-v7s`: ARMv7 short-descriptor tables (`ARMv7Short`).
    ///
    /// Table memory is laid out as Linux lays out these tables in a DMA32 zone: the lowest
    /// `--table-zone-size` bytes of the simulated memory are the zone, carved into 1 KiB L2
    /// tables by a slab allocator (4 KiB slab pages); the 16 KiB L1 table comes from the rest
    /// (see `armV7ShortAllocator(memory:zoneBytes:)`). The default zone, 1M, holds 1024 L2
    /// tables: enough to map 1 GiB in 4 KiB pages. When the zone is used up, maps needing a
    /// new L2 table answer `out-of-memory` with the exact prefix mapped.
    ///
    /// Tables hold 32-bit pointers, so the whole memory must lie below 4 GiB. With
    /// `--non-coherent`, TTBR0 selects non-cacheable table walks.
    public static let armV7Short = FormatEntry(
        name: ARMv7Short.formatName,
        summary: "ARMv7 short-descriptor translation tables (4K/64K pages, 1M/16M sections), 32-bit",
        options: [
            FormatOption(name: "table-zone-size", valueSyntax: "BYTES", defaultValue: "1M",
                         summary: "low-memory zone at the memory base that 1K L2 tables are carved from"),
        ],
        // The allocator offered is not used: its range (the whole memory, or a loaded image's
        // free memory) is split into the zone and the rest, each with an allocator of its own.
        build: { (settings, memory, offered) throws(UsageError) in
            try settings.refuseDynamicTop(ARMv7Short.formatName, because: "the short-descriptor format always has "
                                          + "exactly two levels")
            let zoneBytes = try armV7ShortZoneBytes(settings, memory: memory, free: offered.size)
            let allocator = ZonedAllocator(base: offered.base, size: offered.size, zoneBytes: zoneBytes,
                                           objectSize: ARMv7Short.secondLevelTableBytes)
            let format = ARMv7Short(coherentWalk: !settings.nonCoherent)
            return try makeTable(format, memory: memory, allocator: allocator, parameters: [
                "table-zone-size": .integer(Int64(zoneBytes)),
            ])
        })

    /// The memory tables of an `arm-v7s` table come from: the lowest `zoneBytes` of `memory`
    /// feed a slab of 1 KiB L2 tables, the rest a buddy allocator for the L1 table.
    static func armV7ShortAllocator(memory: PhysicalArena, zoneBytes: Int) -> ZonedAllocator<BuddyAllocator, BuddyAllocator> {
        ZonedAllocator(arena: memory, zoneBytes: zoneBytes, objectSize: ARMv7Short.secondLevelTableBytes)
    }

    /// Validates `--table-zone-size` against the memory, which must lie below 4 GiB, and its
    /// `free` bytes tables come from, which must leave room for the L1 table beside the zone.
    static func armV7ShortZoneBytes(_ settings: FormatSettings, memory: PhysicalArena,
                                    free: Int) throws(UsageError) -> Int {
        let fourGiB: UInt64 = 1 << 32
        guard memory.base < fourGiB else {
            throw UsageError("--memory-base \(memory.base.hexadecimal) is not below 4 GiB: \(ARMv7Short.formatName) "
                + "tables hold 32-bit table addresses")
        }
        guard memory.end <= fourGiB else {
            throw UsageError("--memory-size \(memory.size) ends the memory above 4 GiB (at \(memory.end.hexadecimal)): "
                + "\(ARMv7Short.formatName) tables hold 32-bit table addresses")
        }
        let raw = settings.value("table-zone-size")
        let zoneBytes = try settings.integer("table-zone-size")
        guard zoneBytes > 0, zoneBytes % 4096 == 0 else {
            throw UsageError("bad value '\(QuotedToken.text(raw))' for --table-zone-size (expected a positive multiple of 4K)")
        }
        guard zoneBytes <= free - ARMv7Short.firstLevelTableBytes else {
            throw UsageError("--table-zone-size \(raw) leaves no room for the 16K L1 table in --memory-size \(free)")
        }
        return zoneBytes
    }
}
