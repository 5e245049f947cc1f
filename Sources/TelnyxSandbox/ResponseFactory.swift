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
            // Variants in order (the first is the documented one), each generated alone with the
            // parent's own properties it does not define itself; the first result valid against
            // the whole schema wins. Variants overlap or conflict with the parent often enough
            // that merging blindly produced bodies matching no variant.
            var fallback: JSONValue?
            for variant in variants where resolve(variant)["type"]?.stringValue != "null" {
                var attempt = rng
                let candidate = generate(merged(variant, into: s), rng: &attempt, name: name, depth: depth)
                if fallback == nil { fallback = candidate }
                if conforms(candidate, s) {
                    rng = attempt
                    return candidate
                }
            }
            if let fallback { return fallback }
            return .null
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

    /// Whether `value` may stand where `schema` is. Used before laying a caller's field over a
    /// generated record, so a caller's odd value never makes a response invalid.
    func fits(_ value: JSONValue, _ schema: JSONValue) -> Bool {
        conforms(value, schema)
    }

    /// `variant` (flattened) with the properties of `parent` that the variant does not define:
    /// the parent's shared members stay, the variant's own shape wins where both speak.
    func merged(_ variant: JSONValue, into parent: JSONValue) -> JSONValue {
        guard case .object(var members) = flatten(variant) else { return flatten(variant) }
        if let props = parent["properties"]?.objectValue, !props.isEmpty {
            var own = members["properties"]?.objectValue ?? [:]
            for (key, value) in props where own[key] == nil { own[key] = value }
            members["properties"] = .object(own)
        }
        return .object(members)
    }

    /// One concrete object shape for `schema`: the schema flattened, or for a `oneOf`/`anyOf`
    /// its first non-null variant with the parent's properties. Records are rendered from it,
    /// so the fields laid over them have a schema to be checked against.
    func concrete(_ schema: JSONValue) -> JSONValue {
        let flat = flatten(schema)
        guard let variants = (flat["oneOf"] ?? flat["anyOf"])?.arrayValue,
            let first = variants.first(where: { resolve($0)["type"]?.stringValue != "null" })
        else { return flat }
        return concrete(merged(first, into: flat))
    }

    /// Whether `value` is valid against `schema`: `allOf`, `oneOf`/`anyOf` (at least one
    /// variant), `nullable`, `const`, `enum`, `type`, `required`, `properties`, `items` and the
    /// uuid and date-time formats.
    func conforms(_ value: JSONValue, _ schema: JSONValue, depth: Int = 0) -> Bool {
        guard depth < 48 else { return true }
        let s = resolve(schema)
        for part in s["allOf"]?.arrayValue ?? [] where !conforms(value, part, depth: depth + 1) { return false }
        if let variants = (s["oneOf"] ?? s["anyOf"])?.arrayValue, !variants.isEmpty,
            !variants.contains(where: { conforms(value, $0, depth: depth + 1) })
        {
            return false
        }
        if value.isNull { return s["nullable"] == .bool(true) || s["type"] == nil }
        if let constant = s["const"], constant != value { return false }
        if let values = s["enum"]?.arrayValue, !values.contains(value) { return false }
        let types = s["type"]?.stringValue.map { [$0] } ?? s["type"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if !types.isEmpty && !types.contains(where: { Self.isOfType(value, $0) }) { return false }
        switch value {
        case .object(let members):
            for key in s["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[key] == nil { return false }
            for (key, member) in members {
                if let inner = s["properties"]?[key], !conforms(member, inner, depth: depth + 1) { return false }
            }
        case .array(let items):
            if let inner = s["items"], !items.allSatisfy({ conforms($0, inner, depth: depth + 1) }) { return false }
        case .string(let text):
            if s["format"] == "uuid" && text.count != 36 { return false }
            if s["format"] == "date-time" && !text.contains(text: "T") { return false }
        default: break
        }
        return true
    }

    private static func isOfType(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("integer", .int), ("number", .int), ("number", .double),
            ("object", .object), ("array", .array), ("null", .null):
            return true
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
        name.contains(text: "phone_number") || name == "to" || name == "from" || name == "number"
    }
}
