import AsyncHTTPClient
import CoreMetrics
import Foundation
import Logging
import MiniWeb
import NIOConcurrencyHelpers
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Tracing

/// WeChat's server API for mini programs, over one pooled AsyncHTTPClient.
///
/// The client is a swift-service-lifecycle `Service`: put it in the application's `ServiceGroup`
/// and it shuts its connection pool down with the application (or call ``shutdown()``).
///
/// - Every response is parsed as JSON whatever its `Content-Type` (WeChat serves `text/plain`);
///   an `errcode` other than 0 becomes a ``WxError``.
/// - Calls that are safe to repeat (access tokens, session checks) are retried with exponential
///   backoff on transport errors and `errcode -1` (system busy). A login code is never sent twice:
///   `code2Session` is retried only when the connection could not even be opened.
/// - Access tokens come from `cgi-bin/stable_token` (so that several servers of one app do not
///   invalidate each other's), are cached until shortly before expiry, and are refreshed by one
///   caller at a time.
/// - The app secret, session keys and access tokens never appear in logs or errors; logged URLs
///   carry no query string.
public final class WxAPIClient: Service, Sendable {
    /// The configuration.
    public let configuration: WxAPIConfiguration
    private let httpClient: HTTPClient
    private let apps: [String: WxAppCredentials]
    private let tokens: [String: WxAccessTokenCache]
    private let logger: Logger
    private let isShutDown = NIOLockedValueBox(false)
    private let calls: CounterFamily
    private let callDurations: TimerFamily
    private let limiter: WxCallLimiter

