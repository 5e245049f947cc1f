import Foundation
import Testing

/// Every method on `telnyx-sandbox --stateless`, called through the official Python SDK with all
/// its parameters, answers a body the SDK's response model accepts in pydantic's strict mode
/// (scripts/sandbox-conformance.py). Skipped, saying why, when the SDK cannot be installed.
@Suite(.serialized) struct SandboxConformanceTests {
    /// The script's report on a sandbox started with `arguments`; nil (and a printed reason) when
    /// the SDK cannot be installed.
    func report(_ arguments: [String]) throws -> (report: [String: Any], status: Int32, stderr: String)? {
        guard let python = try PythonSDK.python(for: "SandboxConformanceTests") else { return nil }
        let sandbox = try SandboxProcess(arguments)
        defer { sandbox.stop() }
        let script = Binaries.repoRoot.appendingPathComponent("scripts/sandbox-conformance.py").path
        let run = try Binaries.run(python, [script, sandbox.baseURL], timeout: 300)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
                                  "\(run.stdout)\n\(run.stderr)")
        return (report, run.status, run.stderr)
    }

    @Test func everyMethodAnswersWhatTheSDKsModelAccepts() throws {
        guard let (report, status, stderr) = try report(["--stateless"]) else { return }
        let methods = report["methods"] as? Int ?? 0
        let valid = report["valid"] as? Int ?? 0
        let exceptions = report["exceptions"] as? [String: String] ?? [:]
        let failures = report["failures"] as? [String: String] ?? [:]
        print("SandboxConformanceTests: \(valid)/\(methods) answers valid; not in the SDK: \(exceptions.keys.sorted())")
        #expect(failures.isEmpty, "\(failures)")
        #expect(status == 0, "\(stderr)")
        // 1250 methods: all but the 3 the pinned SDK lacks are called, and all answer validly.
        #expect(methods + exceptions.count == 1250)
        #expect(valid == methods)
    }

    /// Stateful (the default): the same calls, with ids nobody created, are 404 for the stored
    /// collections; every other answer, records of the store included, is valid.
    @Test func statefulAnswersAreValidOrNotFound() throws {
        guard let (report, _, _) = try report([]) else { return }
        let failures = report["failures"] as? [String: String] ?? [:]
        let invalid = failures.filter { !$0.value.hasPrefix("status 404") }
        print("SandboxConformanceTests: stateful: \(report["valid"] ?? 0) valid, \(failures.count - invalid.count) not found")
        #expect(invalid.isEmpty, "\(invalid)")
        #expect((report["valid"] as? Int ?? 0) > 1100)
    }
}
