import PageTable

/// `0x` and lowercase hex digits.
func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

/// Read-write, the attributes the semantics tests map with.
let readWrite = MapAttributes(access: [.read, .write])
