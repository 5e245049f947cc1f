#if canImport(Glibc)
import Glibc
#endif
@preconcurrency import CEditline

/// The REPL's history file: `$XDG_STATE_HOME/telnyx-lua/history`, else
/// `~/.local/state/telnyx-lua/history`, private to the user (0600). Lines that look like they
/// hold an API key are never recorded.
struct History {
    /// Entries kept in memory and in the file.
    static let limit: Int32 = 1000

    /// The file path, or nil when neither XDG_STATE_HOME nor HOME is set.
    let path: String?

    init(environment: (String) -> String? = { getenv($0).map { String(cString: $0) } }) {
        if let state = environment("XDG_STATE_HOME"), state.hasPrefix("/") {
            path = state + "/telnyx-lua/history"
        } else if let home = environment("HOME"), !home.isEmpty {
            path = home + "/.local/state/telnyx-lua/history"
        } else {
            path = nil
        }
    }

    /// Starts libedit's history and reads the file (a missing file is fine).
    func load() {
        using_history()
        stifle_history(Self.limit)
        if let path { _ = read_history(path) }
    }

    /// Records `entry` (a whole chunk, lines joined) unless it is blank or looks secret, and
    /// writes the file at once, so a crash or kill loses nothing.
    func add(_ entry: String) {
        guard !entry.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" }) else { return }
        guard !Self.looksSecret(entry) else { return }
        add_history(entry)
        save()
    }

    /// Writes the history file with mode 0600, creating its folders (0700).
    func save() {
        guard let path else { return }
        var folder = ""
        for part in path.split(separator: "/").dropLast() {
            folder += "/" + part
            mkdir(folder, 0o700)
        }
        // Created private before libedit opens it, so it is never readable by others.
        let fd = open(path, O_WRONLY | O_CREAT, 0o600)
        if fd >= 0 { close(fd) }
        _ = write_history(path)
        chmod(path, 0o600)
    }

    /// Whether `line` seems to carry a credential: a Telnyx key (`KEY` followed by 10 or more
    /// key characters), the value of TELNYX_API_KEY, or an `api_key = "..."` assignment.
    static func looksSecret(_ line: String, apiKey: String? = getenv("TELNYX_API_KEY").map { String(cString: $0) }) -> Bool {
        let bytes = Array(line.utf8)
        if containsTelnyxKey(bytes) || containsKeyAssignment(bytes) { return true }
        if let apiKey, apiKey.count >= 8, line.contains(text: apiKey) { return true }
        return false
    }

    // Scanned by hand rather than with Swift's Regex, whose engine and parser are 1 MB of the
    // binary for these two patterns.

    /// `KEY` followed by 10 or more of `0-9 A-Z a-z _ -`.
    private static func containsTelnyxKey(_ bytes: [UInt8]) -> Bool {
        let key = Array("KEY".utf8)
        var index = 0
        while index + 3 <= bytes.count {
            if Array(bytes[index..<index + 3]) == key {
                let run = bytes[(index + 3)...].prefix { isKeyByte($0) }.count
                if run >= 10 { return true }
            }
            index += 1
        }
        return false
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// `api_key` or `apikey` in any case, then `=` between optional blanks, then `"`, `'` or `[`.
    private static func containsKeyAssignment(_ bytes: [UInt8]) -> Bool {
        let lowered = bytes.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        func isBlank(_ byte: UInt8) -> Bool { byte == 32 || (9...13).contains(byte) }
        for start in lowered.indices {
            for name in ["api_key", "apikey"] {
                let word = Array(name.utf8)
                guard start + word.count <= lowered.count, Array(lowered[start..<start + word.count]) == word else { continue }
                var index = start + word.count
                while index < lowered.count, isBlank(lowered[index]) { index += 1 }
                guard index < lowered.count, lowered[index] == UInt8(ascii: "=") else { continue }
                index += 1
                while index < lowered.count, isBlank(lowered[index]) { index += 1 }
                if index < lowered.count, [UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "[")].contains(lowered[index]) {
                    return true
                }
            }
        }
        return false
    }
}
