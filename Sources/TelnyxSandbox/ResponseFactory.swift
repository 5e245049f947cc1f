import Telnyx

/// Builds response bodies from the catalog's response schemas (a JSON-Schema subset with
/// `{"$ref": "Name"}` references into `components`).
///
/// Every required field is present with the right type; enums, consts and formats (uuid,
/// date-time, date, email, uri, E.164 numbers) are honoured; arrays get an item so callers have
/// something to look at. Values follow from a seed, so the same request answers the same bytes.
struct ResponseFactory: Sendable {
    let components: [String: JSONValue]
    /// "resource.method" -> the success response's schema.
    let responses: [String: JSONValue]

    /// Reads the catalog's response-schema document.
    init(document: JSONValue) {
        components = document["components"]?.objectValue ?? [:]
        var responses: [String: JSONValue] = [:]
        for (name, entry) in document["responses"]?.objectValue ?? [:] {
            if let schema = entry["schema"] { responses[name] = schema }
        }
        self.responses = responses
    }

    /// The referenced component, or the schema itself.
    func resolve(_ schema: JSONValue) -> JSONValue {
        var current = schema
        var hops = 0
        while let ref = current["$ref"]?.stringValue, hops < 32 {
            let name = ref.split(separator: "/").last.map(String.init) ?? ref
            current = components[name] ?? .object([:])
            hops += 1
        }
        return current
    }

    /// The schema with its `allOf` parts merged into one (properties and required accumulate).
    func flatten(_ schema: JSONValue) -> JSONValue {
        let resolved = resolve(schema)
        guard case .object(var members) = resolved, let parts = members["allOf"]?.arrayValue else {
            return resolved
        }
        members["allOf"] = nil
        var properties = members["properties"]?.objectValue ?? [:]
        var required = members["required"]?.arrayValue ?? []
        for part in parts {
            let flat = flatten(part)
            for (key, value) in flat["properties"]?.objectValue ?? [:] where properties[key] == nil {
                properties[key] = value
            }
            required += flat["required"]?.arrayValue ?? []
            for (key, value) in flat.objectValue ?? [:] where members[key] == nil && key != "properties" && key != "required" {
                members[key] = value
            }
        }
        if !properties.isEmpty { members["properties"] = .object(properties) }
        if !required.isEmpty { members["required"] = .array(required) }
        return .object(members)
    }

    /// The object/array part of a schema: `data` of a `{"data": ...}` envelope, `items` of a list.
    func member(_ schema: JSONValue, _ key: String) -> JSONValue? {
        let flat = flatten(schema)
        if key == "items" { return flat["items"] }
        return flat["properties"]?[key]
    }

    /// A value valid against `schema`.
    func generate(_ schema: JSONValue, rng: inout SplitMix, name: String = "", depth: Int = 0) -> JSONValue {
        let s = flatten(schema)
        if let constant = s["const"] { return constant }
        if let variants = (s["oneOf"] ?? s["anyOf"])?.arrayValue, !variants.isEmpty {
            // The first non-null variant: variants overlap often, and the first is the documented one.
            let chosen = variants.first { resolve($0)["type"]?.stringValue != "null" } ?? variants[0]
            var merged = flatten(chosen)
            if case .object(var m) = merged, let props = s["properties"]?.objectValue {
                var own = m["properties"]?.objectValue ?? [:]
                for (k, v) in props where own[k] == nil { own[k] = v }
                m["properties"] = .object(own)
                merged = .object(m)
            }
            return generate(merged, rng: &rng, name: name, depth: depth)
        }
        if let values = s["enum"]?.arrayValue {
            let usable = values.filter { !$0.isNull }
            if !usable.isEmpty { return usable[rng.below(usable.count)] }
        }
        switch typeName(s) {
        case "object": return object(s, rng: &rng, depth: depth)
        case "array": return array(s, rng: &rng, name: name, depth: depth)
        case "integer": return .int(integer(s, rng: &rng))
        case "number": return .double(Double(integer(s, rng: &rng)) + 0.5)
        case "boolean": return .bool(rng.next() & 1 == 1)
        case "null": return .null
        default: return .string(string(s, rng: &rng, name: name))
        }
    }

    /// The schema's type (the first non-null one), inferred from its keywords when absent.
    func typeName(_ s: JSONValue) -> String {
        if let t = s["type"]?.stringValue { return t }
        if let list = s["type"]?.arrayValue {
            return list.compactMap(\.stringValue).first { $0 != "null" } ?? "null"
        }
        if s["properties"] != nil || s["additionalProperties"] != nil { return "object" }
        if s["items"] != nil { return "array" }
        if let first = s["example"] ?? s["default"] {
            switch first {
            case .int: return "integer"
            case .double: return "number"
            case .bool: return "boolean"
            default: break
            }
        }
        return "string"
    }

