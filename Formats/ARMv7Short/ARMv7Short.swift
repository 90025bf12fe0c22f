import PageTable

/// The ARMv7 short-descriptor translation table format (placeholder while it is written).
public struct ARMv7ShortPlaceholder {}
