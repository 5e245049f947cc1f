/// How a stateful endpoint acts on its collection.
enum StoreAction: Sendable, Equatable {
    case create
    /// POST to an item's route: creates the record with the id from the path (or replaces it).
    case createAt
    case retrieve
    case update
    case delete
    case list
}

/// Ties an endpoint to a collection of the store.
struct Binding: Sendable {
    /// The collection's key: the route template without its trailing id (and `.json`).
    let collection: String
    /// What the endpoint does; nil for an action route that only needs its parents to exist.
    let action: StoreAction?
    /// The path parameter naming the record (item routes).
    let idParam: String?
    /// Path parameters naming records of other collections, checked for 404: (param, key).
    let parents: [(param: String, collection: String)]
    /// For a batch job (`POST /phone_numbers/jobs/update_emergency_settings`): the job's type,
    /// the route's last segment. The job is created in the parent collection, so that
    /// `jobs.retrieve` and `jobs.list` find it.
    var jobType: String? = nil

    /// The collection key and trailing parameter of a route template.
    static func split(_ route: String) -> (key: String, trailing: String?) {
        var segments = route.split(separator: "/").map(String.init)
        var trailing: String?
        if let last = segments.last, last.hasPrefix("{"), let close = last.firstIndex(of: "}") {
            trailing = String(last[last.index(after: last.startIndex)..<close])
            segments.removeLast()
        }
        if let last = segments.last, last.hasSuffix(".json") {
            segments[segments.count - 1] = String(last.dropLast(5))
        }
        return ("/" + segments.joined(separator: "/"), trailing)
    }

    /// The key of the collection whose records `{parameter}` names in `route`
    /// (`/texml/Accounts/{account_sid}/Calls/{call_sid}`, `call_sid` -> `/texml/Accounts/{account_sid}/Calls`).
    static func collectionKey(route: String, parameter: String) -> String? {
        guard let range = route.range(ofText: "{" + parameter + "}") else { return nil }
        return split(String(route[..<range.upperBound])).key
    }

    /// The binding of a seed-area endpoint.
    static func stateful(_ endpoint: Endpoint) -> Binding {
        let (key, trailing) = split(endpoint.route)
        let name = endpoint.name
        let action: StoreAction?
        switch (endpoint.http, trailing != nil) {
        case ("GET", true): action = .retrieve
        case ("GET", false):
            let isList: Bool
            switch endpoint.result {
            case .page, .texml: isList = true
            default: isList = name.contains(text: "list") || name.hasPrefix("retrieve_")
            }
            action = isList ? .list : nil
        case ("POST", false):
            let creates = name == "create" || name == "upload" || endpoint.resource.hasPrefix("texml.accounts")
            action = creates ? .create : nil
        case ("POST", true): action = name == "create" ? .createAt : .update
        case ("PATCH", true), ("PUT", true): action = .update
        case ("DELETE", true): action = .delete
        default: action = nil
        }
        // Every `{param}` before the record's own names a record of the collection its prefix
        // lists (`/external_connections/{id}/uploads` needs external connection `id`).
        var parents: [(String, String)] = []
        var prefix: [String] = []
        let segments = endpoint.route.split(separator: "/").map(String.init)
        for (i, segment) in segments.enumerated() {
            if segment.hasPrefix("{"), let close = segment.firstIndex(of: "}"), !(i == segments.count - 1 && trailing != nil) {
                let param = String(segment[segment.index(after: segment.startIndex)..<close])
                parents.append((param, split("/" + (prefix + [segment]).joined(separator: "/")).key))
            }
            prefix.append(segment)
        }
        if endpoint.http == "POST", trailing == nil, endpoint.resource.hasSuffix(".jobs"), name.hasSuffix("_batch"),
            let slash = key.lastIndex(of: "/")
        {
            return Binding(collection: String(key[..<slash]), action: .create, idParam: nil, parents: parents,
                           jobType: String(key[key.index(after: slash)...]))
        }
        return Binding(collection: key, action: action, idParam: trailing, parents: parents)
    }

    /// The binding of a paginated endpoint outside the seed areas: a read-only generated list.
    static func generatedList(_ endpoint: Endpoint) -> Binding {
        Binding(collection: "generated:" + endpoint.fullName, action: .list, idParam: nil, parents: [])
    }
}
