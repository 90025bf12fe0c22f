// The machine as the kernel sees it: assembly and C helpers (start.S, support.c), and the
// library's seams -- TableMemory, TableAllocator, TLBInvalidator -- over real RAM and real
// TLB maintenance.

import PageTable

@_extern(c, "putchar") func putchar(_ character: Int32) -> Int32
@_extern(c, "probe_load") func probeLoad(_ address: UInt64) -> UInt64
@_extern(c, "probe_store") func probeStore(_ address: UInt64, _ value: UInt64)
@_extern(c, "at_s1e1r") func addressTranslate(_ address: UInt64) -> UInt64
@_extern(c, "tlbi_page") func tlbiPage(_ address: UInt64)
@_extern(c, "tlbi_all") func tlbiAll()
@_extern(c, "tlb_sync") func tlbSync()
@_extern(c, "table_barrier") func tableBarrier()
@_extern(c, "clean_invalidate_dcache") func cleanInvalidateDataCache(_ start: UInt64, _ end: UInt64)
@_extern(c, "enable_mmu") func enableMMU(_ ttbr0: UInt64, _ tcr: UInt64, _ mair: UInt64) -> UInt64
@_extern(c, "read_sctlr") func readSCTLR() -> UInt64
@_extern(c, "fault_count") func faultCount() -> UInt64
@_extern(c, "fault_syndrome") func faultSyndrome() -> UInt64
@_extern(c, "fault_address") func faultAddress() -> UInt64
@_extern(c, "heap_allocation_count") func heapAllocations() -> UInt64
@_extern(c, "kernel_symbol") func kernelSymbol(_ which: Int32) -> UInt64

/// The kernel's regions (see kernel.ld).
enum Layout {
    static var textStart: UInt64 { kernelSymbol(0) }
    static var textEnd: UInt64 { kernelSymbol(1) }
    static var rodataEnd: UInt64 { kernelSymbol(2) }
    static var dataEnd: UInt64 { kernelSymbol(3) }
    static var tablesStart: UInt64 { kernelSymbol(4) }
    static var tablesEnd: UInt64 { kernelSymbol(5) }
    static var scratchStart: UInt64 { kernelSymbol(6) }
    static var stackBottom: UInt64 { kernelSymbol(7) }
    /// The page below the stack stays unmapped: an overflow faults instead of overwriting data.
    static var stackGuard: UInt64 { stackBottom - 0x1000 }
    static let uart: UInt64 = 0x0900_0000
}

/// RAM, identity-mapped: a table's physical address is the address the kernel uses, before
/// and after the MMU is on. Walks are cacheable (the format's coherent walk), so no cache
/// maintenance is needed once the caches are on.
struct RAM: TableMemory {
    let range: Range<PhysicalAddress>

    func pointer(to address: PhysicalAddress) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: UInt(address)).unsafelyUnwrapped
    }

    func contains(_ address: PhysicalAddress, bytes: Int) -> Bool {
        address >= range.lowerBound && bytes >= 0 && address <= range.upperBound &- UInt64(bytes)
    }
}

/// 4 KiB pages of a RAM range: a bump pointer, then a free list threaded through freed pages.
/// Never touches the heap.
final class PageAllocator: TableAllocator {
    let range: Range<PhysicalAddress>
    private var next: PhysicalAddress
    private var freeList: PhysicalAddress = 0
    private(set) var livePages = 0
    private(set) var frees = 0

    init(_ range: Range<PhysicalAddress>) {
        self.range = range
        next = range.lowerBound
    }

    func allocate(bytes: Int, alignment: Int, limit: PhysicalAddress) -> PhysicalAddress? {
        guard bytes <= 4096, alignment <= 4096 else { return nil }
        var page: PhysicalAddress
        if freeList != 0 {
            page = freeList
            freeList = UnsafeMutablePointer<UInt64>(bitPattern: UInt(page)).unsafelyUnwrapped.pointee
        } else if next < range.upperBound {
            page = next
            next += 4096
        } else {
            return nil
        }
        guard page &+ 4095 <= limit else { free(page, bytes: 4096); return nil }
        livePages += 1
        return page
    }

    func free(_ address: PhysicalAddress, bytes: Int) {
        UnsafeMutablePointer<UInt64>(bitPattern: UInt(address)).unsafelyUnwrapped.pointee = freeList
        freeList = address
        livePages -= 1
        frees += 1
    }
}

/// TLB maintenance for this CPU's EL1&0 regime: per-page TLBI VAAE1IS for small ranges (it
/// drops walk-cache entries for the address as well), TLBI VMALLE1IS otherwise.
struct TLBIInvalidator: TLBInvalidator {
    /// Calls made so far, for the checks.
    nonisolated(unsafe) static var rangeCalls = 0
    nonisolated(unsafe) static var allCalls = 0

    func invalidateLeaves(in range: Range<VirtualAddress>, levels: LevelSet) { invalidate(range) }

    func invalidateWalks(in range: Range<VirtualAddress>, levels: LevelSet) { invalidate(range) }

    func invalidateAll() {
        Self.allCalls += 1
        tableBarrier()
        tlbiAll()
        tlbSync()
    }

    private func invalidate(_ range: Range<VirtualAddress>) {
        Self.rangeCalls += 1
        tableBarrier()  // The table stores complete before the invalidation.
        if range.upperBound &- range.lowerBound > 64 * 4096 {
            tlbiAll()
        } else {
            var page = range.lowerBound & ~4095
            while page < range.upperBound { tlbiPage(page); page += 4096 }
        }
        tlbSync()
    }
}

/// Output on the UART, without String formatting.
enum Console {
    static func write(_ text: StaticString) {
        text.withUTF8Buffer { for byte in $0 { _ = putchar(Int32(byte)) } }
    }

    static func write(decimal value: Int) {
        if value < 0 { _ = putchar(45); write(decimal: -value); return }
        if value >= 10 { write(decimal: value / 10) }
        _ = putchar(Int32(48 + value % 10))
    }

    static func write(hex value: UInt64) {
        write("0x")
        var shift = 60
        while shift > 0 && (value >> UInt64(shift)) & 0xF == 0 { shift -= 4 }
        while shift >= 0 {
            let digit = Int32((value >> UInt64(shift)) & 0xF)
            _ = putchar(digit < 10 ? 48 + digit : 87 + digit)
            shift -= 4
        }
    }
}
