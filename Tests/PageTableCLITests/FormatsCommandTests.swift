import Testing
@testable import PageTableCLI
import PageTableKit

/// `pagetable formats` and the format catalogue.
@Suite struct FormatsCommandTests {
    @Test func listsEachFormatWithItsOptionsAndDefaults() {
        let result = pagetable(["formats"])
        #expect(result.status == 0)
        #expect(result.error.isEmpty)
        #expect(result.lines == [
            "arm-lpae-64",
            "  ARM VMSAv8-64 long-descriptor (LPAE) translation tables, stage 1 or 2",
            "  --granule 4k|16k|64k    default 4k     translation granule: smallest page and table size",
            "  --stage 1|2             default 1      translation stage (1: TTBR0/TCR/MAIR, 2: VTTBR/VTCR)",
            "  --ias N                 default 48     input-address size in bits",
            "  --oas N                 default 48     output-address size in bits",
            "  --no-contiguous         default off    write no contiguous groups: no descriptor gets the Contiguous bit",
            "  --va-range lower|upper  default lower  stage 1: lower (TTBR0) or upper (TTBR1, 0xffff... addresses) virtual range",
            "  --bbm-level 0|1|2       default 0      the MMU's FEAT_BBM level: 2 lets 'cut' change a live block's size",
            "  --dirty-tracking        default off    FEAT_HAFDBS: TCR/VTCR HA+HD, writable leaves start clean (DBM, read-only until written)",
            "", "arm-v7s",
            "  ARMv7 short-descriptor translation tables (4K/64K pages, 1M/16M sections), 32-bit",
            "  --table-zone-size BYTES  default 1M  low-memory zone at the memory base that 1K L2 tables are carved from",
            "", "gpu-lpae",
            "  GPU tables (Mali CSF): ARM LPAE stage 1, 4K granule, shared tables for repeat mappings",
            "  --ias N           default 48   input-address (GPU VA) size in bits",
            "  --oas N           default 48   output-address size in bits",
            "  --dirty-tracking  default off  refused: shared repeat tables and dirty tracking exclude each other",
            "", "riscv",
            "  RISC-V Sv39/Sv48/Sv57 page tables, stage 1 (satp) or G-stage (hgatp, Sv39x4...)",
            "  --mode sv39|sv48|sv57  default sv48  translation mode: 3, 4 or 5 levels",
            "  --stage 1|2            default 1     translation stage (1: SATP, 2: G-stage, HGATP, 16K root)",
            "  --svnapot              default off   Svnapot: 64K leaves of 16 NAPOT PTEs",
            "  --svpbmt               default off   Svpbmt: memory types (none NC, c PMA, d IO)",
            "  --dirty-tracking       default off   Svadu (menvcfg/henvcfg.ADUE): leaves start with D clear, set by the hart on a store",
            "", "x86-64",
            "  x86-64 paging, 4-level (PML4, 48-bit) or 5-level (PML5, LA57, 57-bit)",
            "  --levels 4|5      default 4    paging levels: 4 (48-bit input) or 5 (57-bit input)",
            "  --oas N           default 52   output-address size (MAXPHYADDR) in bits",
            "  --dirty-tracking  default off  leaves start with D clear, set by the processor on a write (no shared tables)",
        ])
    }

    /// A second format plugs in with one entry: listed, selectable, with its own options.
    @Test func aFormatPlugsInWithOneEntry() {
        let toy = FormatEntry(
            name: "toy", summary: "ARM LPAE with a fixed 39-bit input size",
            options: [FormatOption(name: "table-zone-size", valueSyntax: "BYTES", defaultValue: "1M",
                                   summary: "unused here")],
            build: { (settings, memory, allocator) throws(UsageError) in
                guard settings.value("table-zone-size") == "1M" else { throw UsageError("zone must be 1M") }
                let format = try! ARMLPAE(inputAddressBits: 39)
                return try FormatEntry.makeTable(format, memory: memory, allocator: allocator,
                                                 parameters: ["zone": .string(settings.value("table-zone-size"))])
            })
        let command = PageTableCommand(catalog: FormatCatalog(entries: [.armLPAE64, toy]))
        func run(_ arguments: [String], _ input: String = "") -> (Int32, String, String) {
            let output = CapturedText(), error = CapturedText()
            let status = command.run(arguments: arguments, standardInput: { Array(input.utf8) },
                                     standardOutput: output, standardError: error)
            return (status, output.text, error.text)
        }

        let listing = run(["formats"])
        #expect(listing.1.contains("\n\ntoy\n  ARM LPAE with a fixed 39-bit input size\n  --table-zone-size BYTES  default 1M"))
        #expect(run(["--help"]).1.contains("Options of --format toy:"))

        let answered = run(["run", "--format", "toy", "-", "--stats"], "map 0x8000000000 0 4K rw\nmap 0 0 4K rw")
        #expect(answered.0 == 0)
        #expect(answered.1.hasPrefix("mapped 0 error out-of-range\nmapped 4096\ntables 3\n"))

        let refused = run(["run", "--format", "toy", "--table-zone-size", "2M", "-"])
        #expect(refused.0 == 2 && refused.2 == "pagetable: zone must be 1M\n")
        let misplaced = run(["run", "--format", "arm-lpae-64", "--table-zone-size", "1M", "-"])
        #expect(misplaced.0 == 2)
        #expect(misplaced.2 == "pagetable: option '--table-zone-size' does not apply to format 'arm-lpae-64'\n")
        let foreign = run(["run", "--format", "toy", "--granule", "4k", "-"])
        #expect(foreign.2 == "pagetable: option '--granule' does not apply to format 'toy'\n")
    }
}
