// swift-tools-version:6.0
import PackageDescription

// The root package has no package dependencies: adopting the library costs nothing.
// Tooling that needs ecosystem packages lives in nested packages that depend on this one by path.
let package = Package(
    name: "swift-page-table",
    products: [
        .library(name: "PageTable", targets: ["PageTable"]),
        .library(name: "ARMLPAE", targets: ["ARMLPAE"]),
        .library(name: "ARMv7Short", targets: ["ARMv7Short"]),
        .library(name: "GPULPAE", targets: ["GPULPAE"]),
        .library(name: "RISCV", targets: ["RISCV"]),
        .library(name: "X86", targets: ["X86"]),
        .library(name: "PageTableKit", targets: ["PageTableKit"]),
        // Concurrent tables: many threads on disjoint ranges, lock-free translate (hosted only).
        .library(name: "PageTableConcurrent", targets: ["PageTableConcurrent"]),
        .executable(name: "pagetable", targets: ["pagetable"]),
        // The reference model, TLB/walk-cache model and tiny format, for testing your own formats.
        .library(name: "PageTableTestSupport", targets: ["PageTableTestSupport"]),
        // The cross-format conformance matrix, for your format's Swift Testing target.
        .library(name: "PageTableConformance", targets: ["PageTableConformance"]),
        // The `pagetable` command as a library: build your own with your formats added.
        .library(name: "PageTableCLI", targets: ["PageTableCLI"]),
    ],
    targets: [
        // The format-agnostic walker, memory, allocator and invalidation seams.
        .target(name: "PageTable"),
        // Built-in formats: each depends only on the core.
        .target(name: "ARMLPAE", dependencies: ["PageTable"], path: "Formats/ARMLPAE"),
        .target(name: "ARMv7Short", dependencies: ["PageTable"], path: "Formats/ARMv7Short"),
        // GPU tables (Mali CSF, as panthor programs them): ARM LPAE stage 1 4K with shared tables.
        .target(name: "GPULPAE", dependencies: ["PageTable", "ARMLPAE"], path: "Formats/GPULPAE"),
        // Non-ARM formats, written against the core's public API only.
        .target(name: "RISCV", dependencies: ["PageTable"], path: "Formats/RISCV"),
        .target(name: "X86", dependencies: ["PageTable"], path: "Formats/X86"),
        // Umbrella import: the core plus every built-in format.
        .target(name: "PageTableKit", dependencies: ["PageTable", "ARMLPAE", "ARMv7Short", "GPULPAE", "RISCV", "X86"]),
        // C11 atomics over raw table memory (Synchronization's `Atomic` cannot view it).
        .target(name: "CPageTableAtomics"),
        // The concurrent table. Its own module: it needs Synchronization and C atomics, which
        // Embedded Swift builds of the core do not have.
        .target(name: "PageTableConcurrent", dependencies: ["PageTable", "CPageTableAtomics"]),
        // The command-line tool: a testable library and a thin executable.
        .target(name: "PageTableCLI", dependencies: ["PageTableKit", "PageTableConcurrent"]),
        .executableTarget(name: "pagetable", dependencies: ["PageTableCLI"]),
        // The fuzz target: with -DFUZZING and -sanitize=fuzzer (.ci/fuzz.sh) a libFuzzer
        // binary; built normally, it replays inputs through the same checks.
        .executableTarget(name: "PageTableFuzz", dependencies: ["PageTableCLI", "PageTableTestSupport"]),

        .target(name: "PageTableTestSupport", dependencies: ["PageTable"], path: "Tests/PageTableTestSupport"),
        .testTarget(name: "PageTableTests", dependencies: ["PageTable", "PageTableTestSupport"]),
        .testTarget(name: "ARMLPAETests", dependencies: ["ARMLPAE", "PageTableTestSupport"]),
        .testTarget(name: "ARMv7ShortTests", dependencies: ["ARMv7Short", "PageTableTestSupport"]),
        .testTarget(name: "GPULPAETests", dependencies: ["GPULPAE", "PageTableTestSupport"]),
        .testTarget(name: "RISCVTests", dependencies: ["RISCV", "PageTableTestSupport", "PageTableConformance"]),
        .testTarget(name: "X86Tests", dependencies: ["X86", "PageTableTestSupport", "PageTableConformance"]),
        .testTarget(name: "PageTableCLITests", dependencies: ["PageTableCLI"]),
        // Many threads on one concurrent table, every format that allows it (also under TSan).
        .testTarget(name: "ConcurrencyTests",
                    dependencies: ["PageTableConcurrent", "PageTableKit", "PageTableConformance", "PageTableTestSupport"]),
        // The cross-format matrix: every check against one reference model, for any format.
        .target(name: "PageTableConformance", dependencies: ["PageTable", "PageTableConcurrent", "PageTableTestSupport"]),
        // The built-in formats through the kit, exactly as an outside package runs it.
        .testTarget(name: "ConformanceTests", dependencies: ["PageTableKit", "PageTableConformance", "PageTableTestSupport"]),
        // The kit proves it can fail: deliberately broken formats, each caught.
        .testTarget(name: "PageTableConformanceTests", dependencies: ["PageTableConformance", "PageTableTestSupport"]),
    ]
)
