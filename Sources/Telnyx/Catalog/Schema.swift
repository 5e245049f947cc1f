/// A JSON type named by a catalog schema; `any` accepts every value.
public enum SchemaType: String, Sendable, CaseIterable {
    case string, integer, number, boolean, array, object, any
}

/// How a top-level query parameter is serialised (OpenAPI `style`).
public enum ParameterStyle: String, Sendable {
    /// `name=value` (arrays repeated when exploded, comma-joined otherwise).
    case form
    /// `name[key]=value` for every member of an object.
    case deepObject
}

/// A compact schema of the catalog (see docs/catalog-format.md): the shape of a path parameter,
/// of the query parameters or of a request body, depth-limited, without descriptions.
public final class Schema: Sendable {
    /// The accepted types; `[.any]` when anything goes. Never empty.
    public let types: [SchemaType]
    /// The allowed values, or nil when any value of the types is allowed.
    public let enumValues: [JSONValue]?
    /// The spec's `format` (`date-time`, `uuid`, `int64`, `binary`, ...), or nil.
    public let format: String?
    /// Whether JSON null is accepted besides the types.
    public let nullable: Bool
    /// The declared members of an object schema.
    public let properties: [String: Schema]
    /// The names of `properties`, sorted.
    public let propertyNames: [String]
    /// The members an object must have.
    public let required: Set<String>
    /// The schema of the elements of an array schema, or nil.
    public let items: Schema?
    /// Whether an object schema accepts members besides `properties` (free-form objects).
    public let additional: Bool
    /// The serialisation style of a top-level query parameter; nil elsewhere.
    public let style: ParameterStyle?
    /// The `explode` flag of a top-level query parameter; nil elsewhere.
    public let explode: Bool?

    /// Makes a schema from its parts.
    public init(
        types: [SchemaType], enumValues: [JSONValue]? = nil, format: String? = nil,
        nullable: Bool = false, properties: [String: Schema] = [:], required: Set<String> = [],
        items: Schema? = nil, additional: Bool = false, style: ParameterStyle? = nil,
        explode: Bool? = nil
    ) {
        self.types = types.isEmpty ? [.any] : types
        self.enumValues = enumValues
        self.format = format
        self.nullable = nullable
        self.properties = properties
        self.propertyNames = properties.keys.sorted()
        self.required = required
        self.items = items
        self.additional = additional
        self.style = style
        self.explode = explode
    }

    /// A schema that accepts anything.
    public static let any = Schema(types: [.any])

    /// Whether the schema accepts values of `type` (always true for an `any` schema).
    public func allows(_ type: SchemaType) -> Bool {
        types.contains(.any) || types.contains(type)
    }

    /// Decodes a catalog schema object; nil when `json` is not an object.
    public convenience init?(json: JSONValue) {
        guard case .object(let members) = json else { return nil }
        var types: [SchemaType] = []
        switch members["type"] {
        case .string(let name)?:
            types = [SchemaType(rawValue: name) ?? .any]
        case .array(let names)?:
            types = names.compactMap { $0.stringValue.flatMap(SchemaType.init(rawValue:)) }
        default:
            types = [.any]
        }
        var properties: [String: Schema] = [:]
        if case .object(let props)? = members["properties"] {
            for (name, value) in props {
                properties[name] = Schema(json: value) ?? .any
            }
        }
        let required = Set(members["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        self.init(
            types: types,
            enumValues: members["enum"]?.arrayValue,
            format: members["format"]?.stringValue,
            nullable: members["nullable"]?.boolValue ?? false,
            properties: properties,
            required: required,
            items: members["items"].flatMap { Schema(json: $0) },
            additional: members["additional"]?.boolValue ?? false,
            style: members["style"]?.stringValue.flatMap(ParameterStyle.init(rawValue:)),
            explode: members["explode"]?.boolValue)
    }
}
