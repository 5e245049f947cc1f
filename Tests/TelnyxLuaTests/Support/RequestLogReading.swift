import Foundation
import Telnyx
import TelnyxLua

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

extension SandboxHarness {
    /// Runs `code` with a global `wait_for_sandbox()` that blocks the Lua thread until the
    /// sandbox has `count` requests in flight (at most 30 s): a script can act on a request
    /// the sandbox is known to hold, whatever the machine's load.
    func runWaitingForSandbox(_ code: String, inFlight count: Int = 1) async throws -> [LuaValue] {
        let reached = DispatchSemaphore(value: 0)
        let watcher = Task {
            while try await inFlight() < count { try await Task.sleep(for: .milliseconds(5)) }
            reached.signal()
        }
        defer { watcher.cancel() }
        let base = baseURL
        return try await onThread {
            let host = try TelnyxHost(useEnvironment: false)
            host.configure(baseURL: base, apiKey: "KEY_TEST")
            host.vm.register("wait_for_sandbox") { lua in
                lua.push(LuaValue.boolean(reached.wait(timeout: .now() + 30) == .success))
                return 1
            }
            let results = try host.run(code, name: "=test")
            let reports = try host.finishTasks()
            if !reports.isEmpty { throw LuaError.raise(reports.joined(separator: "\n")) }
            return results
        }
    }
}
