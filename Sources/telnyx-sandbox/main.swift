// The Telnyx API simulator: see docs/sandbox.md.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import TelnyxSandbox

/// Writes `text` to `descriptor` at once: scripts wait for the banner, so it must not sit in a
/// buffer (and Swift 6 rejects C's `stdout`/`stderr` globals as shared mutable state).
func emit(_ text: String, to descriptor: Int32) {
    var copy = text
    copy.withUTF8 { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written <= 0 { return }
            offset += written
        }
    }
}

/// The command line: `telnyx-sandbox --port 4010 [--host H] [--seed N] ...`.
func parseArguments(_ arguments: [String]) -> SandboxConfiguration {
    var configuration = SandboxConfiguration(port: 4010)
    var rest = arguments.dropFirst()[...]
    func fail(_ message: String) -> Never {
        emit("telnyx-sandbox: \(message)\n", to: 2)
        exit(2)
    }
    func value(_ flag: String) -> String {
        guard let next = rest.popFirst() else { fail("\(flag) needs a value") }
        return next
    }
    func number<T: LosslessStringConvertible>(_ flag: String, _: T.Type) -> T {
        let text = value(flag)
        guard let parsed = T(text) else { fail("\(flag): '\(text)' is not a number") }
        return parsed
    }
    while let flag = rest.popFirst() {
        switch flag {
        case "--port": configuration.port = number(flag, Int.self)
        case "--host": configuration.host = value(flag)
        case "--seed": configuration.seed = number(flag, UInt64.self)
        case "--phone-numbers": configuration.phoneNumbers = number(flag, Int.self)
        case "--api-key": configuration.apiKey = value(flag)
        case "--latency-ms": configuration.faults.latencyMs = number(flag, Int.self)
        case "--jitter-ms": configuration.faults.jitterMs = number(flag, Int.self)
        case "--error-rate": configuration.faults.errorRate = number(flag, Double.self)
        case "--reset-rate": configuration.faults.resetRate = number(flag, Double.self)
        case "--truncate-rate": configuration.faults.truncateRate = number(flag, Double.self)
        case "--throttle-rate": configuration.faults.throttleRate = number(flag, Double.self)
        case "--rate-limit":
            // "10/s" or "10": requests per second.
            let text = value(flag)
            let digits = text.hasSuffix("/s") ? String(text.dropLast(2)) : text
            guard let limit = Int(digits) else { fail("--rate-limit: '\(text)' is not N/s") }
            configuration.faults.rateLimit = limit
        case "--max-body-bytes": configuration.limits.maxBodyBytes = number(flag, Int.self)
        case "--log-bytes": configuration.limits.logBytes = number(flag, Int.self)
        case "--log-entries": configuration.limits.logEntries = number(flag, Int.self)
        case "--read-timeout": configuration.limits.requestReadTimeout = number(flag, Double.self)
        case "--idle-timeout": configuration.limits.idleTimeout = number(flag, Double.self)
        case "--allow-remote-webhooks": configuration.webhooks.allowRemote = true
        case "--stateless": configuration.stateless = true
        case "--webhook-retry-delay-ms": configuration.webhooks.retryDelayMs = number(flag, Int.self)
        case "-h", "--help":
            print("""
                usage: telnyx-sandbox [--port 4010] [--host 127.0.0.1] [--seed N] [--phone-numbers N] [--api-key K]
                                      [--latency-ms N] [--jitter-ms N] [--error-rate F] [--rate-limit N/s]
                                      [--reset-rate F] [--truncate-rate F] [--throttle-rate F]
                                      [--max-body-bytes N (16 MiB)] [--log-bytes N (16 MiB)] [--log-entries N (10000)]
                                      [--read-timeout S (30)] [--idle-timeout S (75)]
                                      [--allow-remote-webhooks] [--webhook-retry-delay-ms N (1000)] [--stateless]
                       telnyx-sandbox trigger inbound-call|inbound-message ... (see telnyx-sandbox trigger --help)
                """)
            exit(0)
        default: fail("unknown option \(flag) (see --help)")
        }
    }
    return configuration
}

// `telnyx-sandbox trigger ...`: an inbound call or message on a running sandbox (its admin API).
if CommandLine.arguments.dropFirst().first == "trigger" {
    let status = await SandboxTrigger.main(
        Array(CommandLine.arguments.dropFirst(2)), print: { print($0) },
        error: { emit($0 + "\n", to: 2) })
    exit(status)
}

let configuration = parseArguments(CommandLine.arguments)
let server = SandboxServer(configuration: configuration)
_ = try await server.start()
let banner = "telnyx-sandbox listening on \(server.baseURL) (seed \(configuration.seed), \(configuration.stateless ? "stateless" : "\(configuration.phoneNumbers) phone numbers"))\n"
    + "telnyx-sandbox webhook public key (Ed25519, base64): \(server.publicKey ?? "")\n"
emit(banner, to: 1)

// Run until SIGINT or SIGTERM, then close the listener cleanly.
signal(SIGINT, SIG_IGN)
signal(SIGTERM, SIG_IGN)
let (stop, stopContinuation) = AsyncStream<Int32>.makeStream()
let signalSources = [SIGINT, SIGTERM].map { signalNumber in
    let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .main)
    source.setEventHandler { stopContinuation.yield(signalNumber) }
    source.resume()
    return source
}
for await _ in stop { break }
try await server.shutdown()
signalSources.forEach { $0.cancel() }
