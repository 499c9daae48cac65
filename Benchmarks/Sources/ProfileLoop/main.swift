// A plain loop over one hot path, for `perf record` / `valgrind --tool=callgrind` (the
// benchmark runner's own machinery would dominate a profile).
//   swift build -c release --product ProfileLoop && perf record -g .build/release/ProfileLoop decrypt 300000
import Foundation
import MiniWebWxLogin

let vectorData = WxOfficialDemoVector.encryptedData
let arguments = CommandLine.arguments
let iterations = arguments.count > 2 ? Int(arguments[2]) ?? 100_000 : 100_000
let crypto = WxDataCrypto(appID: WxOfficialDemoVector.appID)
let start = ContinuousClock.now
var checksum = 0
switch arguments.count > 1 ? arguments[1] : "decrypt" {
case "bytes":
    for _ in 0..<iterations {
        if case .success(let data) = WxDataCrypto.decrypt(encryptedData: vectorData, iv: WxOfficialDemoVector.iv, sessionKey: WxOfficialDemoVector.sessionKey) {
            checksum &+= data.count
        }
    }
default:
    for _ in 0..<iterations {
        let user = try crypto.decrypt(WxUserInfo.self, encryptedData: vectorData, iv: WxOfficialDemoVector.iv, sessionKey: WxOfficialDemoVector.sessionKey)
        checksum &+= user.openId.utf8.count
    }
}
let elapsed = ContinuousClock.now - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("\(iterations) in \(seconds) s: \(Int(Double(iterations) / seconds)) / s (checksum \(checksum))")
