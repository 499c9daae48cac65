import NIOConcurrencyHelpers
import Testing

@testable import LoginService

/// ``UserCache/load(id:_:)``: one database read for a user however many requests miss at once.
@Suite("User cache")
struct UserCacheTests {
    static func user(_ id: Int64, nickName: String) -> StoredUser {
        StoredUser(
            id: id, appID: "wx1", openID: "o-\(id)", unionID: nil, nickName: nickName, avatarUrl: nil, gender: nil, city: nil,
            province: nil, country: nil, language: nil, phoneNumber: nil, purePhoneNumber: nil, countryCode: nil, loginCount: 1
        )
    }

    struct ReadFailed: Error {}

    @Test("concurrent misses for one user share one read, and its answer is cached")
    func concurrentMissesShareOneRead() async throws {
        let cache = UserCache()
        let reads = NIOLockedValueBox(0)
        let names = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await cache.load(id: 1) {
                        reads.withLockedValue { $0 += 1 }
                        try await Task.sleep(for: .milliseconds(100))
                        return Self.user(1, nickName: "read")
                    }?.nickName
                }
            }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(names == Array(repeating: "read", count: 50))
        #expect(reads.withLockedValue { $0 } == 1)
        #expect(cache.user(id: 1)?.nickName == "read")
    }

    @Test("a failed read fails every caller waiting for it, and the next miss reads again")
    func failedReadIsNotKept() async throws {
        let cache = UserCache()
        let reads = NIOLockedValueBox(0)
        let failures = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    do {
                        _ = try await cache.load(id: 2) {
                            reads.withLockedValue { $0 += 1 }
                            try await Task.sleep(for: .milliseconds(100))
                            throw ReadFailed()
                        }
                        return false
                    } catch {
                        return error is ReadFailed
                    }
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(failures == 10)
        #expect(reads.withLockedValue { $0 } == 1)
        #expect(cache.user(id: 2) == nil)
        let user = try await cache.load(id: 2) { Self.user(2, nickName: "second read") }
        #expect(user?.nickName == "second read")
    }

    @Test("a read does not replace what a login stored while it ran")
    func readDoesNotOverwriteNewerEntry() async throws {
        let cache = UserCache()
        async let loaded = cache.load(id: 3) {
            try await Task.sleep(for: .milliseconds(200))
            return Self.user(3, nickName: "old, read before the login")
        }
        try await Task.sleep(for: .milliseconds(50))
        cache.store(Self.user(3, nickName: "new, stored by the login"))
        #expect(try await loaded?.nickName == "old, read before the login")
        #expect(cache.user(id: 3)?.nickName == "new, stored by the login")
    }
}
