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
        .library(name: "PageTableKit", targets: ["PageTableKit"]),
        .executable(name: "pagetable", targets: ["pagetable"]),
        // The reference model, TLB/walk-cache model and tiny format, for testing your own formats.
        .library(name: "PageTableTestSupport", targets: ["PageTableTestSupport"]),
    ],
    targets: [
        // The format-agnostic walker, memory, allocator and invalidation seams.
        .target(name: "PageTable"),
        // Built-in formats: each depends only on the core.
        .target(name: "ARMLPAE", dependencies: ["PageTable"], path: "Formats/ARMLPAE"),
        .target(name: "ARMv7Short", dependencies: ["PageTable"], path: "Formats/ARMv7Short"),
        // GPU tables (Mali CSF, as panthor programs them): ARM LPAE stage 1 4K with shared tables.
        .target(name: "GPULPAE", dependencies: ["PageTable", "ARMLPAE"], path: "Formats/GPULPAE"),
        // Umbrella import: the core plus every built-in format.
        .target(name: "PageTableKit", dependencies: ["PageTable", "ARMLPAE", "ARMv7Short", "GPULPAE"]),
        // The command-line tool: a testable library and a thin executable.
        .target(name: "PageTableCLI", dependencies: ["PageTableKit"]),
        .executableTarget(name: "pagetable", dependencies: ["PageTableCLI"]),
        // The fuzz target: with -DFUZZING and -sanitize=fuzzer (.ci/fuzz.sh) a libFuzzer
        // binary; built normally, it replays inputs through the same checks.
        .executableTarget(name: "PageTableFuzz", dependencies: ["PageTableCLI", "PageTableTestSupport"]),

        .target(name: "PageTableTestSupport", dependencies: ["PageTable"], path: "Tests/PageTableTestSupport"),
        .testTarget(name: "PageTableTests", dependencies: ["PageTable", "PageTableTestSupport"]),
        .testTarget(name: "ARMLPAETests", dependencies: ["ARMLPAE", "PageTableTestSupport"]),
        .testTarget(name: "ARMv7ShortTests", dependencies: ["ARMv7Short", "PageTableTestSupport"]),
        .testTarget(name: "GPULPAETests", dependencies: ["GPULPAE", "PageTableTestSupport"]),
        .testTarget(name: "PageTableCLITests", dependencies: ["PageTableCLI"]),
        // The cross-format matrix: every format and configuration against one reference model.
        .testTarget(name: "ConformanceTests", dependencies: ["PageTableKit", "PageTableTestSupport"]),
    ]
)
