// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "BuildMyMCPServer",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "bmm", targets: ["bmm"]),
        .executable(name: "fake-stripe", targets: ["fake-stripe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // cmark-gfm from Debian's libcmark-gfm-dev (+ -extensions-dev).
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        .target(name: "Core"),
        // LLM providers and the offline drafter behind one protocol; no Vapor.
        .target(
            name: "Drafting",
            dependencies: [
                "Core",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            // The offline drafter's recipe code, one JavaScript file per tool (Offline/Recipes/js/README.md).
            resources: [.copy("Offline/Recipes/js")]
        ),
        // The egress guard for tool fetches and OAuth client-metadata fetches; no Vapor.
        .target(
            name: "Egress",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // JavaScriptCore from Debian's libjavascriptcoregtk-4.1-dev, for the sandbox worker.
        .systemLibrary(
            name: "CJavaScriptCore",
            pkgConfig: "javascriptcoregtk-4.1",
            providers: [.apt(["libjavascriptcoregtk-4.1-dev"])]
        ),
        // prctl and seccomp for the sandbox (Swift cannot call variadic C functions), and the
        // worker's system-call allow-list, written as BPF with the kernel's own constants.
        .target(name: "CSandboxContainment"),
        // Host side of the tool sandbox: a pool of worker processes; no Vapor.
        .target(name: "Sandbox", dependencies: ["Core", "CSandboxContainment", .product(name: "Crypto", package: "swift-crypto")]),
        // The runtime's JavaScript is embedded in the worker binary (Runtime/README.md).
        .executableTarget(
            name: "bmm-sandbox-worker",
            dependencies: ["CJavaScriptCore", "CSandboxContainment"],
            exclude: ["Runtime/README.md"],
            resources: [
                .embedInCode("Runtime/runtime.js"),
                .embedInCode("Runtime/encoding.js"),
                .embedInCode("Runtime/url.js"),
            ]
        ),
        .target(name: "Markdown", dependencies: ["CCmarkGFM"]),
        // zlib (Debian's zlib1g-dev) and Brotli (libbrotli-dev), for the export's pre-compressed files.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CBrotli", pkgConfig: "libbrotlienc", providers: [.apt(["libbrotli-dev"])]),
        // gzip and Brotli files compressed once for static hosts; no Vapor.
        .target(name: "Precompression", dependencies: ["CZlib", "CBrotli"]),
        // Compiles the Leaf-syntax templates in Views/ once and renders them fast.
        .target(name: "Templating"),
        // Mail and SMS provider clients behind small protocols; no Vapor.
        .target(
            name: "Messaging",
            dependencies: [
                "Core",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The Stripe REST client and webhook verification; no Vapor.
        .target(
            name: "Billing",
            dependencies: [
                "Core",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // A local server that behaves like Stripe's API, for the Billing and App tests and (as `fake-stripe`, with a
        // stand-in Stripe.js) the browser tests; no Vapor.
        .target(
            name: "StripeFake",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "fake-stripe",
            dependencies: ["StripeFake"],
            resources: [.embedInCode("stripe.js")]
        ),
        .target(
            name: "App",
            dependencies: [
                "Billing",
                "Core",
                "Drafting",
                "Egress",
                "Markdown",
                "Messaging",
                "Precompression",
                "Sandbox",
                "Templating",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The folder map for readers, not a resource.
            exclude: ["README.md"]
        ),
        .executableTarget(
            name: "bmm",
            dependencies: ["App", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]
        ),
        .testTarget(name: "CoreTests", dependencies: ["Core"]),
        .testTarget(
            name: "DraftingTests",
            dependencies: [
                "Drafting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "EgressTests",
            dependencies: [
                "Egress",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(name: "SandboxTests", dependencies: ["Sandbox", "Core"]),
        // `node --check` on every .js file in Sources/ and Public/.
        .testTarget(name: "JavaScriptTests"),
        .testTarget(name: "MarkdownTests", dependencies: ["Markdown"]),
        .testTarget(name: "PrecompressionTests", dependencies: ["Precompression"]),
        .testTarget(name: "TemplatingTests", dependencies: ["Templating"]),
        .testTarget(
            name: "MessagingTests",
            dependencies: [
                "Messaging",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "BillingTests",
            dependencies: [
                "Billing",
                "Core",
                "StripeFake",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "App",
                "Precompression",
                "StripeFake",
                .product(name: "XCTVapor", package: "vapor"),
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
    ]
)
