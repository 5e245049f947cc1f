#if canImport(Glibc)
import Glibc
#endif
import TelnyxLua

/// Where API calls from the REPL go, read from the environment the CLI prepared: the sandbox
/// (`TELNYX_SANDBOX=1`, or a base URL on loopback) or a real base URL. Never the key.
struct REPLTarget {
    static let defaultBaseURL = "https://api.telnyx.com/v2"

    let baseURL: String
    let isSandbox: Bool

    init(environment: (String) -> String? = { getenv($0).map { String(cString: $0) } }) {
        let configured = environment("TELNYX_BASE_URL").flatMap { $0.isEmpty ? nil : $0 }
        baseURL = configured ?? Self.defaultBaseURL
        isSandbox = environment("TELNYX_SANDBOX") == "1" || Self.isLoopback(baseURL)
    }

    /// Whether the URL's host is 127.0.0.1, ::1 or localhost.
    static func isLoopback(_ url: String) -> Bool {
        guard let schemeEnd = url.range(ofText: "://") else { return false }
        var rest = url[schemeEnd.upperBound...]
        if let at = rest.firstIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        let host: Substring
        if rest.hasPrefix("[") {
            host = rest.dropFirst().prefix { $0 != "]" }
        } else {
            host = rest.prefix { $0 != ":" && $0 != "/" }
        }
        return host == "127.0.0.1" || host == "localhost" || host == "::1"
    }

    /// Whether `--dry-run` holds (the prompt says so: nothing mutating is sent).
    var dryRun = false

    /// The primary prompt.
    var prompt: String {
        let marks = (isSandbox ? ["sandbox"] : []) + (dryRun ? ["dry-run"] : [])
        return marks.isEmpty ? "telnyx> " : "telnyx(\(marks.joined(separator: ", ")))> "
    }
    /// The prompt of continuation lines.
    var continuationPrompt: String { "...> " }

    /// The lines printed when the REPL opens; the version line is left out when the command
    /// line already printed it (`-i`, `-v`).
    func banner(includeVersion: Bool, width: Int = Terminal.breakWidth()) -> String {
        var lines: [String] = []
        if includeVersion {
            lines.append("telnyx-lua \(TelnyxHostInfo.version) (\(TelnyxHostInfo.luaVersion))")
        }
        let target = isSandbox ? "the sandbox (simulated API, \(baseURL))" : baseURL
        lines.append("API target: \(target)")
        lines.append("Type help() for help, help \"phone_numbers.list\" for a method; Tab completes; Ctrl-D exits.")
        // Broken between words on a narrow terminal, not in the middle of one.
        return lines.flatMap { $0.fitted(width: width, indent: 0) }.joined(separator: "\n")
    }
}
