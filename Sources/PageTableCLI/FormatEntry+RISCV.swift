import PageTableKit

extension FormatEntry {
    /// `riscv`: RISC-V Sv39/Sv48/Sv57 tables, stage 1 or the G-stage (`RISCV`), with the
    /// Svnapot and Svpbmt extensions as flags. Without `--svpbmt` a PTE has no memory type, so
    /// `c` and `d` are refused and plain mappings take the platform's PMA.
    public static let riscv = FormatEntry(
        name: RISCV.formatName,
        summary: "RISC-V Sv39/Sv48/Sv57 page tables, stage 1 (satp) or G-stage (hgatp, Sv39x4...)",
        options: [
            FormatOption(name: "mode", valueSyntax: "sv39|sv48|sv57", defaultValue: "sv48",
                         summary: "translation mode: 3, 4 or 5 levels"),
            FormatOption(name: "stage", valueSyntax: "1|2", defaultValue: "1",
                         summary: "translation stage (1: SATP, 2: G-stage, HGATP, 16K root)"),
            .flag(name: "svnapot", summary: "Svnapot: 64K leaves of 16 NAPOT PTEs"),
            .flag(name: "svpbmt", summary: "Svpbmt: memory types (none NC, c PMA, d IO)"),
            .flag(name: "dirty-tracking", summary: "Svadu (menvcfg/henvcfg.ADUE): leaves start with D clear, set by the hart on a store"),
        ],
        build: { (settings, memory, allocator) throws(UsageError) in
            try settings.refuseDynamicTop(RISCV.formatName, because: "the stage-1 top is sign-extended (its two halves "
                                          + "would go to the first and the last entry of a taller root) and the stage-2 "
                                          + "root is an oversized 16 KiB table (see docs/semantics.md)")
            let mode = try settings.choice("mode", ["sv39": RISCV.Mode.sv39, "sv48": .sv48, "sv57": .sv57])
            let stage = try settings.choice("stage", ["1": RISCV.Stage.stage1, "2": .stage2])
            var configuration = RISCV.Configuration(mode: mode, stage: stage, svnapot: settings.flag("svnapot"),
                                                    svpbmt: settings.flag("svpbmt"))
            configuration.dirtyTracking = settings.flag("dirty-tracking")
            let format = RISCV(configuration)
            var parameters: [String: JSONValue] = ["mode": .string(mode.description), "stage": .integer(Int64(stage.rawValue))]
            // A/D are hardware-managed: the loader must enable Svadu (menvcfg.ADUE; henvcfg.ADUE for a VS-stage table).
            if format.tracksDirtyState { parameters["dirtyTracking"] = .string("svadu") }
            return try makeTable(format, memory: memory, allocator: allocator, parameters: parameters)
        })
}
