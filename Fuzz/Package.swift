// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets for MiniWeb, kept out of the main package: they are built with
// `--sanitize=fuzzer --sanitize=address` by `Fuzz/run.sh` (which `.ci/run` runs for a bounded time).
let package = Package(
    name: "MiniWebFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "MiniWeb", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // Bytes off the wire → NIO's HTTP/1.1 parser and MiniWeb's connection handler (the server's
        // own pipeline) → Request → router and middleware → Response.
        .executableTarget(
            name: "FuzzHTTPRequest",
            dependencies: [
                .product(name: "MiniWeb", package: "MiniWeb"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // A login body → WxLoginPayload (JSON, form, the Flask shape) → base64 and AES-CBC/PKCS#7
        // decryption → the strict JSON parser → typed payloads and the watermark check.
        .executableTarget(
            name: "FuzzWxLogin",
            dependencies: [
                .product(name: "MiniWeb", package: "MiniWeb"),
                .product(name: "MiniWebWxLogin", package: "MiniWeb"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ]
)
