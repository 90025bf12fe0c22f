import PageTable

/// Table memory as a hardware walker sees it.
///
/// For coherent memory that is simply what the CPU wrote. For non-coherent memory it is a
/// separate copy that changes only when the framework cleans a range -- so a missing clean
/// shows up as the walker reading old descriptors.
public final class HardwareView: @unchecked Sendable {
    private let coherent: Bool
    private var copy: [UInt8]
    private let base: PhysicalAddress
    /// Ranges cleaned so far (non-coherent views).
    public private(set) var cleans = 0

    /// A view of arena memory `base ..< base + size`; `coherent` views read the arena itself.
    /// Connect a non-coherent view with ``cacheMaintenance`` when creating the arena, then
    /// ``attach(_:)`` it.
    public init(base: PhysicalAddress, size: Int, coherent: Bool) {
        self.base = base
        self.coherent = coherent
        copy = coherent ? [] : Array(repeating: 0, count: size)
    }

    private weak var attached: PhysicalArena?

    /// The arena the view reads (coherent) or copies from when cleaned (non-coherent).
    public func attach(_ arena: PhysicalArena) { attached = arena }

    /// The hook to give a non-coherent arena: copies the cleaned range into the view.
    public var cacheMaintenance: @Sendable (PhysicalAddress, Int) -> Void {
        { [unowned self] address, bytes in
            guard let arena = self.attached else { return }
            self.cleans += 1
            let offset = Int(address - self.base)
            self.copy.withUnsafeMutableBytes { view in
                view.baseAddress!.advanced(by: offset).copyMemory(from: arena.bytes.baseAddress!.advanced(by: offset),
                                                                  byteCount: bytes)
            }
        }
    }

    /// The descriptor at physical address `address`, as the walker reads it.
    public func load<Descriptor: FixedWidthInteger>(_ address: PhysicalAddress) -> Descriptor {
        let offset = Int(address - base)
        if coherent {
            return Descriptor(littleEndian: attached!.bytes.load(fromByteOffset: offset, as: Descriptor.self))
        }
        return copy.withUnsafeBytes { Descriptor(littleEndian: $0.load(fromByteOffset: offset, as: Descriptor.self)) }
    }
}
