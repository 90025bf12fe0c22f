/// The usage text `pagetable --help` prints (and a bare `pagetable` prints on standard error).
enum Usage {
    /// The full usage text for the formats of `catalog`, ending in a newline.
    static func text(catalog: FormatCatalog) -> String {
        var text = """
            usage: pagetable run --format NAME [FORMAT OPTIONS] [--memory-base ADDR] [--memory-size BYTES]
                                 [--non-coherent] [--stats] [--dump] [--export DIR] [--dot FILE] SCRIPT
                   pagetable formats
                   pagetable bench [--json] [--case NAME]... [--repetitions N] [--scaling]
                                   [--clock monotonic|thread-cpu]
                   pagetable --help

            Commands:
              run       build an empty table offline, run SCRIPT (a file, or - for stdin) against it
              formats   list the formats and their options
              bench     time the standard cases (map-4k, unmap-4k, translate, map-2m, map-one-4k, ...);
                        --json prints one JSON object per case; --scaling times map-4k/unmap-4k
                        from 4 KiB to 4 GiB; --clock thread-cpu times with the thread's CPU clock

            Run options (any order, before SCRIPT):
              --format NAME         table format (required; see 'pagetable formats')
              --memory-base ADDR    physical base of the simulated memory, 4K-aligned (default 0x80000000)
              --memory-size BYTES   size of the simulated memory (default 64M)
              --non-coherent        the walker does not snoop CPU caches: table writes are cleaned
              --stats               after the answers, print statistics lines 'NAME VALUE'
              --dump                then print the table tree
              --export DIR          after the run, write DIR/memory.bin and DIR/manifest.json
              --dot FILE            then write FILE: a Graphviz digraph of the tables (shared ones once)


            """
        for entry in catalog.entries {
            text += "Options of --format \(entry.name):\n"
            text += FormatListing.optionLines(entry).joined(separator: "\n") + "\n\n"
        }
        text += """
            Script: one operation per line; '#' starts a comment; numbers are decimal or 0x hex,
            with an optional K/M/G/T suffix (binary); PROT is letters from r w x c d p
            (read, write, execute, cacheable, device, privileged).
              map IOVA PA SIZE PROT     answers 'mapped <bytes>' or 'mapped <bytes> error <name>'
              unmap IOVA SIZE           answers 'unmapped <bytes>' or 'unmapped <bytes> error <name>'
              translate IOVA            answers '0x<pa>' or 'unmapped'
              repeat IOVA PA PAGESIZE SIZE PROT
                                        every PAGESIZE page of the range maps the one page at PA
                                        (gpu-lpae shares the tables); answers like 'map'
              map-all IOVA PA SIZE PROT all or nothing; answers like 'map'
              fail-alloc N | off        the Nth table allocation from here fails, and every later
                                        one / none; answers 'ok'
              reserve IOVA SIZE         populate and pin the range's tables; 'reserved <bytes>...'
              release IOVA SIZE         unpin them and free the empty ones; 'released <bytes>...'
              estimate IOVA SIZE [PA]   'tables <n>': what a map of the range to PA would allocate
                                        (without PA: a map of smallest pages)
              estimate-reserve IOVA SIZE
                                        'tables <n>': what 'reserve IOVA SIZE' would allocate

            Exit status: 0 after a run (table-level errors are answers), 1 if the export or the
            --dot file cannot be written, 2 for a usage error or a malformed script (nothing is run
            then).

            """
        return text
    }
}
