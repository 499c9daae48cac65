// swift-tools-version: 6.1
import PackageDescription

// MiniWeb's benchmarks, kept out of the main package so that `swift build` and CI do not build
// the benchmark tooling. Run from this folder: `swift package benchmark`.
let package = Package(
    name: "MiniWebBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "MiniWeb", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ProfileLoop",
            dependencies: [.product(name: "MiniWebWxLogin", package: "MiniWeb")],
            path: "Sources/ProfileLoop"
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