    /// Creates a client with its own connection pool.
    /// Every attempt is counted in `wx_api_calls_total{endpoint, errcode}` (`errcode` is `0`,
    /// WeChat's errcode, or `timeout` / `transport` / `http_<status>`) and timed in
    /// `wx_api_call_duration_seconds{endpoint}`.
    /// - Parameters:
    ///   - configuration: Where WeChat is and which apps are served.
    ///   - logger: For debug lines about calls and loud errors about misconfiguration.
    ///   - metrics: Where the metrics go; the process's `MetricsSystem` by default.
    public init(configuration: WxAPIConfiguration, logger: Logger = Logger(label: "wx-api"), metrics: any MetricsFactory = MetricsSystem.factory) {
        self.configuration = configuration
        var httpConfiguration = HTTPClient.Configuration()
        // No read timeout: every exchange carries a deadline (`start`) that bounds it, body
        // included, and is never later than `requestTimeout`. A read timeout would only repeat
        // it, at a price: AsyncHTTPClient schedules it when it sends a request and cancels and
        // schedules it again on every read, each time sifting the event loop's timer heap (324
        // copies of a scheduled task, each with its retains, per login in a profile; 134 without).
        httpConfiguration.timeout = .init(connect: TimeAmount(configuration.connectTimeout))
        httpConfiguration.redirectConfiguration = .disallow
        httpConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.maxConnections)
        // AsyncHTTPClient traces with the process's tracer, and with the default no-op tracer it
        // still builds each request's span attributes (parsing the URL a second time): 2% of a
        // login's CPU in the profile. Trace only when the app has bootstrapped a real tracer.
        if InstrumentationSystem.tracer is NoOpTracer {
            httpConfiguration.tracing.tracer = nil
        }
        self.httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        self.apps = Dictionary(configuration.apps.map { ($0.appID, $0) }, uniquingKeysWith: { first, _ in first })
        self.tokens = self.apps.mapValues { _ in WxAccessTokenCache(refreshMargin: configuration.tokenRefreshMargin) }
        self.logger = logger
        self.calls = CounterFamily(label: "wx_api_calls_total", dimensions: ["endpoint", "errcode"], factory: metrics)
        self.callDurations = TimerFamily(label: "wx_api_call_duration_seconds", dimensions: ["endpoint"], factory: metrics)
        self.limiter = WxCallLimiter(limit: configuration.maxConcurrentCalls)
    }

    /// Runs until graceful shutdown, then closes the connection pool (the `Service` requirement).
    public func run() async throws {
        try? await gracefulShutdown()
        try await self.shutdown()
    }

    /// Closes the connection pool; calls made afterwards fail. Calling it twice is harmless.
    public func shutdown() async throws {
        let alreadyShutDown = self.isShutDown.withLockedValue { value in
            defer { value = true }
            return value
        }
        if !alreadyShutDown {
            try await self.httpClient.shutdown()
        }
    }

    // MARK: Login

    /// Exchanges a login code from `wx.login` for the user's openid, unionid and session key
    /// (`sns/jscode2session`; no access token needed).
    /// - Parameters:
    ///   - code: The code; valid once, for about five minutes.
    ///   - appID: The app the code belongs to; the first configured app when omitted.
    /// - Returns: The session.
    /// - Throws: ``WxError``: `codeMissing`, `codeInvalid` (40029), `codeUsed` (40163),
    ///   `rateLimited`, `userBlocked`, `misconfigured`, `upstreamError`, `upstreamTimeout`.
    public func code2Session(code: String, appID: String? = nil) async throws(WxError) -> WxSession {
        guard !code.isEmpty else { throw WxError(.codeMissing) }
        let app = try self.credentials(for: appID)
        struct Body: Decodable, WxJSONDecodable {
            let openid: String?
            let session_key: String?
            let unionid: String?

            init(wxJSON object: WxJSONObject) throws(WxJSONError) {
                self.openid = try object.optionalString("openid")
                self.session_key = try object.optionalString("session_key")
                self.unionid = try object.optionalString("unionid")
            }
        }
        let body: Body = try await self.call(
            .GET,
            "sns/jscode2session",
            query: [("appid", app.appID), ("secret", app.secret), ("js_code", code), ("grant_type", "authorization_code")],
            retry: .connectionFailuresOnly
        )
        return try Self.session(openID: body.openid, sessionKey: body.session_key, unionID: body.unionid)
    }

    @inline(never)
    private static func session(openID: String?, sessionKey: String?, unionID: String?) throws(WxError) -> WxSession {
        guard let openID, !openID.isEmpty, let sessionKey, !sessionKey.isEmpty else {
            throw WxError(.upstreamError, endpoint: "sns/jscode2session", detail: "the answer has no openid or session_key")
        }
        return WxSession(openID: openID, sessionKey: sessionKey, unionID: unionID.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Asks WeChat whether a session key is still the user's current one (`wxa/checksession`).
    /// - Parameters:
    ///   - openID: The user's openid.
    ///   - sessionKey: The session key to check.
    ///   - appID: The app; the first configured app when omitted.
    /// - Throws: ``WxError`` `sessionKeyInvalid` when it is not, or a call error.
    public func checkSessionKey(openID: String, sessionKey: String, appID: String? = nil) async throws(WxError) {
        struct Body: Decodable {}
        let _: Body = try await self.callWithAccessToken(
            .GET,
            "wxa/checksession",
            query: [("openid", openID), ("signature", WxSignature.sessionSignature(sessionKey: sessionKey)), ("sig_method", "hmac_sha256")],
            appID: appID
        )
    }

    /// Replaces a user's session key with a new one (`wxa/resetusersessionkey`).
    /// - Parameters:
    ///   - openID: The user's openid.
    ///   - sessionKey: The user's current session key (it signs the request).
    ///   - appID: The app; the first configured app when omitted.
    /// - Returns: The session with the new key.
    /// - Throws: ``WxError``.
    public func resetUserSessionKey(openID: String, sessionKey: String, appID: String? = nil) async throws(WxError) -> WxSession {
        struct Body: Decodable {
            let openid: String?
            let session_key: String?
        }
        let body: Body = try await self.callWithAccessToken(
            .GET,
            "wxa/resetusersessionkey",
            query: [("openid", openID), ("signature", WxSignature.sessionSignature(sessionKey: sessionKey)), ("sig_method", "hmac_sha256")],
            appID: appID
        )
        guard let newKey = body.session_key, !newKey.isEmpty else {
            throw WxError(.upstreamError, endpoint: "wxa/resetusersessionkey", detail: "the answer has no session_key")
        }
        return WxSession(openID: body.openid ?? openID, sessionKey: newKey, unionID: nil)
    }

    /// Exchanges the code of a phone-number button for the user's phone number
    /// (`wxa/business/getuserphonenumber`).
    /// - Parameters:
    ///   - code: The code from `getPhoneNumber`'s `e.detail.code`; valid once.
    ///   - appID: The app; the first configured app when omitted.
    /// - Returns: The phone number.
    /// - Throws: ``WxError``: `codeMissing`, `codeInvalid`, `upstreamError`, ...
    public func phoneNumber(code: String, appID: String? = nil) async throws(WxError) -> WxPhoneNumber {
        guard !code.isEmpty else { throw WxError(.codeMissing) }
        struct Body: Decodable {
            let phone_info: WxPhoneNumber?
        }
        let request = Data(#"{"code":"#.utf8) + ((try? JSONEncoder().encode(code)) ?? Data()) + Data("}".utf8)
        let body: Body = try await self.callWithAccessToken(.POST, "wxa/business/getuserphonenumber", query: [], json: request, appID: appID)
        guard let phone = body.phone_info else {
            throw WxError(.upstreamError, endpoint: "wxa/business/getuserphonenumber", detail: "the answer has no phone_info")
        }
        return phone
    }

    // MARK: Access tokens

    /// The app's access token, from the cache or `cgi-bin/stable_token`.
    /// - Parameter appID: The app; the first configured app when omitted.
    /// - Returns: The token. It is a secret: do not log it.
    /// - Throws: ``WxError`` (`misconfigured` for a wrong secret).
    public func accessToken(appID: String? = nil) async throws(WxError) -> String {
        try await self.accessToken(app: try self.credentials(for: appID), rejecting: nil)
    }

    private func accessToken(app: WxAppCredentials, rejecting rejected: String?) async throws(WxError) -> String {
        guard let cache = self.tokens[app.appID] else { throw WxError(.misconfigured, detail: "app \(app.appID) is not configured") }
        return try await cache.token(rejecting: rejected) { [self] (forceRefresh: Bool) async throws(WxError) -> (String, Int) in
            struct Body: Decodable {
                let access_token: String?
                let expires_in: Int?
            }
            let request: [String: String] = [
                "grant_type": "client_credential",
                "appid": app.appID,
                "secret": app.secret,
            ]
            var json = (try? JSONEncoder().encode(request)) ?? Data()
            json.removeLast()
            json.append(contentsOf: Data(",\"force_refresh\":\(forceRefresh)}".utf8))
            let body: Body = try await self.call(.POST, "cgi-bin/stable_token", query: [], json: json, retry: .safe)
            guard let token = body.access_token, !token.isEmpty else {
                throw WxError(.upstreamError, endpoint: "cgi-bin/stable_token", detail: "the answer has no access_token")
            }
            self.logger.debug("Fetched an access token", metadata: ["app_id": .string(app.appID), "force_refresh": "\(forceRefresh)"])
            return (token, body.expires_in ?? 7200)
        }
    }

    /// Calls an endpoint that takes `access_token`; when WeChat says the token is invalid or
    /// expired (40001, 42001, 40014), the token is refreshed and the call made once more.
    private func callWithAccessToken<Body: Decodable>(
        _ method: NIOHTTP1.HTTPMethod,
        _ endpoint: String,
        query: [(String, String)],
        json: Data? = nil,
        appID: String?
    ) async throws(WxError) -> Body {
        let app = try self.credentials(for: appID)
        var token = try await self.accessToken(app: app, rejecting: nil)
        do {
            return try await self.call(method, endpoint, query: query + [("access_token", token)], json: json, retry: .safe)
        } catch where [40001, 42001, 40014].contains(error.errcode ?? 0) {
            self.logger.info("WeChat refused the access token; refreshing it once", metadata: ["endpoint": .string(endpoint), "errcode": "\(error.errcode ?? 0)"])
            token = try await self.accessToken(app: app, rejecting: token)
            return try await self.call(method, endpoint, query: query + [("access_token", token)], json: json, retry: .safe)
        }
    }

    // MARK: Transport

    /// When a failed call may be sent again.
    enum RetryPolicy {
        /// Transport errors and errcode -1: the call has no effect that repeating would double.
        case safe
        /// Only when the connection could not be opened (the request never left this process).
        case connectionFailuresOnly
    }

    private func credentials(for appID: String?) throws(WxError) -> WxAppCredentials {
        if let appID {
            guard let app = self.apps[appID] else {
                self.logger.error("WeChat app id is not configured", metadata: ["app_id": .string(appID)])
                throw WxError(.misconfigured, detail: "app \(appID) is not configured")
            }
            return app
        }
        guard let first = self.configuration.apps.first else {
            throw WxError(.misconfigured, detail: "no WeChat app is configured")
        }
        return first
    }

    private func call<Body: Decodable>(
        _ method: NIOHTTP1.HTTPMethod,
        _ endpoint: String,
        query: [(String, String)],
        json: Data? = nil,
        retry: RetryPolicy
    ) async throws(WxError) -> Body {
        if !self.limiter.tryAcquire() {
            guard await self.limiter.acquire(timeout: self.configuration.queueTimeout) else {
                throw self.busy(endpoint)
            }
        }
        defer { self.limiter.release() }
        return try await self.callWithRetries(method, endpoint, query: query, json: json, retry: retry)
    }

    @inline(never)
    private func busy(_ endpoint: String) -> WxError {
        self.calls.increment(endpoint, "busy")
        return WxError(.upstreamBusy, endpoint: endpoint, detail: "\(self.configuration.maxConcurrentCalls) calls already in flight")
    }

    private func callWithRetries<Body: Decodable>(
        _ method: NIOHTTP1.HTTPMethod,
        _ endpoint: String,
        query: [(String, String)],
        json: Data?,
        retry: RetryPolicy
    ) async throws(WxError) -> Body {
        // One budget for the call and its retries, so that a caller waits at most `requestTimeout`.
        let deadline = ContinuousClock.now + self.configuration.requestTimeout
        var attempt = 1
        while true {
            let start = ContinuousClock.now
            do {
                let body: Body = try await self.callOnce(method, endpoint, query: query, json: json, deadline: deadline)
                self.recordSuccess(of: endpoint, startedAt: start)
                return body
            } catch {
                let delay = try self.retryDelay(after: error, of: endpoint, startedAt: start, attempt: attempt, policy: retry, deadline: deadline)
                try? await Task.sleep(for: delay)
                attempt += 1
            }
        }
    }

    /// Records a failed attempt, and returns how long to wait before the next one or throws the
    /// failure when there is none. Synchronous and never inlined, like the other helpers of the
    /// call path: an async function's frame holds every value it keeps, and is allocated per call.
    @inline(never)
    private func retryDelay(
        after error: CallFailure,
        of endpoint: String,
        startedAt start: ContinuousClock.Instant,
        attempt: Int,
        policy retry: RetryPolicy,
        deadline: ContinuousClock.Instant
    ) throws(WxError) -> Duration {
        self.callDurations.record(ContinuousClock.now - start, endpoint)
        self.calls.increment(endpoint, error.metricLabel)
        let delay = self.configuration.retryBaseDelay * (1 << (attempt - 1))
        let jittered = delay + delay * Double.random(in: 0..<0.5)
        guard attempt < self.configuration.maxAttempts, Self.mayRetry(error, policy: retry),
            ContinuousClock.now + jittered + .milliseconds(50) < deadline
        else {
            if error.kind == .misconfigured {
                self.logger.error("WeChat rejected the app's credentials", metadata: ["endpoint": .string(endpoint), "error": .string(error.failure.description)])
            }
            throw error.failure
        }
        self.logger.debug(
            "Retrying a WeChat call",
            metadata: ["endpoint": .string(endpoint), "attempt": "\(attempt + 1)", "error": .string(error.failure.description)]
        )
        return jittered
    }

    @inline(never)
    private func recordSuccess(of endpoint: String, startedAt start: ContinuousClock.Instant) {
        self.callDurations.record(ContinuousClock.now - start, endpoint)
        self.calls.increment(endpoint, "0")
    }

    private static func mayRetry(_ error: CallFailure, policy: RetryPolicy) -> Bool {
        switch policy {
        case .connectionFailuresOnly:
            return error.connectionFailed
        case .safe:
            return error.connectionFailed || error.transport || error.failure.errcode == -1
        }
    }

    /// A failed call and what is known about where it failed.
    struct CallFailure: Error {
        let failure: WxError
        var connectionFailed = false
        var transport = false
        var kind: WxError.Kind { self.failure.kind }

        /// The `errcode` label: WeChat's errcode, or what failed on the way.
        var metricLabel: String {
            if let errcode = self.failure.errcode { return String(errcode) }
            if self.failure.kind == .upstreamTimeout { return "timeout" }
            if self.failure.detail.hasPrefix("HTTP ") { return "http_" + self.failure.detail.dropFirst(5) }
            return "transport"
        }
    }

    private func callOnce<Body: Decodable>(
        _ method: NIOHTTP1.HTTPMethod,
        _ endpoint: String,
        query: [(String, String)],
        json: Data?,
        deadline: ContinuousClock.Instant
    ) async throws(CallFailure) -> Body {
        let start = ContinuousClock.now
        let task: HTTPClient.Task<HTTPClient.Response>
        do {
            task = try self.start(method, endpoint, query: query, json: json, deadline: deadline)
        } catch {
            throw Self.transportFailure(error, endpoint: endpoint)
        }
        let bytes = try await Self.body(of: task, endpoint: endpoint)
        self.logCall(endpoint, method, startedAt: start)
        return try Self.decode(Body.self, from: bytes, endpoint: endpoint)
    }

    /// The body of the exchange's 2xx answer.
    private static func body(of task: HTTPClient.Task<HTTPClient.Response>, endpoint: String) async throws(CallFailure) -> ByteBuffer {
        do {
            let response = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            return try Self.body(of: response, endpoint: endpoint)
        } catch let failure as CallFailure {
            throw failure
        } catch {
            throw Self.transportFailure(error, endpoint: endpoint)
        }
    }

    /// Starts one HTTP exchange with WeChat. The whole exchange, body included, must end by the
    /// deadline: a body trickling in a byte at a time would otherwise hold the call (and the
    /// login) as long as WeChat kept sending. AsyncHTTPClient's async `execute` stops its
    /// deadline at the response head, and racing it against a sleeping child task cost 15% of a
    /// login's CPU (two child tasks, a timer and their thread hops per call). Its delegate API
    /// keeps the deadline until the body is complete, and its accumulator bounds the body's size.
    @inline(never)
    private func start(
        _ method: NIOHTTP1.HTTPMethod,
        _ endpoint: String,
        query: [(String, String)],
        json: Data?,
        deadline: ContinuousClock.Instant
    ) throws -> HTTPClient.Task<HTTPClient.Response> {
        var headers = HTTPHeaders([("accept", "application/json")])
        var body: HTTPClient.Body?
        if let json {
            headers.add(name: "content-type", value: "application/json")
            body = .byteBuffer(ByteBuffer(data: json))
        }
        let request = try HTTPClient.Request(url: self.url(endpoint, query: query), method: method, headers: headers, body: body)
        return self.httpClient.execute(
            request: request,
            delegate: ResponseAccumulator(request: request, maxBodySize: self.configuration.maxResponseSize),
            deadline: .now() + TimeAmount(deadline - ContinuousClock.now)
        )
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    @inline(never)
    private static func body(of response: HTTPClient.Response, endpoint: String) throws(CallFailure) -> ByteBuffer {
        guard (200..<300).contains(response.status.code) else {
            throw CallFailure(failure: WxError(.upstreamError, endpoint: endpoint, detail: "HTTP \(response.status.code)"), transport: true)
        }
        return response.body ?? ByteBuffer()
    }

    @inline(never)
    private func logCall(_ endpoint: String, _ method: NIOHTTP1.HTTPMethod, startedAt start: ContinuousClock.Instant) {
        self.logger.debug(
            "WeChat call",
            metadata: ["endpoint": .string(endpoint), "method": .string(method.rawValue), "ms": "\(Self.milliseconds(ContinuousClock.now - start))"]
        )
    }

    /// Parses WeChat's JSON in one pass: the `errcode` and `errmsg`, and the body unless the
    /// `errcode` is an error.
    @inline(never)
    static func decode<Body: Decodable>(_ type: Body.Type, from bytes: ByteBuffer, endpoint: String) throws(CallFailure) -> Body {
        let answer: WxAnswer<Body>
        do {
            if let fast = Body.self as? any WxJSONDecodable.Type {
                // The login's `jscode2session` answer: `JSONDecoder` took 2% of a login's CPU.
                answer = try WxAnswer(wxJSON: bytes, fast)
            } else {
                answer = try JSONDecoder().decode(WxAnswer<Body>.self, from: bytes)
            }
        } catch {
            let detail = (error is DecodingError || error is WxJSONError) ? "the answer is not the expected JSON" : "the answer is not JSON"
            throw CallFailure(failure: WxError(.upstreamError, endpoint: endpoint, detail: "\(detail) (\(bytes.readableBytes) bytes)"), transport: true)
        }
        if let errcode = answer.errcode, errcode != 0 {
            throw CallFailure(failure: WxError(errcode: errcode, errmsg: answer.errmsg, endpoint: endpoint))
        }
        guard let body = answer.body else {
            throw CallFailure(failure: WxError(.upstreamError, endpoint: endpoint, detail: "the answer is not the expected JSON"), transport: true)
        }
        return body
    }

    /// Classifies an AsyncHTTPClient or NIO error without echoing the URL (it holds secrets).
    @inline(never)
    static func transportFailure(_ error: any Error, endpoint: String) -> CallFailure {
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .connectTimeout:
                return CallFailure(failure: WxError(.upstreamTimeout, endpoint: endpoint, detail: "connect timeout"), connectionFailed: true, transport: true)
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return CallFailure(failure: WxError(.upstreamTimeout, endpoint: endpoint, detail: "timeout"), transport: true)
            case .alreadyShutdown:
                return CallFailure(failure: WxError(.upstreamError, endpoint: endpoint, detail: "the client is shut down"))
            default:
                break
            }
        }
        if error is NIOConnectionError || (error as? IOError).map({ [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains($0.errnoCode) }) == true {
            return CallFailure(failure: WxError(.upstreamError, endpoint: endpoint, detail: "cannot connect"), connectionFailed: true, transport: true)
        }
        if error is ResponseAccumulator.ResponseTooBigError {
            return CallFailure(failure: WxError(.upstreamError, endpoint: endpoint, detail: "the answer is too large"), transport: true)
        }
        return CallFailure(failure: WxError(.upstreamError, endpoint: endpoint, detail: "transport error \(type(of: error))"), transport: true)
    }

    private func url(_ endpoint: String, query: [(String, String)]) -> String {
        var url = self.configuration.baseURL + "/" + endpoint
        if !query.isEmpty {
            url += "?" + query.map { "\(Self.percentEncode($0.0))=\(Self.percentEncode($0.1))" }.joined(separator: "&")
        }
        return url
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters. By hand, over UTF-8:
    /// Foundation's `addingPercentEncoding(withAllowedCharacters:)` cost 2.6% of a login's CPU
    /// time in profiles (a `CharacterSet` lookup per scalar, and bridging).
    static func percentEncode(_ text: String) -> String {
        let utf8 = text.utf8
        if utf8.allSatisfy(Self.isUnreserved) { return text }
        func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count * 3)
        for byte in utf8 {
            if Self.isUnreserved(byte) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex(byte >> 4))
                bytes.append(hex(byte & 0x0F))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}

/// A WeChat answer: the `errcode` and `errmsg` every answer may carry, and the endpoint's fields
/// (decoded only when the `errcode` is absent or 0).
struct WxAnswer<Body: Decodable>: Decodable {
    let errcode: Int?
    let errmsg: String?
    let body: Body?

    /// The same reading through ``WxJSON``, for bodies that have that fast path: a JSON object
    /// is required, and an `errcode` or `errmsg` of another type is ignored, as above.
    init(wxJSON bytes: ByteBuffer, _ fast: any WxJSONDecodable.Type) throws(WxJSONError) {
        let parsed = bytes.withUnsafeReadableBytes { WxJSON.parse($0) }
        guard case .object(let object) = try parsed.get() else { throw WxJSONError() }
        self.errcode = try? object.optionalInt("errcode")
        self.errmsg = try? object.optionalString("errmsg")
        if let errcode = self.errcode, errcode != 0 {
            self.body = nil
        } else {
            self.body = (try? fast.init(wxJSON: object)) as? Body
        }
    }

    private enum CodingKeys: String, CodingKey {
        case errcode, errmsg
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.errcode = try? container.decodeIfPresent(Int.self, forKey: .errcode)
        self.errmsg = try? container.decodeIfPresent(String.self, forKey: .errmsg)
        if let errcode = self.errcode, errcode != 0 {
            self.body = nil
        } else {
            self.body = try? Body(from: decoder)
        }
    }
}
