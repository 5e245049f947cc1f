import Foundation
import Testing

@testable import TelnyxLua

/// A bounded, seeded slice of `scripts/fuzz-json` (the full run is 100,000 cases; see
/// docs/fuzzing.md): random values round-trip exactly through `telnyx.json`, mutated and random
/// text decodes or fails with a clean error, unencodable values fail cleanly, and nesting
/// 100,000 deep is an error rather than a stack overflow.
@Suite("JSON fuzzing")
struct JSONFuzzTests {
    /// scripts/fuzz-json.lua, found from this file's path.
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/fuzz-json.lua").path

    /// Runs the fuzzer in a fresh host on a thread of its own; returns failures, summary, details.
    static func fuzz(cases: Int, seed: Int) async throws -> (Int64, String, String) {
        let path = script
        return try await onThread {
            let host = try TelnyxHost(useEnvironment: false)
            let results = try host.runFile(path, arguments: [.integer(Int64(cases)), .integer(Int64(seed))])
            return (results[0].integerValue ?? -1, results[1].stringValue ?? "", results[2].stringValue ?? "")
        }
    }

    @Test(arguments: [20_240_601, 7])
    func seededSliceFindsNoFailures(seed: Int) async throws {
        let (failures, summary, details) = try await Self.fuzz(cases: 2000, seed: seed)
        #expect(failures == 0, "\(summary)\n\(details)")
        #expect(summary.hasPrefix("cases 2000, seed \(seed),"))
        // The mix really exercised both outcomes of decoding.
        #expect(!summary.contains(" 0 texts decoded"))
        #expect(!summary.contains(" 0 rejected cleanly"))
    }

    @Test func sameSeedReplaysTheSameCases() async throws {
        let first = try await Self.fuzz(cases: 300, seed: 99)
        let second = try await Self.fuzz(cases: 300, seed: 99)
        let stripTime = { (s: String) in s.replacingOccurrences(of: #"[0-9.]+ s CPU"#, with: "", options: .regularExpression) }
        #expect(stripTime(first.1) == stripTime(second.1))
    }
}
