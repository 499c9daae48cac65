// swift-tools-version: 6.1
import PackageDescription

// MiniWeb's benchmarks, kept out of the main package so that `swift build` and CI do not build
// the benchmark tooling. Run from this folder: `swift package benchmark`.
let package = Package(
    name: "MiniWebBenchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "MiniWebHello", targets: ["MiniWebHello"]),
        .executable(name: "HummingbirdHello", targets: ["HummingbirdHello"]),
        .executable(name: "ProfileLoop", targets: ["ProfileLoop"]),
        .executable(name: "Soak", targets: ["Soak"]),
    ],
    dependencies: [
        .package(name: "MiniWeb", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "MiniWebHello",
            dependencies: [
                .product(name: "MiniWeb", package: "MiniWeb"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/MiniWebHello"
        ),
        .executableTarget(
            name: "HummingbirdHello",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/HummingbirdHello"
        ),
        .executableTarget(
            name: "ProfileLoop",
            dependencies: [.product(name: "MiniWebWxLogin", package: "MiniWeb")],
            path: "Sources/ProfileLoop"
        ),
        .executableTarget(
            name: "Soak",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/Soak",
            swiftSettings: [.enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("MemberImportVisibility")]
        ),
        .executableTarget(
            name: "MiniWebBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "MiniWeb", package: "MiniWeb"),
                .product(name: "MiniWebWxLogin", package: "MiniWeb"),
            ],
            path: "Benchmarks/MiniWebBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "WxCryptoBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "MiniWebWxLogin", package: "MiniWeb"),
            ],
            path: "Benchmarks/WxCryptoBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
