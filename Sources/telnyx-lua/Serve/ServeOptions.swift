/// The options of `telnyx-lua serve` (after the word `serve`, mixed with telnyx-lua's own, before
/// the app's file).
struct ServeOptions {
    var host = "127.0.0.1"
    var port = 8080
    /// Base64 of the Ed25519 public key; TELNYX_PUBLIC_KEY when not given.
    var publicKey: String?
    var insecure = false
    /// A file of recorded deliveries to feed instead of listening.
    var replay: String?
    var maxHandlers = 1000
    var handlerTimeout = 60.0
    var grace = 10.0
    var maxBodyBytes = 1 << 20
    /// Requests accepted and not yet taken by the dispatcher (the server's inbox); more get 503.
    var maxQueue = 10_000

    /// Reads the serve option `flag` (its value from `value()`); false when `flag` is not one.
    mutating func parse(_ flag: String, value: () throws -> String) throws -> Bool {
        func number(_ text: String, _ what: String, positive: Bool = true) throws -> Double {
            guard let n = Double(text), n.isFinite, positive ? n > 0 : n >= 0 else {
                throw Options.UsageError(description: "\(flag) takes \(what)")
            }
            return n
        }
        func whole(_ text: String, _ what: String, range: ClosedRange<Int>) throws -> Int {
            guard let n = Int(text), range.contains(n) else { throw Options.UsageError(description: "\(flag) takes \(what)") }
            return n
        }
        switch flag {
        case "--host": host = try value()
        case "--port": port = try whole(try value(), "a port number (0-65535; 0 picks a free one)", range: 0...65535)
        case "--public-key": publicKey = try value()
        case "--insecure": insecure = true
        case "--replay": replay = try value()
        case "--max-handlers": maxHandlers = try whole(try value(), "a whole number of handlers (1-100000)", range: 1...100_000)
        case "--handler-timeout": handlerTimeout = try number(try value(), "seconds (a positive number)")
        case "--grace": grace = try number(try value(), "seconds (a number >= 0)", positive: false)
        case "--max-queue": maxQueue = try whole(try value(), "a whole number of requests (1-1000000)", range: 1...1_000_000)
        case "--max-body": maxBodyBytes = try whole(try value(), "kilobytes (1-65536)", range: 1...65536) * 1024
        default: return false
        }
        return true
    }

    static let usage = """
        usage: telnyx-lua serve [options] app.lua [args]
        Runs app.lua, which registers handlers with telnyx.on(type, fn) and telnyx.route(path, fn),
        then serves Telnyx webhooks and TeXML fetches until Ctrl-C or SIGTERM (see docs/events.md).

        Serve options:
          --host HOST            address to listen on (default 127.0.0.1)
          --port PORT            port to listen on (default 8080; 0 picks a free one)
          --public-key KEY       Telnyx's Ed25519 public key, base64 (default: TELNYX_PUBLIC_KEY;
                                 with --sandbox, the sandbox's own key)
          --insecure             accept unsigned deliveries (never on a public address)
          --replay FILE          feed the deliveries recorded in FILE (one JSON envelope per line)
                                 to the handlers instead of listening, then exit
          --max-handlers N       handlers running at once (default 1000; more wait in a queue)
          --handler-timeout S    cancel a handler after S seconds (default 60)
          --grace S              on stop, give running handlers S seconds (default 10)
          --max-queue N          requests accepted and waiting, beyond the handlers' own backlog
                                 (default 10000); more are answered 503 with Retry-After
          --max-body KB          largest request body accepted (default 1024)
        and --sandbox, --dry-run, --safe, --max-memory, --profile, -E, -W as for scripts.
        """
}
