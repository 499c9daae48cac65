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
    ],
    dependencies: [
        .package(name: "MiniWeb", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
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
