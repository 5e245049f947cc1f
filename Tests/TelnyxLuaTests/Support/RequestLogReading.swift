import Foundation
import Telnyx

/// Reading the sandbox's request log from tests: which requests reached a route, with what
/// query, and the in-flight counters.
extension SandboxHarness {
    /// The decoded query strings of the logged requests whose path ends with `suffix`, in
    /// the order the sandbox saw them ("filter[tag]=tag-1&page[size]=7").
    func queries(endingWith suffix: String, method: String = "GET") async throws -> [String] {
        let log = try await requests()["requests"]?.arrayValue ?? []
        return log.compactMap { entry in
            guard entry["method"]?.stringValue == method, let path = entry["path"]?.stringValue, path.hasSuffix(suffix)
            else { return nil }
            let raw = entry["query"]?.stringValue ?? ""
            return raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? raw
        }
    }

    /// How many requests the sandbox has seen since the last reset.
    func totalRequests() async throws -> Int {
        Int(try await requests()["counters"]?["total"]?.intValue ?? -1)
    }

    /// The most requests the sandbox had in flight at once since the last reset.
    func maxInFlight() async throws -> Int {
        Int(try await requests()["counters"]?["max_in_flight"]?.intValue ?? -1)
    }

    /// The requests in flight now.
    func inFlight() async throws -> Int {
        Int(try await requests()["counters"]?["in_flight"]?.intValue ?? -1)
    }
}

/// The value of `key` in a decoded query string, or nil.
func queryValue(_ query: String, _ key: String) -> String? {
    for pair in query.split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.first.map(String.init) == key { return parts.count > 1 ? String(parts[1]) : "" }
    }
    return nil
}
