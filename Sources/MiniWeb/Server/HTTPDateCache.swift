#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers

/// The `Date` header's value (RFC 9110 §6.6.1: an origin server with a clock must send it),
/// formatted at most once per second and shared by every response of that second.
///
/// Formatted by hand (IMF-fixdate is fixed-width ASCII) because Foundation's formatters cost
/// microseconds and this runs on every response.
final class HTTPDateCache: Sendable {
    private let cached = NIOLockedValueBox<(second: Int, value: String)>((-1, ""))

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for now.
    func current() -> String {
        let now = time(nil)
        return self.cached.withLockedValue { cached in
            if cached.second == now { return cached.value }
            let value = Self.format(now)
            cached = (now, value)
            return value
        }
    }

    static func format(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