    /// Whether `value` may stand where `schema` is: its type, and its enum when there is one.
    /// Used before laying a caller's field over a generated record.
    func fits(_ value: JSONValue, _ schema: JSONValue) -> Bool {
        let s = flatten(schema)
        if value.isNull { return s["nullable"] == .bool(true) }
        if let values = s["enum"]?.arrayValue, !values.contains(value) { return false }
        if s["oneOf"] != nil || s["anyOf"] != nil || (s["type"] == nil && s["properties"] == nil && s["items"] == nil) {
            return true
        }
        switch (typeName(s), value) {
        case ("string", .string), ("boolean", .bool), ("integer", .int), ("number", .int), ("number", .double):
            return true
        case ("object", .object): return true
        case ("array", .array(let items)):
            guard let itemSchema = s["items"] else { return true }
            return items.allSatisfy { fits($0, itemSchema) }
        default: return false
        }
    }

    private func object(_ s: JSONValue, rng: inout SplitMix, depth: Int) -> JSONValue {
        var out: [String: JSONValue] = [:]
        let required = Set((s["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        // Optional members stop a few levels down: the schemas are recursive in places.
        let optional = depth < 5
        for (key, value) in (s["properties"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key })
        where (optional || required.contains(key)) && !(depth == 0 && key == "errors" && !required.contains(key)) {
            // An optional top-level `errors` would make a success look like a failure.
            out[key] = generate(value, rng: &rng, name: key, depth: depth + 1)
        }
        return .object(out)
    }

    private func array(_ s: JSONValue, rng: inout SplitMix, name: String, depth: Int) -> JSONValue {
        let minimum = Int(s["minItems"]?.intValue ?? 0)
        var count = depth < 4 ? 1 : 0
        count = max(count, minimum)
        if let maximum = s["maxItems"]?.intValue { count = min(count, Int(maximum)) }
        let items = s["items"] ?? .object([:])
        return .array((0..<count).map { _ in generate(items, rng: &rng, name: name, depth: depth + 1) })
    }

    private func integer(_ s: JSONValue, rng: inout SplitMix) -> Int64 {
        let low = s["minimum"]?.doubleValue.map { Int64($0.rounded(.up)) } ?? 1
        let high = s["maximum"]?.doubleValue.map { Int64($0.rounded(.down)) } ?? max(low, 1) + 99
        if let example = s["example"]?.intValue, example >= low, example <= high { return example }
        guard high > low else { return low }
        return low + Int64(rng.below(Int(min(high - low + 1, 1_000_000))))
    }

    private func string(_ s: JSONValue, rng: inout SplitMix, name: String) -> String {
        var text: String
        let format = s["format"]?.stringValue ?? ""
        switch format {
        case "uuid": text = uuidString(rng.next(), rng.next())
        case "date-time": text = isoDateTime(1_704_067_200 + Int64(rng.below(31_536_000)))
        case "date": text = isoDate(days: 19_723 + Int64(rng.below(365)))
        case "email": text = "user\(rng.below(10_000))@example.com"
        case "uri", "url", "uri-reference": text = "https://example.com/\(hex(rng.next(), width: 8))"
        case "ipv4": text = "192.0.2.\(rng.below(254) + 1)"
        case "hostname": text = "host\(rng.below(1000)).example.com"
        case "binary", "byte": text = "AAAA"
        default:
            if let example = s["example"]?.stringValue, !isIdentifier(name) {
                text = example
            } else if isPhoneNumber(name) || format == "e164" || format == "phone" {
                text = "+1" + String(2_000_000_000 + Int64(rng.below(7_999_999_999)))
            } else if name.hasSuffix("_at") {
                text = isoDateTime(1_704_067_200 + Int64(rng.below(31_536_000)))
            } else if isIdentifier(name) {
                text = uuidString(rng.next(), rng.next())
            } else {
                text = (name.isEmpty ? "value" : name) + "-" + hex(rng.next(), width: 6)
            }
        }
        if let minimum = s["minLength"]?.intValue, text.count < minimum {
            text += String(repeating: "x", count: Int(minimum) - text.count)
        }
        if let maximum = s["maxLength"]?.intValue, text.count > maximum {
            text = String(text.prefix(Int(maximum)))
        }
        return text
    }

    private func isIdentifier(_ name: String) -> Bool {
        name == "id" || name.hasSuffix("_id")
    }

    private func isPhoneNumber(_ name: String) -> Bool {
        name.contains("phone_number") || name == "to" || name == "from" || name == "number"
    }
}
