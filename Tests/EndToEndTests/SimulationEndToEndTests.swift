import Foundation
import Testing

/// The simulation seen from outside: `telnyx-sandbox` as its own process, its start banner's
/// public key, `telnyx-sandbox trigger`, and the official Python SDK driving simulated calls,
/// TeXML and messages while verifying every webhook with its own Ed25519 check.
@Suite(.serialized) struct SimulationEndToEndTests {
    /// `telnyx-sandbox` on a free port; its URL and the public key printed on its second line.
    final class Sandbox {
        let process = Process()
        let url: String
        let publicKey: String

        init() throws {
            process.executableURL = URL(fileURLWithPath: Binaries.telnyxSandbox)
            process.arguments = ["--port", "0", "--webhook-retry-delay-ms", "20"]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            var text = ""
            let handle = out.fileHandleForReading
            while text.filter({ $0 == "\n" }).count < 2 {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            let lines = text.split(separator: "\n")
            guard lines.count >= 2, let start = lines[0].range(of: "http://") else {
                process.terminate()
                throw Binaries.TimeoutError(command: "telnyx-sandbox banner: \(text)")
            }
            url = String(lines[0][start.lowerBound...].prefix { $0 != " " })
            publicKey = String(lines[1].split(separator: " ").last ?? "")
        }

        func stop() {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
    }

    /// GET `path` of the sandbox (with a token), through python3's urllib: the body text.
    static func get(_ base: String, _ path: String) throws -> String {
        let script = """
            import sys, urllib.request
            r = urllib.request.Request(sys.argv[1], headers={'Authorization': 'Bearer e2e'})
            print(urllib.request.urlopen(r, timeout=10).read().decode())
            """
        return try Binaries.run("/usr/bin/env", ["python3", "-c", script, base + path]).stdout
    }

    @Test func bannerPrintsThePublishedKey() throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let served = try Self.get(sandbox.url, "/__sandbox/public_key")
        #expect(served.contains("\"public_key\":\"\(sandbox.publicKey)\""))
        #expect(Data(base64Encoded: sandbox.publicKey)?.count == 32)
    }

    /// The official Python SDK (installed by scripts/python-sdk into .build/sdk-venv) dials,
    /// speaks, gathers and hangs up; creates a TeXML call; sends a message. scripts/sdk-flows.py
    /// checks the events and verifies each signature with the SDK's own code. When the SDK cannot
    /// be installed this test fails: it never passes without running.
    @Test func officialPythonSDKDrivesTheSimulation() throws {
        let setup = try Binaries.run("/bin/bash", [Binaries.repoRoot.appendingPathComponent("scripts/python-sdk").path],
                                     timeout: 600)
        try #require(setup.status == 0, "the Python SDK could not be installed: \(setup.stderr)")
        let python = setup.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let flows = try Binaries.run(python, [Binaries.repoRoot.appendingPathComponent("scripts/sdk-flows.py").path,
                                              sandbox.url, sandbox.publicKey], timeout: 120)
        try #require(flows.status == 0, "sdk-flows failed: \(flows.stderr)")
        let results = try JSONSerialization.jsonObject(with: Data(flows.stdout.utf8)) as? [String: Any]
        #expect(results?["call_control"] as? [String] == [
            "call.initiated", "call.answered", "call.speak.started", "call.speak.ended", "call.dtmf.received",
            "call.gather.ended", "call.hangup",
        ])
        #expect((results?["texml"] as? [String: Any])?["statuses"] as? [String] == ["initiated", "ringing", "answered", "completed"])
        #expect(results?["messaging"] as? [String] == ["message.sent", "message.finalized"])
        #expect((results?["verified"] as? Int ?? 0) >= 16)
    }

    /// `telnyx-sandbox trigger inbound-call` / `inbound-message` start them on a running
    /// sandbox; bad arguments exit 2, a refusal or no sandbox exits 1.
    @Test func triggerCommands() throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let receiver = try PythonServer.sink()
        defer { receiver.stop() }
        let bin = Binaries.telnyxSandbox
        let call = try Binaries.run(bin, ["trigger", "inbound-call", "--to", "+13125550100", "--digits", "1",
                                          "--webhook-url", receiver.baseURL + "/call", "--url", sandbox.url])
        #expect(call.status == 0, "\(call.stderr)")
        #expect(call.stdout.contains("\"call_control_id\":\"v3:"))
        let message = try Binaries.run(bin, ["trigger", "inbound-message", "--to", "+13125550100", "--text", "hi",
                                             "--webhook-url", receiver.baseURL + "/sms", "--url", sandbox.url])
        #expect(message.status == 0, "\(message.stderr)")
        #expect(message.stdout.contains("\"event_type\":\"message.received\""))
        var delivered = ""
        for _ in 0..<100 {
            delivered = try Self.get(sandbox.url, "/v2/webhook_deliveries?filter[status][eq]=delivered")
            if delivered.contains("message.received") && delivered.contains("call.initiated") { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(delivered.contains("message.received") && delivered.contains("call.initiated"), "\(delivered)")

        #expect(try Binaries.run(bin, ["trigger", "inbound-call", "--url", sandbox.url]).status == 2)
        #expect(try Binaries.run(bin, ["trigger", "outbound-fax", "--to", "+1"]).status == 2)
        #expect(try Binaries.run(bin, ["trigger", "inbound-message", "--to", "+1", "--url", sandbox.url]).status == 2)
        let unknown = try Binaries.run(bin, ["trigger", "inbound-call", "--to", "+19999999999", "--url", sandbox.url])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("404"))
        #expect(try Binaries.run(bin, ["trigger", "inbound-call", "--to", "+1", "--url", "http://127.0.0.1:1"]).status == 1)
    }
}
