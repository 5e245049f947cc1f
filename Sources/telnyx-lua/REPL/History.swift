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
        if line.contains(/KEY[0-9A-Za-z_-]{10,}/) { return true }
        if let apiKey, apiKey.count >= 8, line.contains(apiKey) { return true }
        if line.contains(/(?i)api_?key\s*=\s*["'\[]/) { return true }
        return false
    }
}
