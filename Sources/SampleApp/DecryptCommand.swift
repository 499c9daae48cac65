import ArgumentParser
import Foundation
import MiniWebWxLogin

/// `SampleApp decrypt`: decrypts WeChat open data on the operator's machine and says what is
/// likely wrong when it cannot.
struct DecryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt",
        abstract: "Decrypt a mini program's encryptedData and print the JSON.",
        discussion: """
            Prints the decrypted JSON on stdout and exits 0, or explains on stderr why the data \
            does not decrypt and exits 1. The session key is never echoed.
            """
    )

    @Option(name: .customLong("app-id"), help: "The mini program's app id; the watermark must match it.")
    var appID: String

    @Option(name: .customLong("session-key"), help: "The session_key (base64) from jscode2session for the login that produced the data.")
    var sessionKey: String

    @Option(help: "The iv (base64) sent with the data.")
    var iv: String

    @Option(name: .customLong("encrypted-data"), help: "The encryptedData (base64).")
    var encryptedData: String

    func run() throws {
        switch WxDataCrypto.decrypt(encryptedData: self.encryptedData, iv: self.iv, sessionKey: self.sessionKey) {
        case .failure(let reason):
            Self.fail("cannot decrypt: \(reason)")
        case .success(let plaintext):
            let crypto = WxDataCrypto(appID: self.appID)
            do {
                let raw = try crypto.decryptJSON(encryptedData: self.encryptedData, iv: self.iv, sessionKey: self.sessionKey)
                FileHandle.standardOutput.write(raw.json + Data("\n".utf8))
            } catch let error where error.kind == .watermarkMismatch {
                Self.fail("the data decrypts, but it was produced for another app (\(error.detail)), not \(self.appID)")
            } catch {
                let preview = String(decoding: plaintext.prefix(80), as: UTF8.self)
                Self.fail("the data decrypts, but not to WeChat JSON with a watermark (it begins: \(preview.debugDescription))")
            }
        }
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        Foundation.exit(1)
    }
}
