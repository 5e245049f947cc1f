#if canImport(Glibc)
import Glibc
#endif
@preconcurrency import CEditline
import TelnyxLua

/// The interactive loop: reads lines with libedit, runs them, prints results.
struct REPL {
    let host: TelnyxHost

    func run() {
        let session = REPLSession(host: host)
        while true {
            host.clearInterrupt()
            host.interruptOnSIGINT()
            guard let chunk = readChunk(session) else { break }
            session.evaluate(chunk)
        }
        print()
    }

    /// Reads lines until they make a complete chunk; nil at end of input.
    private func readChunk(_ session: REPLSession) -> String? {
        var text = ""
        var prompt = "telnyx> "
        while true {
            guard let raw = readline(prompt) else {
                return text.isEmpty ? nil : text
            }
            let line = String(cString: raw)
            free(raw)
            text = text.isEmpty ? line : text + "\n" + line
            if session.isIncomplete(text) {
                prompt = "...> "
                continue
            }
            if !text.allSatisfy({ $0 == " " || $0 == "\t" }) { add_history(text) }
            return text
        }
    }
}
