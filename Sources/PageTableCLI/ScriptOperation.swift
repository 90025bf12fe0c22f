import PageTableKit

/// One parsed script line.
enum ScriptOperation: Hashable, Sendable {
    /// `map IOVA PA SIZE PROT`: answers `mapped <bytes>[ error <name>]`.
    case map(iova: UInt64, physicalAddress: UInt64, size: UInt64, protection: Protection)
    /// `map-list IOVA PROT PA:SIZE PA:SIZE ...`: maps the extents to consecutive addresses from
    /// IOVA in one call; answers like `map`.
    case mapList(iova: UInt64, protection: Protection, pages: [PageExtent])
    /// `unmap IOVA SIZE`: answers `unmapped <bytes>[ error <name>]`.
    case unmap(iova: UInt64, size: UInt64)
    /// `protect IOVA SIZE PROT`: new attributes for the range's leaves; answers
    /// `protected <bytes>[ error <name>]`.
    case protect(iova: UInt64, size: UInt64, protection: Protection)
    /// `cut IOVA`: the leaf holding IOVA becomes the next smaller leaves, same translations
    /// (``AnyPageTable/cut(iova:)``); answers `cut <bytes>` (the leaf's size) or
    /// `cut 0 error <name>`.
    case cut(iova: UInt64)
    /// `dirty IOVA SIZE`: reads and clears the range's dirty state
    /// (``AnyPageTable/readAndClearDirty(iova:size:)``); answers `dirty <bytes>` (the dirty
    /// bytes found, now clean) or `dirty 0 error <name>`.
    case dirty(iova: UInt64, size: UInt64)
    /// `hw-write IOVA`: the hardware's own update on a write to IOVA
    /// (``AnyPageTable/simulateHardwareWrite(iova:)``); answers `ok` or `fault`.
    case hardwareWrite(iova: UInt64)
    /// `collapse IOVA SIZE`: the uniformly mapped table under the range becomes one block
    /// (``AnyPageTable/collapse(iova:size:)``); answers `collapsed <bytes>` or
    /// `collapsed 0 error <name>`.
    case collapse(iova: UInt64, size: UInt64)
    /// `translate IOVA`: answers `0x<pa>` or `unmapped`.
    case translate(iova: UInt64)
    /// `walk IOVA`: answers the walk explained, one level after another (``WalkExplanation``).
    case walk(iova: UInt64)
    /// `map-all IOVA PA SIZE PROT`: all-or-nothing map; answers like `map`.
    case mapAll(iova: UInt64, physicalAddress: UInt64, size: UInt64, protection: Protection)
    /// `fail-alloc N`: the Nth table allocation from here fails, and every later one; answers `ok`.
    case failAllocations(from: Int)
    /// `fail-alloc off`: allocations succeed again; answers `ok`.
    case stopFailingAllocations
    /// `reserve IOVA SIZE`: answers `reserved <bytes>[ error <name>]`.
    case reserve(iova: UInt64, size: UInt64)
    /// `release IOVA SIZE`: answers `released <bytes>[ error <name>]`.
    case release(iova: UInt64, size: UInt64)
    /// `estimate IOVA SIZE [PA]`: answers `tables <n>`, the tables a map of the range would
    /// allocate now: exactly those of `map IOVA PA SIZE` with PA, else the worst case (every
    /// page the smallest leaf).
    case estimate(iova: UInt64, size: UInt64, physicalAddress: UInt64?)
    /// `estimate-reserve IOVA SIZE`: answers `tables <n>`, exactly the tables
    /// `reserve IOVA SIZE` would allocate now (spares included).
    case estimateReserve(iova: UInt64, size: UInt64)
    /// `repeat IOVA PA PAGESIZE SIZE PROT`: every page of the range maps the one page at PA
    /// (``AnyPageTable/mapRepeat(iova:size:physicalAddress:pageSize:attributes:)``); answers
    /// like `map`.
    case mapRepeat(iova: UInt64, physicalAddress: UInt64, pageSize: UInt64, size: UInt64, protection: Protection)
    /// `top`: answers `top <levels> <input-bits> <root>`, the table's current top (it grows
    /// with `--dynamic-top`), for example `top 3 39 0x80001000`.
    case top
}
