import HTTP1Client
import NIOCore
import NIOHTTP1
import Telnyx

/// `telnyx-sandbox trigger ...`: starts an inbound call or message on a running sandbox
/// through its admin API, for people trying their webhook handlers by hand.
///
///     telnyx-sandbox trigger inbound-call --to +13125550100 [--from +13125550199] [--digits 1]
///         [--speech sales] [--hangup-after-ms N] [--webhook-url U] [--url http://127.0.0.1:4010]
///     telnyx-sandbox trigger inbound-message --to +13125550100 --text hi [--from ...] [--webhook-url U] [--url ...]
public enum SandboxTrigger {
    public static let usage = """
        usage: telnyx-sandbox trigger inbound-call --to NUMBER [--from NUMBER] [--digits D] [--speech TEXT]
                                                   [--hangup-after-ms N] [--webhook-url URL] [--url SANDBOX]
               telnyx-sandbox trigger inbound-message --to NUMBER --text TEXT [--from NUMBER] [--webhook-url URL] [--url SANDBOX]
        SANDBOX defaults to http://127.0.0.1:4010.
        """

    /// What to send where, from the arguments after `trigger`; or a message for stderr.
    static func request(_ arguments: [String]) -> Result<(url: String, body: JSONValue), TriggerError> {
        guard let kind = arguments.first, kind == "inbound-call" || kind == "inbound-message" else {
            return .failure(TriggerError("unknown trigger \(arguments.first ?? "(none)")\n" + usage))
        }
        var base = "http://127.0.0.1:4010"
        var body: [String: JSONValue] = ["from": "+13125550199"]
        var rest = arguments.dropFirst()[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { return .failure(TriggerError("\(flag) needs a value")) }
            switch (kind, flag) {
            case (_, "--url"): base = value.hasSuffix("/") ? String(value.dropLast()) : value
            case (_, "--to"): body["to"] = .string(value)
            case (_, "--from"): body["from"] = .string(value)
            case (_, "--webhook-url"): body["webhook_url"] = .string(value)
            case ("inbound-call", "--digits"): body["digits"] = .string(value)
            case ("inbound-call", "--speech"): body["speech"] = .string(value)
            case ("inbound-call", "--hangup-after-ms"):
                guard let ms = Int64(value) else { return .failure(TriggerError("--hangup-after-ms: '\(value)' is not a number")) }
                body["hangup_after_ms"] = .int(ms)
            case ("inbound-message", "--text"): body["text"] = .string(value)
            default: return .failure(TriggerError("unknown option \(flag) for \(kind)\n" + usage))
            }
        }
        guard body["to"] != nil else { return .failure(TriggerError("--to is required")) }
        if kind == "inbound-message", body["text"] == nil { return .failure(TriggerError("--text is required")) }
        let path = kind == "inbound-call" ? "/__sandbox/calls/inbound" : "/__sandbox/messages/inbound"
        return .success((base + path, .object(body)))
    }

    /// Runs the trigger: prints the sandbox's answer (JSON) and returns the exit status:
    /// 0 when it started the call or message, 1 when the sandbox refused, 2 for bad arguments.
    public static func main(_ arguments: [String], print output: (String) -> Void, error report: (String) -> Void) async -> Int32 {
        let target: (url: String, body: JSONValue)
        switch request(arguments) {
        case .failure(let problem):
            report("telnyx-sandbox trigger: \(problem.message)")
            return 2
        case .success(let value): target = value
        }
        // No sandbox listening is reported at once, not after retrying until the timeout.
        let client = HTTP1Client(configuration: .init(connectTimeout: .seconds(5)))
        defer { client.shutdown() }
        return await send(client, target, output: output, report: report)
    }

    private static func send(_ client: HTTP1Client, _ target: (url: String, body: JSONValue), output: (String) -> Void,
                             report: (String) -> Void) async -> Int32 {
        let request = HTTP1Request(
            method: "POST", url: target.url, headers: [("content-type", "application/json")], body: target.body.jsonBytes)
        do {
            let response = try await client.perform(request, timeout: .seconds(10))
            let text = String(decoding: response.body, as: UTF8.self)
            guard response.status / 100 == 2 else {
                report("telnyx-sandbox trigger: the sandbox answered \(response.status): \(text)")
                return 1
            }
            output(text)
            return 0
        } catch {
            report("telnyx-sandbox trigger: no sandbox at \(target.url): \(error)")
            return 1
        }
    }
}

/// A trigger that cannot be sent.
struct TriggerError: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}
