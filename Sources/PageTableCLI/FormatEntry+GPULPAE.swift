import PageTableKit

extension FormatEntry {
    /// `gpu-lpae`: Mali CSF GPU tables (`GPULPAE`): ARM LPAE stage 1 with a 4K granule, whose
    /// `repeat` mappings share fully covered tables. Registers and the exported image follow
    /// the `arm-lpae-64` stage-1 conventions (TTBR0, TCR, MAIR).
    public static let gpuLPAE = FormatEntry(
        name: GPULPAE.formatName,
        summary: "GPU tables (Mali CSF): ARM LPAE stage 1, 4K granule, shared tables for repeat mappings",
        options: [
            FormatOption(name: "ias", valueSyntax: "N", defaultValue: "48",
                         summary: "input-address (GPU VA) size in bits"),
            FormatOption(name: "oas", valueSyntax: "N", defaultValue: "48",
                         summary: "output-address size in bits"),
            .flag(name: "dirty-tracking", summary: "refused: shared repeat tables and dirty tracking exclude each other"),
        ],
        build: { (settings, memory, allocator) throws(UsageError) in
            guard !settings.flag("dirty-tracking") else {
                throw UsageError("\(GPULPAE.formatName): --dirty-tracking is refused: its repeat mappings share tables, "
                                 + "and a hardware dirty update through one entry would show through every other")
            }
            try settings.refuseDynamicTop(GPULPAE.formatName, because: "not offered: the GPU address space keeps the "
                                          + "one layout its driver programs (give --ias)")
            let inputBits = try settings.integer("ias")
            let outputBits = try settings.integer("oas")
            let format: GPULPAE
            do throws(GPULPAE.ConfigurationError) {
                format = try GPULPAE(inputAddressBits: inputBits, outputAddressBits: outputBits,
                                     coherentWalk: !settings.nonCoherent)
            } catch {
                throw UsageError("invalid \(GPULPAE.formatName) configuration: \(error)")
            }
            // The manifest names the ARM LPAE layout too, so ARMv8 checkers need nothing new.
            return try makeTable(format, memory: memory, allocator: allocator, parameters: [
                "granule": .string(ARMLPAE.Granule.size4K.description),
                "stage": .integer(1),
                "ias": .integer(Int64(inputBits)),
                "oas": .integer(Int64(outputBits)),
            ])
        })
}
