/// Matches a request's method and path against the catalog's route templates.
///
/// A trie of path segments per HTTP method. Literal segments win over parameters, so
/// `/phone_numbers/slim` is the slim list and not a retrieve of the number "slim". A parameter
/// segment may carry a literal suffix (`{recording_sid}.json`, as TeXML routes do). Routes answer
/// both at the root and under `/v2`, since the SDKs' base URL ends in `/v2` and a few routes
/// already start with it.
struct Router: Sendable {
    /// A successful match: the endpoint's index and the decoded path parameters.
    struct Match: Sendable {
        let index: Int
        let params: [String: String]
    }

    private final class Node: @unchecked Sendable {
        // Built once before the server starts, read-only afterwards: safe to share.
        var literals: [Substring: Node] = [:]
        var parameters: [(name: String, suffix: String, node: Node)] = []
        var endpoint: Int?
    }

    private let roots: [String: Node]

    /// Builds the trie for `routes`, given as (HTTP method, template) in endpoint order.
    init(routes: [(http: String, route: String)]) {
        var roots: [String: Node] = [:]
        for (index, entry) in routes.enumerated() {
            let root = roots[entry.http] ?? Node()
            roots[entry.http] = root
            var node = root
            for segment in entry.route.split(separator: "/") {
                if segment.hasPrefix("{"), let close = segment.firstIndex(of: "}") {
                    let name = String(segment[segment.index(after: segment.startIndex)..<close])
                    let suffix = String(segment[segment.index(after: close)...])
                    if let existing = node.parameters.first(where: { $0.suffix == suffix }) {
                        node = existing.node
                    } else {
                        let child = Node()
                        node.parameters.append((name, suffix, child))
                        // Longer suffixes first so `{sid}.json` is tried before a bare `{sid}`.
                        node.parameters.sort { $0.suffix.count > $1.suffix.count }
                        node = child
                    }
                } else {
                    let child = node.literals[segment] ?? Node()
                    node.literals[segment] = child
                    node = child
                }
            }
            if node.endpoint == nil { node.endpoint = index }
        }
        self.roots = roots
    }

    /// The endpoint for `method` and `path` (without the query), or nil.
    func match(method: String, path: Substring) -> Match? {
        guard let root = roots[method] else { return nil }
        let segments = path.split(separator: "/")
        var params: [String: String] = [:]
        // Under /v2 first: `/v2/mobile_phone_numbers/messaging` is the route
        // `/mobile_phone_numbers/messaging`, not the number "messaging" of `/v2/mobile_phone_numbers/{id}`.
        if segments.first == "v2", let index = Self.walk(root, segments.dropFirst(), &params) {
            return Match(index: index, params: params)
        }
        params = [:]
        if let index = Self.walk(root, segments[...], &params) {
            return Match(index: index, params: params)
        }
        return nil
    }

    /// True when some other method serves `path` (for 405 rather than 404).
    func anyMethodMatches(path: Substring) -> Bool {
        roots.keys.contains { match(method: $0, path: path) != nil }
    }

    private static func walk(_ node: Node, _ rest: ArraySlice<Substring>, _ params: inout [String: String]) -> Int? {
        guard let segment = rest.first else { return node.endpoint }
        let tail = rest.dropFirst()
        if let child = node.literals[segment], let found = walk(child, tail, &params) {
            return found
        }
        for parameter in node.parameters {
            guard segment.hasSuffix(parameter.suffix), segment.count > parameter.suffix.count else { continue }
            let raw = segment.dropLast(parameter.suffix.count)
            params[parameter.name] = percentDecode(raw)
            if let found = walk(parameter.node, tail, &params) { return found }
            params[parameter.name] = nil
        }
        return nil
    }
}
