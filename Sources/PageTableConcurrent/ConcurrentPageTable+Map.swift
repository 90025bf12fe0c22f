import CPageTableAtomics
import PageTable
import Synchronization

extension ConcurrentPageTable {
    /// Maps `iova ..< iova + size` to `physicalAddress ..< physicalAddress + size`, using the
    /// largest leaf legal at each position (single leaves; contiguous groups are not built,
    /// since a group's entries cannot be written in one atomic step).
    ///
    /// Safe to call from many threads at once on disjoint input ranges. Missing tables are
    /// installed with a compare-and-swap: if another thread's call installed one first in a
    /// shared slot, this call frees its own (never seen) and walks into the winner's.
    ///
    /// The outcome is exact: on an error exactly the first `RangeOutcome.bytes` bytes are
    /// mapped. Unlike `PageTable`, tables linked on the way stay linked even if the failed
    /// part left them empty -- another thread may already have walked into them; they are
    /// counted, and freed by an unmap covering them or at teardown. Validation errors map
    /// nothing; existing leaves are never overwritten (`already-mapped`).
    @inlinable
    public func map(iova: VirtualAddress, to physicalAddress: PhysicalAddress, size: UInt64,
                    attributes: MapAttributes) -> RangeOutcome {
        if let error = checkInput(iova, size: size) { return RangeOutcome(bytes: 0, error: error) }
        if let error = checkOutput(physicalAddress, size: size, iova: iova) { return RangeOutcome(bytes: 0, error: error) }
        let encoded: Format.EncodedAttributes
        do throws(PageTableError) {
            encoded = try format.encode(attributes)
        } catch {
            return RangeOutcome(bytes: 0, error: error)
        }
        let start = geometry.tableAddress(of: iova)
        var cursor = ConcurrentCursor(address: start, output: physicalAddress, end: start &+ size)
        var gather = CallGather()
        let error = mapItems(in: root, level: geometry.topLevel, cursor: &cursor, attributes: encoded, gather: &gather)
        sync(&gather)
        return RangeOutcome(bytes: cursor.address &- start, error: error)
    }

    /// Maps from `cursor` into the table at `table` (of `level`) until the range or the table
    /// ends; returns the error that stopped it.
    @inlinable
    func mapItems(in table: PhysicalAddress, level: Int, cursor: inout ConcurrentCursor,
                  attributes: Format.EncodedAttributes, gather: inout CallGather) -> PageTableError? {
        let shape = shapes[level]
        let items = self.items(table)
        let itemSize = shape.itemSize
        var index = shape.index(of: cursor.address)
        while index < shape.itemCount && cursor.address < cursor.end {
            var descriptor = items.load(index)
            switch format.decode(descriptor, level: level) {
            case .leaf:
                return PageTableError(.alreadyMapped, at: input(cursor.address), "a mapping already exists at \(hex(input(cursor.address)))")
            case .table(let child):
                guard level > 0 else {
                    return PageTableError(.alreadyMapped, at: input(cursor.address), "a mapping already exists at \(hex(input(cursor.address)))")
                }
                if shape.allowsLeaf && (cursor.address | cursor.output) & (itemSize &- 1) == 0
                    && cursor.end &- cursor.address >= itemSize {
                    // A leaf of this level is chosen before looking below (docs/semantics.md): a
                    // table holding leaves is a conflict. An empty one (left by unmaps that did
                    // not cover it) is replaced by the leaf, as if it had been freed: the range
                    // covers the item, so no other call is in the table; a translate may be, so
                    // it is freed after this call's invalidation and a grace period. Break
                    // before make: the pointer is cleared and its walks invalidated before the
                    // leaf is written, so no walk cache holds it beside the leaf.
                    guard holdsNoLeaves(child, level: level &- 1) else {
                        return PageTableError(.alreadyMapped, at: input(cursor.address), "a mapping already exists at \(hex(input(cursor.address)))")
                    }
                    var expected = descriptor
                    if items.compareExchange(index, expected: &expected, desired: 0) {
                        madeVisible(table, index: index)
                        syncs.add(1, ordering: .relaxed)
                        invalidator.invalidateWalks(in: geometry.inputAddresses(ofTable: cursor.address..<cursor.address &+ itemSize),
                                                    levels: LevelSet(level: level))
                        items.store(index, format.leafDescriptor(template: format.leafTemplate(attributes, level: level, contiguous: false),
                                                                 outputAddress: cursor.output, level: level))
                        madeVisible(table, index: index)
                        collectTables(child, level: level &- 1, into: &gather.unlinked)
                        cursor.address &+= itemSize
                        cursor.output &+= itemSize
                        index &+= 1
                        continue
                    }
                    continue  // Another call broke the disjoint-range contract: look again.
                }
                if let error = mapItems(in: child, level: level &- 1, cursor: &cursor, attributes: attributes, gather: &gather) {
                    return error
                }
                index &+= 1
            case .empty:
                if shape.allowsLeaf && (cursor.address | cursor.output) & (itemSize &- 1) == 0
                    && cursor.end &- cursor.address >= itemSize {
                    // A run of leaves into empty items. Each item lies inside this call's range,
                    // so no other call writes it: a release store publishes it.
                    let template = format.leafTemplate(attributes, level: level, contiguous: false)
                    let start = cursor.address
                    repeat {
                        items.store(index, format.leafDescriptor(template: template, outputAddress: cursor.output, level: level))
                        madeVisible(table, index: index)
                        cursor.address &+= itemSize
                        cursor.output &+= itemSize
                        index &+= 1
                    } while index < shape.itemCount && cursor.end &- cursor.address >= itemSize
                        && isEmpty(items.load(index), level: level)
                    if format.cachesInvalidEntries { gather.invalidations.addLeaves(start, cursor.address, level: level) }
                    continue
                }
                guard level > 0 else {  // Unreachable: a page-aligned range always fits a page.
                    return PageTableError(.alreadyMapped, at: input(cursor.address), "a mapping already exists at \(hex(input(cursor.address)))")
                }
                let childLevel = level &- 1
                guard let child = Self.allocateTable(shapes[childLevel], limit: geometry.tableAddressLimit,
                                                     memory: memory, allocator: allocator) else {
                    return PageTableError(.outOfMemory, at: input(cursor.address),
                                          "no \(shapes[childLevel].tableBytes)-byte table could be allocated to map \(hex(input(cursor.address)))")
                }
                counted(bytes: shapes[childLevel].tableBytes)
                if needsCacheMaintenance { memory.makeVisible(child, bytes: shapes[childLevel].tableBytes) }
                if install(items, index: index, expected: &descriptor,
                           desired: format.tableDescriptor(address: child, level: level)) {
                    madeVisible(table, index: index)
                    if format.cachesInvalidEntries {
                        let itemStart = cursor.address & ~(itemSize &- 1)
                        gather.invalidations.addWalks(itemStart, itemStart &+ itemSize, level: level)
                    }
                } else {
                    // Lost the race: the winner's table is in the slot now. Ours was never seen.
                    allocator.free(child, bytes: shapes[childLevel].tableBytes)
                    uncounted(bytes: shapes[childLevel].tableBytes)
                }
                // Walk on from the same item, whichever table is in it (or a leaf: refused).
            }
        }
        return nil
    }

