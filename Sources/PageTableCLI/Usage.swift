import PageTableKit

/// The usage texts: `pagetable --help` prints the whole of it (and a bare `pagetable` prints it
/// on standard error); `pagetable COMMAND --help` prints only that command's part.
enum Usage {
    /// The full usage text for the formats of `catalog`, ending in a newline.
    static func text(catalog: FormatCatalog) -> String {
        synopsis + "\n" + commands + "\n" + runOptions + "\n" + formatOptions(catalog) + script + exitStatus
    }

    /// `pagetable run --help`: the run synopsis, its options, the formats' options, the script
    /// language and the exit statuses.
    static func runText(catalog: FormatCatalog) -> String {
        runSynopsis + "\n" + runOptions + "\n" + formatOptions(catalog) + script + exitStatus
    }

    /// `pagetable formats --help`.
    static let formatsText = """
        usage: pagetable formats

        Lists every format 'pagetable run --format NAME' builds, with its options and their defaults.

        """

    /// `pagetable check --help`; the problem kinds are `ImageProblem.Kind`'s names.
    static var checkText: String {
        var kinds = ""
        var line = "  "
        for kind in ImageProblem.Kind.allCases {
            if line.count + kind.name.count > 90 { kinds += line + "\n"; line = "  " }
            line += (line == "  " ? "" : " ") + kind.name
        }
        kinds += line
        return """
            usage: pagetable check --image DIR
                   pagetable check --format NAME [FORMAT OPTIONS] --memory FILE --memory-base ADDR
                                   (--root ADDR | --register NAME=VALUE...)

            Loads the table as 'run' does (see 'pagetable run --help' for these options) and checks
            everything its root reaches. Prints one line per problem,
              0x<address>: <kind>: <message>
            (the descriptor at fault, or the table for empty-table, overlapping-tables and
            incomplete-shared-table), and exits 1. The kinds:
            \(kinds)
            With no problem, prints one line
              ok: <n> tables, <n> leaves, <n> bytes mapped
            and exits 0. An unreadable image or a bad root is a usage error (exit 2).

            """
    }

    /// `pagetable bench --help`.
    static let benchText = """
        usage: pagetable bench [--json] [--case NAME]... [--repetitions N] [--scaling]
                               [--clock monotonic|thread-cpu]

        Times the standard cases (map-4k, unmap-4k, translate, map-2m, map-one-4k, ...); --json
        prints one JSON object per case; --scaling times map-4k/unmap-4k from 4 KiB to 4 GiB;
        --clock thread-cpu times with the thread's CPU clock.

        """

    private static let runSynopsis = """
        usage: pagetable run --format NAME [FORMAT OPTIONS] [--memory-base ADDR] [--memory-size BYTES]
                             [--non-coherent] [--dynamic-top] [--stats] [--dump[=full]]
                             [--export DIR [--export-compact]] [--dot FILE] [--explain|-v] SCRIPT
               pagetable run --image DIR [--memory-size BYTES] [...] SCRIPT
               pagetable run --format NAME [FORMAT OPTIONS] --memory FILE --memory-base ADDR
                             (--root ADDR | --register NAME=VALUE...) [--memory-size BYTES] [...] SCRIPT

        """

    private static let synopsis = runSynopsis + """
               pagetable check (--image DIR | --format NAME ... --memory FILE --memory-base ADDR
                               (--root ADDR | --register NAME=VALUE...))
               pagetable formats
               pagetable bench [--json] [--case NAME]... [--repetitions N] [--scaling]
                               [--clock monotonic|thread-cpu]
               pagetable COMMAND --help
               pagetable --help

        """

    private static let commands = """
        Commands:
          run       build an empty table offline (or load one: --image, --memory), run SCRIPT
                    (a file, or - for stdin) against it
          check     load a table (--image, --memory) and list its problems, one per line
                    '0x<address>: <kind>: <message>' (exit 1), or print a summary (exit 0)
          formats   list the formats and their options
          bench     time the standard cases (map-4k, unmap-4k, translate, map-2m, map-one-4k, ...);
                    --json prints one JSON object per case; --scaling times map-4k/unmap-4k
                    from 4 KiB to 4 GiB; --clock thread-cpu times with the thread's CPU clock

        """

