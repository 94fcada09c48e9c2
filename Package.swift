// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "BuildMyMCPServer",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "bmm", targets: ["bmm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        // cmark-gfm from Debian's libcmark-gfm-dev (+ -extensions-dev).
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        .target(name: "Core"),
        .target(name: "Markdown", dependencies: ["CCmarkGFM"]),
        // Compiles the Leaf-syntax templates in Views/ once and renders them fast.
        .target(name: "Templating"),
        .target(
            name: "App",
            dependencies: [
                "Core",
                "Markdown",
                "Templating",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(name: "bmm", dependencies: ["App"]),
        .testTarget(name: "CoreTests", dependencies: ["Core"]),
        .testTarget(name: "MarkdownTests", dependencies: ["Markdown"]),
        .testTarget(name: "TemplatingTests", dependencies: ["Templating"]),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "App",
                .product(name: "XCTVapor", package: "vapor"),
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
    ]
)
