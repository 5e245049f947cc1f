import Telnyx

/// What the `telnyx` table's calls share within one host: client options (from the
/// environment, then `telnyx.configure`), the client built from them on first use, the request
/// engine, and the requests in flight with the method each belongs to.
final class APIState {
    var options: ClientOptions
    var validate = true
    /// `--safe`: the API's target and credentials can't be changed from Lua.
    var safe = false
    /// `--dry-run` from the command line: mutating requests are never sent, whatever the script
    /// does to the `before_request` hook. Cannot be turned off.
    var dryRunEnforced = false
    let engine = RequestEngine()
    /// Registry reference of the `before_request` hook (dry-run), or nil.
    var beforeRequestRef: Int32?
    /// The method of each request in flight, for decoding its result and naming it in errors.
    var pending: [Int: MethodSpec] = [:]
    /// Per method, the table sizes of its last answer, for decoding the next one (see
    /// `TableSizeHints`): a retrieve's record is allocated at its size, not grown to it.
    var tableSizes: [MethodKey: TableSizeHints] = [:]

    /// A method by its resource and name (not `fullName`, which joins them anew each time).
    struct MethodKey: Hashable {
        let resource: String
        let name: String
    }

    private var current: TelnyxClient?
    /// Clients replaced by `configure` while requests may still use them; shut down at the end.
    private var retired: [TelnyxClient] = []

    init(useEnvironment: Bool) {
        // TELNYX_API_KEY, TELNYX_BASE_URL, TELNYX_LOG, ... (lua's -E ignores them).
        options = useEnvironment ? ClientOptions.fromEnvironment() : ClientOptions()
    }

    /// The client for the current options, made on first use.
    var client: TelnyxClient {
        if let current { return current }
        let made = TelnyxClient(options: options)
        current = made
        return made
    }

    /// Applies new options; the next request uses a new client.
    func reconfigure(_ change: (inout ClientOptions) -> Void) {
        change(&options)
        if let current { retired.append(current) }
        current = nil
    }

    /// Shuts every client down; called when the host goes away.
    func shutdown() {
        for client in retired + (current.map { [$0] } ?? []) { client.syncShutdown() }
        retired = []
        current = nil
    }
}
