// swift-tools-version:6.0
import PackageDescription

// An outside package adding a format to swift-page-table: the format, its conformance test
// through the kit, and its own `pagetable` built with the CLI library.
let package = Package(
    name: "CustomFormat",
    products: [
        .library(name: "TeachingMMU", targets: ["TeachingMMU"]),
        .executable(name: "teaching-pagetable", targets: ["teaching-pagetable"]),
    ],
    dependencies: [
        // In your package: .package(url: "https://.../swift-page-table.git", from: "1.0.0").
        // A path dependency's identity is its directory's name; `name:` fixes it whatever
        // the checkout is called.
        .package(name: "swift-page-table", path: "../../.."),
    ],
    targets: [
        // The format: depends on the core only.
        .target(name: "TeachingMMU", dependencies: [.product(name: "PageTable", package: "swift-page-table")]),
        // Its entry in a `pagetable` catalogue, and the executable that offers it.
        .target(name: "TeachingMMUCommand", dependencies: [
            "TeachingMMU", .product(name: "PageTableCLI", package: "swift-page-table"),
        ]),
        .executableTarget(name: "teaching-pagetable", dependencies: ["TeachingMMUCommand"]),

        .testTarget(name: "TeachingMMUTests", dependencies: [
            "TeachingMMU", .product(name: "PageTableConformance", package: "swift-page-table"),
        ]),
        .testTarget(name: "TeachingMMUCommandTests", dependencies: [
            "TeachingMMUCommand", .product(name: "PageTableCLI", package: "swift-page-table"),
        ]),
    ]
)
