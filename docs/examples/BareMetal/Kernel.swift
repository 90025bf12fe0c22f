// The example kernel: builds its own identity map and high aliases with the library, turns
// on the MMU and caches with the registers the library returns, then checks from inside that
// the hardware walks exactly what the library built. Prints `N passed, M failed` and exits
// QEMU through semihosting with status 0 only if every check passed.

import PageTable
import ARMLPAE

/// High virtual addresses (TTBR0, 48-bit input): the top level-0 entry.
enum Alias {
    static let base: UInt64 = 0x0000_FF80_0000_0000
    /// Scratch page 0, read-write.
    static let readWrite = base
    /// Scratch page 0 again, read-only.
    static let readOnly = base + 0x1000
    /// Mapped, unmapped and remapped while the MMU walks it.
    static let live = base + 0x2000
    /// Never mapped.
    static let unmapped = base + 0x10_0000
    /// The 2 MiB of table memory, read-only, as one level-2 block.
    static let tables = base + 0x4000_0000
    /// An isolated page whose unmap frees its tables.
    static let isolated = base + 0x80_0000_0000 - 0x1000
}

nonisolated(unsafe) var passed = 0
nonisolated(unsafe) var failed = 0

func check(_ name: StaticString, _ ok: Bool) {
    if ok { passed += 1 } else { failed += 1 }
    Console.write(ok ? "ok   " : "FAIL ")
    Console.write(name)
    Console.write("\n")
}

/// Reads or writes a 64-bit word at a virtual address.
func load(_ address: UInt64) -> UInt64 { UnsafePointer<UInt64>(bitPattern: UInt(address)).unsafelyUnwrapped.pointee }
func store(_ address: UInt64, _ value: UInt64) {
    UnsafeMutablePointer<UInt64>(bitPattern: UInt(address)).unsafelyUnwrapped.pointee = value
}

/// Whether the last fault was a data abort at EL1 of `kind` (DFSC bits 5:2: 0b0001
/// translation, 0b0011 permission) at `address`, and it is the `expected`th fault.
func faulted(_ kind: UInt64, at address: UInt64, count expected: UInt64) -> Bool {
    let syndrome = faultSyndrome()
    return faultCount() == expected && syndrome >> 26 == 0x25 && (syndrome & 0x3F) >> 2 == kind
        && faultAddress() == address
}

typealias KernelTable = PageTable<ARMLPAE, RAM, PageAllocator, TLBIInvalidator>

