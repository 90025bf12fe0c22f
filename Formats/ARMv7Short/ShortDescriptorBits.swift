/// Bit positions of ARMv7 short descriptors (ARM Architecture Reference Manual ARMv7-A/R,
/// VMSAv7 short-descriptor translation table format).
///
/// ```
///  L1 page table  | base[31:10]                  |IMP|domain|0|NS |PXN|0 1|
///  L1 section     | base[31:20] |NS|0|nG|S|AP2|TEX|AP1:0|IMP|domain|XN|C|B|1 PXN|
///  L1 supersection| base[31:24]|ext[23:20]|NS|1|nG|S|AP2|TEX|AP1:0|IMP|ext[8:5]|XN|C|B|1 PXN|
///  L2 large page  | base[31:16] |XN|TEX|nG|S|AP2|000|AP1:0|C|B|0 1|
///  L2 small page  | base[31:12]        |nG|S|AP2|TEX|AP1:0|C|B|1 XN|
/// ```
@usableFromInline
enum ShortDescriptorBits {
    // Type fields, bits 1:0.
    @usableFromInline static let typeMask: UInt32 = 0b11
    /// L1: a pointer to an L2 table. L2: a large page.
    @usableFromInline static let typeTableOrLargePage: UInt32 = 0b01
    /// L1: a section or supersection (bit 0 is PXN where implemented). L2: a small page
    /// (bit 0 is XN).
    @usableFromInline static let typeSectionOrSmallPage: UInt32 = 0b10

    // Memory region attributes shared by every leaf.
    @usableFromInline static let bufferable: UInt32 = 1 << 2             // B
    @usableFromInline static let cacheable: UInt32 = 1 << 3              // C

    // L1 page-table descriptors.
    @usableFromInline static let tableNonSecure: UInt32 = 1 << 3         // NS
    @usableFromInline static let tableAddress: UInt32 = 0xFFFF_FC00      // bits 31:10

    // L1 sections and supersections.
    @usableFromInline static let sectionExecuteNever: UInt32 = 1 << 4    // XN
    @usableFromInline static let sectionAccessShift: UInt32 = 10         // AP[1:0], bits 11:10
    @usableFromInline static let sectionTEXShift: UInt32 = 12            // TEX[2:0], bits 14:12
    @usableFromInline static let sectionReadOnly: UInt32 = 1 << 15       // AP[2]
    @usableFromInline static let sectionShareable: UInt32 = 1 << 16      // S
    @usableFromInline static let sectionNotGlobal: UInt32 = 1 << 17      // nG
    @usableFromInline static let supersection: UInt32 = 1 << 18
    @usableFromInline static let sectionNonSecure: UInt32 = 1 << 19      // NS
    @usableFromInline static let sectionAddress: UInt32 = 0xFFF0_0000    // PA[31:20]
    @usableFromInline static let supersectionAddress: UInt32 = 0xFF00_0000  // PA[31:24]
    /// Supersection PA[35:32] in bits 23:20 and PA[39:36] in bits 8:5 (zero for 32-bit output).
    @usableFromInline static let supersectionExtendedLowShift: UInt32 = 20
    @usableFromInline static let supersectionExtendedHighShift: UInt32 = 5

    // L2 pages: fields common to small and large pages.
    @usableFromInline static let pageAccessShift: UInt32 = 4             // AP[1:0], bits 5:4
    @usableFromInline static let pageReadOnly: UInt32 = 1 << 9           // AP[2]
    @usableFromInline static let pageShareable: UInt32 = 1 << 10         // S
    @usableFromInline static let pageNotGlobal: UInt32 = 1 << 11         // nG
    // Small pages.
    @usableFromInline static let smallPageExecuteNever: UInt32 = 1 << 0  // XN
    @usableFromInline static let smallPageTEXShift: UInt32 = 6           // TEX[2:0], bits 8:6
    @usableFromInline static let smallPageAddress: UInt32 = 0xFFFF_F000  // PA[31:12]
    // Large pages.
    @usableFromInline static let largePageTEXShift: UInt32 = 12          // TEX[2:0], bits 14:12
    @usableFromInline static let largePageExecuteNever: UInt32 = 1 << 15 // XN
    @usableFromInline static let largePageAddress: UInt32 = 0xFFFF_0000  // PA[31:16]

    // AP[1:0] values with SCTLR.AFE = 1: AP[0] is the access flag, AP[1] grants PL0 access.
    @usableFromInline static let accessFlag: UInt32 = 0b01               // AP[0]
    @usableFromInline static let unprivileged: UInt32 = 0b10             // AP[1]
}
