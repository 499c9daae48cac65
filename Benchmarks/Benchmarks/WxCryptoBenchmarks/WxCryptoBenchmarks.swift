import Benchmark
import Foundation
import MiniWebWxLogin

/// WeChat's official open-data demo vector.
enum Vector {
    static let appID = "wx4f4bc4dec97d474b"
    static let sessionKey = "tiihtNczf5v6AKRyjwEUhQ=="
    static let iv = "r7BXXKkLb8qrSNn05n0qiA=="
    static let encryptedData =
        "CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142d"
        + "NCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn"
        + "/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns"
        + "/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuy"
        + "Db/XcxxmK01EpqOyuxINew=="
}

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

