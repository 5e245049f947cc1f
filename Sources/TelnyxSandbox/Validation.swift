import Telnyx

/// One problem with a request, reported as Telnyx does: a code, a title, and where.
struct ValidationIssue: Sendable, Equatable {
    let code: String
    let title: String
    let detail: String
    /// JSON pointer into the body (`/connection_name`), or nil for a query parameter.
    let pointer: String?
    /// The query parameter (`filter[status]`), or nil for the body.
    let parameter: String?

    var json: JSONValue {
        var source: [String: JSONValue] = [:]
        if let pointer { source["pointer"] = .string(pointer) }
        if let parameter { source["parameter"] = .string(parameter) }
        return ["code": .string(code), "title": .string(title), "detail": .string(detail), "source": .object(source)]
    }
}

/// Checks request bodies and query parameters against the catalog's schemas. This is the
/// sandbox's own checker, written apart from the client's, so one cannot hide the other's bugs.
enum Validation {
    /// Problems of a JSON body (missing required members, wrong types, values outside an enum).
    static func body(_ value: JSONValue, _ shape: Shape) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        check(value, shape, pointer: "", issues: &issues, query: false)
        return issues
    }

    /// Problems of the query, given nested by brackets (`filter[status]` under `filter`).
    static func query(_ nested: [String: JSONValue], _ shape: Shape) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        check(.object(nested), shape, pointer: "", issues: &issues, query: true)
        return issues
    }

    private static func check(_ value: JSONValue, _ shape: Shape, pointer: String, issues: inout [ValidationIssue], query: Bool) {
        func report(_ code: String, _ title: String, _ detail: String, at path: String) {
            issues.append(ValidationIssue(
                code: code, title: title, detail: detail, pointer: query ? nil : (path.isEmpty ? "/" : path),
                parameter: query ? parameterName(path) : nil))
        }
        if value.isNull {
            if !shape.nullable && !shape.allows("any") { report("10015", "Invalid value", "must not be null", at: pointer) }
            return
        }
        // An enum holds the scalar values: a schema that is "one of these strings, or an object
        // {contains: ...}" (network_coverage.list's filters) takes the object as an object.
        let scalar = value.objectValue == nil && value.arrayValue == nil
        if scalar, let values = shape.enumValues, !values.isEmpty, !values.contains(where: { same($0, value, query: query) }) {
            let list = values.map { $0.stringValue ?? $0.jsonString }.joined(separator: ", ")
            report("10015", "Invalid value", "must be one of: \(list)", at: pointer)
            return
        }
        guard let type = typeOf(value, shape, query: query) else {
            report("10015", "Invalid type", "must be \(shape.types.joined(separator: " or "))", at: pointer)
            return
        }
        switch (type, value) {
        case ("object", .object(let members)):
            for name in shape.required where members[name] == nil {
                report("10004", "Missing required parameter", "The '\(name)' parameter is required.", at: pointer + "/" + escape(name))
            }
            for (name, member) in members {
                if let inner = shape.properties[name] {
                    check(member, inner, pointer: pointer + "/" + escape(name), issues: &issues, query: query)
                }
            }
        case ("array", .array(let items)):
            if let inner = shape.items {
                for (i, item) in items.enumerated() {
                    check(item, inner, pointer: pointer + "/\(i)", issues: &issues, query: query)
                }
            }
        case ("array", .string(let text)) where query:
            // A form-style array in a query: comma-separated items.
            if let inner = shape.items {
                for part in text.split(separator: ",") {
                    check(.string(String(part)), inner, pointer: pointer, issues: &issues, query: query)
                }
            }
        default:
            break
        }
    }

    /// The schema type `value` satisfies, or nil. Query values arrive as text, so there
    /// "12" is an integer and "true" a boolean.
    private static func typeOf(_ value: JSONValue, _ shape: Shape, query: Bool) -> String? {
        if shape.allows("any") { return "any" }
        let candidates: [String]
        switch value {
        case .string(let s):
            candidates = query ? ["string", Int(s) != nil ? "integer" : "", Double(s) != nil ? "number" : "",
                                  s == "true" || s == "false" ? "boolean" : "", "array"] : ["string"]
        case .int: candidates = ["integer", "number"]
        case .double: candidates = ["number"]
        case .bool: candidates = ["boolean"]
        case .array: candidates = ["array"]
        case .object: candidates = ["object"]
        case .null: candidates = []
        }
        return candidates.first { !$0.isEmpty && shape.types.contains($0) }
    }

    private static func same(_ allowed: JSONValue, _ value: JSONValue, query: Bool) -> Bool {
        if allowed == value { return true }
        if case .int(let a) = allowed, case .double(let b) = value { return Double(a) == b }
        // Query values are text: "5" matches an integer enum member 5.
        if query, case .string(let text) = value {
            return allowed.stringValue == text || allowed.intValue.map(String.init) == text
                || allowed.boolValue.map(String.init) == text
        }
        return false
    }

    private static func escape(_ name: String) -> String {
        var out = ""
        for c in name {
            switch c {
            case "~": out += "~0"
            case "/": out += "~1"
            default: out.append(c)
            }
        }
        return out
    }

    /// `/filter/status` as the caller spelled it: `filter[status]`.
    private static func parameterName(_ pointer: String) -> String {
        let parts = pointer.split(separator: "/").map(String.init)
        guard let first = parts.first else { return "" }
        return first + parts.dropFirst().map { "[\($0)]" }.joined()
    }
}