    /// Puts the new table `desired` in item `index` if it still holds `expected` (release: the
    /// zeroed table is visible to whoever loads the pointer). On failure `expected` is what won.
    @inlinable @inline(__always)
    func install(_ items: AtomicItems<Format.Descriptor>, index: Int, expected: inout Format.Descriptor,
                 desired: Format.Descriptor) -> Bool {
        if installsWithPlainStoreForTesting {
            pt_yield()
            items.store(index, desired)
            return true
        }
        return items.compareExchange(index, expected: &expected, desired: desired)
    }

    /// Whether no leaf exists anywhere below the table at `address` (of `level`).
    @usableFromInline
    func holdsNoLeaves(_ address: PhysicalAddress, level: Int) -> Bool {
        let table = items(address)
        for index in 0..<shapes[level].itemCount {
            switch format.decode(table.load(index), level: level) {
            case .empty: continue
            case .leaf: return false
            case .table(let child): if level == 0 || !holdsNoLeaves(child, level: level - 1) { return false }
            }
        }
        return true
    }

    /// Appends the table at `address` (of `level`) and every table below it to `tables`.
    @usableFromInline
    func collectTables(_ address: PhysicalAddress, level: Int, into tables: inout SpillList<(address: PhysicalAddress, bytes: Int)>) {
        if level > 0 {
            let table = items(address)
            for index in 0..<shapes[level].itemCount {
                if case .table(let child) = format.decode(table.load(index), level: level) {
                    collectTables(child, level: level - 1, into: &tables)
                }
            }
        }
        tables.append((address, shapes[level].tableBytes))
    }

    @inlinable @inline(__always)
    func isEmpty(_ descriptor: Format.Descriptor, level: Int) -> Bool {
        descriptor == 0 || format.decode(descriptor, level: level) == .empty
    }
}

/// Where a concurrent map or unmap has got to.
@frozen @usableFromInline
struct ConcurrentCursor {
    @usableFromInline var address: VirtualAddress
    @usableFromInline var output: PhysicalAddress
    @usableFromInline let end: VirtualAddress

    @inlinable
    init(address: VirtualAddress, output: PhysicalAddress, end: VirtualAddress) {
        self.address = address
        self.output = output
        self.end = end
    }
}