    private static let runOptions = """
        Run options (any order, before SCRIPT):
          --format NAME         table format (required unless --image; see 'pagetable formats')
          --memory-base ADDR    physical base of the simulated memory, 4K-aligned (default 0x80000000)
          --memory-size BYTES   size of the simulated memory (default 64M); with --image or --memory,
                                of the free memory after the image (new tables come only from it)
          --non-coherent        the walker does not snoop CPU caches: table writes are cleaned
          --dynamic-top         start with the fewest levels and grow the top as maps need, up to
                                the format's input size (arm-lpae-64 only: --ias is the maximum)
          --stats               after the answers, print statistics lines 'NAME VALUE' (per-level
                                counts only where not zero; with --dynamic-top also 'levels <n>'
                                and 'input-bits <n>')
          --dump                then print the table tree, runs of leaves that continue each
                                other on one line ('... size 4K x512 rw')
          --dump=full           the same with one line per leaf
          --export DIR          after the run, write DIR/memory.bin and DIR/manifest.json
          --export-compact      with --export: memory.bin holds only the range holding the tables
                                (the manifest's imageBase and imageSize say which)
          --dot FILE            then write FILE: a Graphviz digraph of the tables (shared ones once)
          --image DIR           load DIR/memory.bin and DIR/manifest.json (as --export writes them)
                                instead of building an empty table; the manifest gives the format
          --memory FILE         load FILE, a raw dump of physical memory from --memory-base
          --root ADDR           with --memory: the physical address of the top table
          --register NAME=VALUE with --memory: a register value (TTBR0, TTBR1, VTTBR, TCR, VTCR,
                                SATP, HGATP, CR3, CR4, ... as the format names them), repeatable;
                                one gives the root, and none may contradict the format options
          --explain, -v         for every failed answer, print 'SCRIPT:LINE: NAME: REASON' on stderr
                                (standard output is unchanged)

        """

    private static func formatOptions(_ catalog: FormatCatalog) -> String {
        var text = ""
        for entry in catalog.entries {
            text += "Options of --format \(entry.name):\n"
            text += FormatListing.optionLines(entry).joined(separator: "\n") + "\n\n"
        }
        return text
    }

    private static let script = """
            Script: one operation per line; '#' starts a comment; numbers are decimal or 0x hex,
            with an optional K/M/G/T suffix (binary); PROT is letters from r w x c d p
            (read, write, execute, cacheable, device, privileged).
              map IOVA PA SIZE PROT     answers 'mapped <bytes>' or 'mapped <bytes> error <name>'
              unmap IOVA SIZE           answers 'unmapped <bytes>' or 'unmapped <bytes> error <name>'
              translate IOVA            answers '0x<pa>' or 'unmapped'
              walk IOVA                 the walk explained: per level '<level> @<table>[<index>]
                                        <descriptor> <meaning>', '; '-separated, ending in
                                        '-> <pa> <size> <prot>' or '-> translation fault at <level>'
              repeat IOVA PA PAGESIZE SIZE PROT
                                        every PAGESIZE page of the range maps the one page at PA
                                        (gpu-lpae shares the tables); answers like 'map'
              map-all IOVA PA SIZE PROT all or nothing; answers like 'map'
              map-list IOVA PROT PA:SIZE PA:SIZE ...
                                        the extents in order to consecutive addresses from IOVA,
                                        in one call; answers like 'map' (bytes over the list)
              protect IOVA SIZE PROT    new attributes for the range's leaves, same translations;
                                        answers 'protected <bytes>' or '... error <name>'
              cut IOVA                  the leaf holding IOVA becomes the next smaller leaves, same
                                        translations; answers 'cut <bytes>' (the leaf's size) or
                                        'cut 0 error <name>' (unsupported: needs break-before-make)
              dirty IOVA SIZE           read and clear the range's dirty state (--dirty-tracking);
                                        answers 'dirty <bytes>' (dirty bytes found, now clean) or
                                        'dirty 0 error <name>'
              hw-write IOVA             the hardware's dirty update on a write to IOVA; answers
                                        'ok' or 'fault'
              collapse IOVA SIZE        the table under the range, mapped whole, linearly and with
                                        one set of attributes, becomes one SIZE block; answers
                                        'collapsed <bytes>' or 'collapsed 0 error <name>'
              fail-alloc N | off        the Nth table allocation from here fails, and every later
                                        one / none; answers 'ok'
              reserve IOVA SIZE         populate and pin the range's tables; 'reserved <bytes>...'
              release IOVA SIZE         unpin them and free the empty ones; 'released <bytes>...'
              estimate IOVA SIZE [PA]   'tables <n>': what a map of the range to PA would allocate
                                        (without PA: a map of smallest pages)
              estimate-reserve IOVA SIZE
                                        'tables <n>': what 'reserve IOVA SIZE' would allocate
              top                       'top <levels> <input-bits> <root>': the current top
                                        (it grows with --dynamic-top)

            """

    private static let exitStatus = """
            Exit status: 0 after a run (table-level errors are answers), 1 if the export or the
            --dot file cannot be written or a loaded image has problems (listed on stderr; nothing is
            run then), 2 for a usage error, a malformed script or an unreadable image (nothing is run
            then).

            """
}
