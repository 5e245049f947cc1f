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

    /// A value valid against `schema`, drawn from `rng` (compiled and run: `GenerationPlan`).
    func generate(_ schema: JSONValue, rng: inout SplitMix) -> JSONValue {
        plan(schema).run(&rng, self)
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
        guard case .object(let members) = resolve(schema) else { return true }
        // The keywords in one pass over the schema rather than a lookup each: this runs for
        // every field laid over every record of a page (docs/benchmarks.md).
        var keywords = Keywords()
        for (keyword, argument) in members { keywords.take(keyword, argument) }
        for part in keywords.allOf where !conforms(value, part, depth: depth + 1) { return false }
        if let variants = keywords.variants, !variants.isEmpty,
            !variants.contains(where: { conforms(value, $0, depth: depth + 1) })
        {
            return false
        }
        if value.isNull { return keywords.nullable || !keywords.hasType }
        if let constant = keywords.constant, constant != value { return false }
        if let values = keywords.enumValues, !values.contains(value) { return false }
        if !keywords.types.isEmpty && !keywords.types.contains(where: { Self.isOfType(value, $0) }) { return false }
        switch value {
        case .object(let fields):
            for key in keywords.required where fields[key] == nil { return false }
            if let properties = keywords.properties {
                for (key, field) in fields {
                    if let inner = properties[key], !conforms(field, inner, depth: depth + 1) { return false }
                }
            }
        case .array(let items):
            if let inner = keywords.items, !items.allSatisfy({ conforms($0, inner, depth: depth + 1) }) { return false }
        case .string(let text):
            if keywords.format == "uuid" && text.count != 36 { return false }
            if keywords.format == "date-time" && !text.utf8.contains(UInt8(ascii: "T")) { return false }
        default: break
        }
        return true
    }

    /// What `conforms` reads of a schema object.
    private struct Keywords {
        var allOf: [JSONValue] = []
        var oneOf: JSONValue?
        var anyOf: JSONValue?
        var nullable = false
        var hasType = false
        var types: [String] = []
        var constant: JSONValue?
        var enumValues: [JSONValue]?
        var required: [String] = []
        var properties: [String: JSONValue]?
        var items: JSONValue?
        var format: String?

        /// `oneOf` when present (an `anyOf` beside it is not read), else `anyOf`.
        var variants: [JSONValue]? { (oneOf ?? anyOf)?.arrayValue }

        mutating func take(_ keyword: String, _ argument: JSONValue) {
            switch keyword {
            case "allOf": allOf = argument.arrayValue ?? []
            case "oneOf": oneOf = argument
            case "anyOf": anyOf = argument
            case "nullable": nullable = argument == .bool(true)
            case "type":
                hasType = true
                types = argument.stringValue.map { [$0] } ?? argument.arrayValue?.compactMap(\.stringValue) ?? []
            case "const": constant = argument
            case "enum": enumValues = argument.arrayValue
            case "required": required = argument.arrayValue?.compactMap(\.stringValue) ?? []
            case "properties": properties = argument.objectValue
            case "items": items = argument
            case "format": format = argument.stringValue
            default: break
            }
        }
    }

    private static func isOfType(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("integer", .int), ("number", .int), ("number", .double),
            ("object", .object), ("array", .array), ("null", .null):
            return true
        default: return false
        }
    }
}
