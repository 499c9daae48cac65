import Benchmark
import Foundation
import MiniWebWxLogin

/// WeChat's official open-data demo vector.
typealias Vector = WxOfficialDemoVector

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 1_000_000
    )

    // Base64 validation and AES-128-CBC with the padding check: no JSON.
    Benchmark("Decrypt official vector (bytes only)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(WxDataCrypto.decrypt(encryptedData: Vector.encryptedData, iv: Vector.iv, sessionKey: Vector.sessionKey))
        }
    }

    // What the login middleware does: decrypt, parse into WxUserInfo, check the watermark.
    let crypto = WxDataCrypto(appID: Vector.appID)
    Benchmark("Decrypt official vector to WxUserInfo") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try crypto.decrypt(WxUserInfo.self, encryptedData: Vector.encryptedData, iv: Vector.iv, sessionKey: Vector.sessionKey))
        }
    }
}

