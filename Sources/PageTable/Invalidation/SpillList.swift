/// A list that keeps its first eight elements inline and only the rest on the heap.
///
/// The invalidation gather holds what one operation unlinked and modified: for single-page and
/// other small operations that is a handful of entries, so the common case allocates nothing
/// and resetting the list releases nothing. Beyond eight the rest goes to an array that keeps
/// its capacity across resets. Elements are plain values (`BitwiseCopyable`): the inline part
/// copies as bytes.
@usableFromInline
package struct SpillList<Element: BitwiseCopyable>: RandomAccessCollection {
    /// Elements kept inline.
    @usableFromInline package static var inlineCapacity: Int { 8 }

    @usableFromInline package internal(set) var count = 0
    /// Elements `0 ..< min(count, inlineCapacity)`; the rest of the slots repeat the filler.
    @usableFromInline var inline: (Element, Element, Element, Element, Element, Element, Element, Element)
    /// Elements `inlineCapacity...`, in order.
    @usableFromInline var spill: [Element] = []

    /// An empty list; `filler` stands in the unused inline slots.
    @inlinable
    package init(filler: Element) {
        inline = (filler, filler, filler, filler, filler, filler, filler, filler)
    }

    @inlinable package var startIndex: Int { 0 }
    @inlinable package var endIndex: Int { count }

    @inlinable
    package subscript(position: Int) -> Element {
        precondition(position >= 0 && position < count, "SpillList index out of range")
        if position >= Self.inlineCapacity { return spill[position &- Self.inlineCapacity] }
        return withUnsafeBytes(of: inline) {
            $0.load(fromByteOffset: position &* MemoryLayout<Element>.stride, as: Element.self)
        }
    }

    /// Adds `element` at the end.
    @inlinable
    package mutating func append(_ element: Element) {
        if count < Self.inlineCapacity {
            let offset = count &* MemoryLayout<Element>.stride
            withUnsafeMutableBytes(of: &inline) { $0.storeBytes(of: element, toByteOffset: offset, as: Element.self) }
        } else {
            spill.append(element)
        }
        count &+= 1
    }

    /// Empties the list, keeping any heap capacity for the next operation.
    @inlinable
    package mutating func removeAll() {
        count = 0
        if !spill.isEmpty { spill.removeAll(keepingCapacity: true) }
    }
}
