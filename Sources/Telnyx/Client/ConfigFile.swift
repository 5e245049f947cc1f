#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The user's configuration file, `~/.config/telnyx-lua/config.toml` (or under
/// `$XDG_CONFIG_HOME`), with one table per profile:
///
///     [default]
///     api_key = "KEY..."
///
///     [staging]
///     api_key = "KEY..."
///     base_url = "https://api.telnyx.com/v2"
///
/// It holds secrets, so a file that the group or others may read is refused, with a message
/// saying how to fix its mode. Only this subset of TOML is read: `[name]` tables and
/// `key = "string"` or `key = number` lines, `#` comments.
public struct ConfigFile: Sendable {
    /// Settings of one profile: `api_key`, `base_url`, `timeout`, `max_retries`.
    public let profiles: [String: [String: String]]
    public let path: String

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// The default location, or nil when neither XDG_CONFIG_HOME nor HOME is set.
    public static func defaultPath() -> String? {
        if let xdg = getenv("XDG_CONFIG_HOME"), xdg.pointee != 0 { return String(cString: xdg) + "/telnyx-lua/config.toml" }
        if let home = getenv("HOME"), home.pointee != 0 { return String(cString: home) + "/.config/telnyx-lua/config.toml" }
        return nil
    }

    /// Reads the file at `path`; nil when it does not exist.
    public static func load(path: String) throws(Failure) -> ConfigFile? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        if info.st_mode & 0o077 != 0 {
            let mode = String(info.st_mode & 0o777, radix: 8)
            throw Failure(description: "\(path) holds API keys but others can read it (mode \(mode)); run: chmod 600 \(path)")
        }
        guard let file = fopen(path, "r") else {
            throw Failure(description: "cannot read \(path)")
        }
        defer { fclose(file) }
        var text: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            text.append(contentsOf: buffer[0..<n])
        }
        return try parse(String(decoding: text, as: UTF8.self), path: path)
    }

    /// Parses the TOML subset described above.
    public static func parse(_ text: String, path: String) throws(Failure) -> ConfigFile {
        var profiles: [String: [String: String]] = [:]
        var current: String?
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmed
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                var name = String(line.dropFirst().dropLast()).trimmed
                if name.hasPrefix("profiles.") { name.removeFirst("profiles.".count) }
                current = name
                profiles[name, default: [:]] = profiles[name] ?? [:]
                continue
            }
            guard let eq = line.firstIndex(of: "="), let profile = current else {
                throw Failure(description: "\(path):\(number + 1): expected [profile] or key = value")
            }
            let key = String(line[..<eq]).trimmed
            var value = String(line[line.index(after: eq)...]).trimmed
            if let hash = value.firstIndex(of: "#"), !value.hasPrefix("\"") { value = String(value[..<hash]).trimmed }
            if value.hasPrefix("\"") {
                guard value.count >= 2, value.hasSuffix("\"") else {
                    throw Failure(description: "\(path):\(number + 1): unterminated string for '\(key)'")
                }
                value = String(value.dropFirst().dropLast())
            }
            profiles[profile]![key] = value
        }
        return ConfigFile(profiles: profiles, path: path)
    }

    /// Applies profile `name` to `options`; an unknown profile is an error naming the known ones.
    /// An `api_key` that cannot be sent leaves `options.apiKeyProblem` set (see `setAPIKey`).
    public func apply(profile name: String, to options: inout ClientOptions) throws(Failure) {
        guard let settings = profiles[name] else {
            let known = profiles.keys.sorted().joined(separator: ", ")
            throw Failure(description: "no profile '\(name)' in \(path) (profiles: \(known.isEmpty ? "none" : known))")
        }
        // A bad key is recorded, not thrown: the caller decides whether it is fatal now
        // (`--profile NAME`) or when a request needs it (the implicit `[default]`).
        if let key = settings["api_key"] { options.setAPIKey(key, source: "api_key of profile '\(name)' in \(path)") }
        if let url = settings["base_url"] { options.baseURL = url }
        if let timeout = settings["timeout"].flatMap(Double.init) { options.timeout = timeout }
        if let retries = settings["max_retries"].flatMap(Int.init) { options.maxRetries = retries }
    }
}

extension StringProtocol {
    fileprivate var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
