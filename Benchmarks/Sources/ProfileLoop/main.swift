// A plain loop over one hot path, for `perf record` / `valgrind --tool=callgrind` (the
// benchmark runner's own machinery would dominate a profile).
//   swift build -c release --product ProfileLoop && perf record -g .build/release/ProfileLoop decrypt 300000
import Foundation
import MiniWebWxLogin

let vectorData =
    "CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142d"
    + "NCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn"
    + "/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns"
    + "/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuy"
    + "Db/XcxxmK01EpqOyuxINew=="
let arguments = CommandLine.arguments
let iterations = arguments.count > 2 ? Int(arguments[2]) ?? 100_000 : 100_000
let crypto = WxDataCrypto(appID: "wx4f4bc4dec97d474b")
let start = ContinuousClock.now
var checksum = 0
switch arguments.count > 1 ? arguments[1] : "decrypt" {
case "bytes":
    for _ in 0..<iterations {
        if case .success(let data) = WxDataCrypto.decrypt(encryptedData: vectorData, iv: "r7BXXKkLb8qrSNn05n0qiA==", sessionKey: "tiihtNczf5v6AKRyjwEUhQ==") {
            checksum &+= data.count
        }
    }
default:
    for _ in 0..<iterations {
        let user = try crypto.decrypt(WxUserInfo.self, encryptedData: vectorData, iv: "r7BXXKkLb8qrSNn05n0qiA==", sessionKey: "tiihtNczf5v6AKRyjwEUhQ==")
        checksum &+= user.openId.utf8.count
    }
}
let elapsed = ContinuousClock.now - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("\(iterations) in \(seconds) s: \(Int(Double(iterations) / seconds)) / s (checksum \(checksum))")
