import Foundation
import Testing

/// Every method on `telnyx-sandbox --stateless`, called through the official Python SDK with all
/// its parameters, answers a body the SDK's response model accepts in pydantic's strict mode
/// (scripts/sandbox-conformance.py). Skipped, saying why, when the SDK cannot be installed.
@Suite(.serialized) struct SandboxConformanceTests {
    @Test func everyMethodAnswersWhatTheSDKsModelAccepts() throws {
        let setup = try Binaries.run("/bin/bash", [Binaries.repoRoot.appendingPathComponent("scripts/python-sdk").path], timeout: 600)
        guard setup.status == 0 else {
            print("SandboxConformanceTests: skipped, the Python SDK could not be installed: \(setup.stderr)")
            return
        }
        let python = setup.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let sandbox = try SandboxProcess(["--stateless"])
        defer { sandbox.stop() }
        let script = Binaries.repoRoot.appendingPathComponent("scripts/sandbox-conformance.py").path
        let run = try Binaries.run(python, [script, sandbox.baseURL], timeout: 300)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
                                  "\(run.stdout)\n\(run.stderr)")
        let methods = report["methods"] as? Int ?? 0
        let valid = report["valid"] as? Int ?? 0
        let exceptions = report["exceptions"] as? [String: String] ?? [:]
        let failures = report["failures"] as? [String: String] ?? [:]
        print("SandboxConformanceTests: \(valid)/\(methods) answers valid; not in the SDK: \(exceptions.keys.sorted())")
        #expect(failures.isEmpty, "\(failures)")
        #expect(run.status == 0, "\(run.stderr)")
        // 1250 methods: all but the 3 the pinned SDK lacks are called, and all answer validly.
        #expect(methods + exceptions.count == 1250)
        #expect(valid == methods)
    }
}