@_cdecl("kernel_main")
func kernelMain() -> UInt64 {
    Console.write("swift-page-table bare-metal kernel\n")
    let tablesRange = Layout.tablesStart..<Layout.tablesEnd
    let pages = PageAllocator(tablesRange)
    guard let format = try? ARMLPAE(inputAddressBits: 48, outputAddressBits: 40),
          var table = try? KernelTable(format: format, memory: RAM(range: tablesRange), allocator: pages,
                                       invalidator: TLBIInvalidator()) else {
        Console.write("cannot create the table\n")
        return 2
    }

    // The identity map: text r-x, read-only data r--, everything else of the image rw-, the
    // UART as device memory. Kernel mappings are privileged and global.
    let text = MapAttributes(access: [.read, .execute], privileged: true, memoryType: .cacheable, global: true)
    let readOnly = MapAttributes(access: .read, privileged: true, memoryType: .cacheable, global: true)
    let data = MapAttributes(access: [.read, .write], privileged: true, memoryType: .cacheable, global: true)
    let device = MapAttributes(access: [.read, .write], privileged: true, memoryType: .device, global: true)
    let scratch = Layout.scratchStart
    var built = true
    built = built && table.map(iova: Layout.textStart, to: Layout.textStart, size: Layout.textEnd - Layout.textStart,
                               attributes: text).isComplete
    built = built && table.map(iova: Layout.textEnd, to: Layout.textEnd, size: Layout.rodataEnd - Layout.textEnd,
                               attributes: readOnly).isComplete
    built = built && table.map(iova: Layout.rodataEnd, to: Layout.rodataEnd, size: Layout.stackGuard - Layout.rodataEnd,
                               attributes: data).isComplete
    built = built && table.map(iova: Layout.stackBottom, to: Layout.stackBottom,
                               size: Layout.dataEnd - Layout.stackBottom, attributes: data).isComplete
    built = built && table.map(iova: Layout.uart, to: Layout.uart, size: 0x1000, attributes: device).isComplete
    // The aliases: per address space (not global), privileged.
    let aliasRW = MapAttributes(access: [.read, .write], privileged: true, memoryType: .cacheable)
    let aliasRO = MapAttributes(access: .read, privileged: true, memoryType: .cacheable)
    built = built && table.map(iova: Alias.readWrite, to: scratch, size: 0x1000, attributes: aliasRW).isComplete
    built = built && table.map(iova: Alias.readOnly, to: scratch, size: 0x1000, attributes: aliasRO).isComplete
    built = built && table.map(iova: Alias.tables, to: Layout.tablesStart, size: 0x20_0000, attributes: aliasRO)
        .isComplete
    check("identity map and aliases built", built)

    // Tables were written with the MMU off (uncached): drop any stale cache lines over them and
    // the image before the caches come on.
    cleanInvalidateDataCache(Layout.textStart, Layout.scratchStart + 0x10000)
    let registers = table.registers
    guard let ttbr0 = registers[.armTTBR0], let tcr = registers[.armTCR], let mair = registers[.armMAIR] else {
        Console.write("the format returned no TTBR0/TCR/MAIR\n")
        return 2
    }
    let sctlr = enableMMU(ttbr0, tcr, mair)
    check("MMU and caches on (SCTLR.M, C, I)", readSCTLR() == sctlr && sctlr & 0x1005 == 0x1005)
    check("TTBR0 is the library's root", ttbr0 == table.root)

    // Loads and stores through the aliases.
    store(scratch, 0x1111_2222_3333_4444)
    check("load through a high alias", load(Alias.readWrite) == 0x1111_2222_3333_4444)
    store(Alias.readWrite + 8, 0x5555_6666_7777_8888)
    check("store through a high alias", load(scratch + 8) == 0x5555_6666_7777_8888)
    check("read-only alias reads", load(Alias.readOnly + 8) == 0x5555_6666_7777_8888)
    check("block alias reads the root table", load(Alias.tables + (table.root - Layout.tablesStart)) == load(table.root))

    // A store to the read-only alias takes a permission fault; nothing is written.
    probeStore(Alias.readOnly + 16, 0xBAD)
    check("store to a read-only alias: permission fault", faulted(0b0011, at: Alias.readOnly + 16, count: 1))
    check("the faulting store wrote nothing", load(scratch + 16) != 0xBAD)
    // A load from an unmapped address takes a translation fault.
    check("load from an unmapped VA faults", probeLoad(Alias.unmapped) == 0xDEAD_BEEF_DEAD_BEEF
          && faulted(0b0001, at: Alias.unmapped, count: 2))

    check("the stack guard page is unmapped", probeLoad(Layout.stackGuard) == 0xDEAD_BEEF_DEAD_BEEF
          && faulted(0b0001, at: Layout.stackGuard, count: 3))

    // AT S1E1R agrees with translate() everywhere.
    let probes: [UInt64] = [Layout.textStart + 0x40, Layout.rodataEnd + 0x123, Layout.uart + 0x18, scratch + 8,
                            Alias.readWrite + 0x10, Alias.readOnly + 0xFF8, Alias.tables + 0x1_2340, Alias.unmapped,
                            Alias.live, 0]
    var agree = true
    for address in probes {
        let par = addressTranslate(address)
        if let output = table.translate(address) {
            agree = agree && par & 1 == 0 && (par & 0x0000_FFFF_FFFF_F000) | (address & 0xFFF) == output
        } else {
            agree = agree && par & 1 == 1
        }
    }
    check("AT S1E1R matches translate()", agree)

    // Global attribute: kernel mappings are global, aliases are not.
    check("global kernel mappings, per-ASID aliases",
          table.lookup(Layout.textStart)?.attributes.global == true && table.lookup(Alias.readWrite)?.attributes.global == false)

    // Live unmap and remap through the TLBI invalidator: no stale translation survives.
    store(scratch + 0x2000, 0xAAAA)
    store(scratch + 0x3000, 0xBBBB)
    let heapBeforeMap = heapAllocations()
    let mapped = table.map(iova: Alias.live, to: scratch + 0x2000, size: 0x1000, attributes: aliasRW).isComplete
    let heapAfterMap = heapAllocations()
    tableBarrier()  // A new entry needs DSB + ISB before use; the walker only calls the invalidator for changes.
    check("live map, then load", mapped && load(Alias.live) == 0xAAAA)
    let rangeCalls = TLBIInvalidator.rangeCalls
    let heapBeforeUnmap = heapAllocations()
    let unmapped = table.unmap(iova: Alias.live, size: 0x1000).isComplete
    let heapAfterUnmap = heapAllocations()
    check("live unmap invalidates", unmapped && TLBIInvalidator.rangeCalls == rangeCalls + 1)
    check("unmapped VA faults (no stale TLB entry)", probeLoad(Alias.live) == 0xDEAD_BEEF_DEAD_BEEF
          && faulted(0b0001, at: Alias.live, count: 4))
    let remapped = table.map(iova: Alias.live, to: scratch + 0x3000, size: 0x1000, attributes: aliasRW).isComplete
    tableBarrier()
    check("remapped VA reads the new page", remapped && load(Alias.live) == 0xBBBB)
    let heapBeforeTranslate = heapAllocations()
    var translated = 0
    for address in probes where table.translate(address) != nil { translated += 1 }
    let heapAfterTranslate = heapAllocations()
    check("translate is heap-free", translated == 8 && heapAfterTranslate == heapBeforeTranslate)
    check("map into an existing table is heap-free", heapAfterMap == heapBeforeMap)
    check("unmap that frees no table is heap-free", heapAfterUnmap == heapBeforeUnmap)
    // A map that allocates tables, and an unmap that frees them (reported, not checked: the
    // gather's list of freed tables lives on the heap).
    let heapBeforeIsolated = heapAllocations()
    let isolatedMapped = table.map(iova: Alias.isolated, to: scratch, size: 0x1000, attributes: aliasRO).isComplete
    let heapAfterIsolatedMap = heapAllocations()
    let livePages = pages.livePages
    let isolatedUnmapped = table.unmap(iova: Alias.isolated, size: 0x1000).isComplete
    let heapAfterIsolatedUnmap = heapAllocations()
    check("map allocating tables is heap-free", isolatedMapped && heapAfterIsolatedMap == heapBeforeIsolated)
    check("unmap frees its emptied tables", isolatedUnmapped && pages.livePages == livePages - 2)
    Console.write("info: heap allocations by an unmap that frees tables: ")
    Console.write(decimal: Int(heapAfterIsolatedUnmap - heapAfterIsolatedMap))
    Console.write("\n")

    // Out of memory: an exact prefix is mapped, the rest is not.
    let few = PageAllocator(scratch + 0x8000 ..< scratch + 0xC000)  // The root and three more tables.
    if var small = try? PageTable(format: format, memory: RAM(range: few.range), allocator: few,
                                  invalidator: OfflineInvalidator()) {
        let outcome = small.map(iova: 0x1000, to: 0x4000_1000, size: 0x20_0000, attributes: aliasRW)
        check("out of memory: the exact prefix", outcome.bytes == 0x1F_F000 && outcome.error?.kind == .outOfMemory
              && small.translate(0x1F_F000) == 0x401F_F000 && small.translate(0x20_0000) == nil)
    } else {
        check("out of memory: the exact prefix", false)
    }
    check("out-of-memory table freed on drop", few.livePages == 0)

    #if !KERNEL_ONLY  // build.sh measures the kernel alone with -D KERNEL_ONLY.
    // The whole public API, every built-in format, in simulated memory.
    var apiFailures = 0
    exerciseEveryFormat { name, ok in
        if !ok { apiFailures += 1 }
        Console.write(ok ? "  api ok   " : "  api FAIL ")
        Console.write(name)
        Console.write("\n")
    }
    check("public API over every format", apiFailures == 0)
    #endif

    // Detach: the tree stays where the MMU walks it; nothing is freed or invalidated.
    let root = table.root
    let pagesBefore = (pages.livePages, pages.frees)
    let allCalls = TLBIInvalidator.allCalls
    let detached = table.detach()
    check("detach hands back root and registers", detached.root == root && detached.registers[.armTTBR0] == ttbr0)
    check("detach frees nothing and invalidates nothing", pages.livePages == pagesBefore.0
          && pages.frees == pagesBefore.1 && TLBIInvalidator.allCalls == allCalls)
    tlbiAll(); tlbSync()
    check("the detached tables still translate", load(Alias.readWrite) == 0x1111_2222_3333_4444)

    Console.write(decimal: passed)
    Console.write(" passed, ")
    Console.write(decimal: failed)
    Console.write(" failed\n")
    return failed == 0 ? 0 : 1
}
