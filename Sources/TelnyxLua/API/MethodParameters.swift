import Telnyx

/// The parameters of an API method as a Lua caller sees them: the positional path parameter
/// first, then the other path parameters, query parameters and body members, all passed by
/// name in the table argument. Path parameters carry the SDKs' names (see
/// `CallBuilder.sdkPathNames`). The one source for `telnyx.describe`, the REPL's help and its
/// completion, so they agree with what a call accepts.
public struct MethodParameters {
    /// One parameter and where it goes in the request.
    public struct Parameter {
        public enum Location: String { case path, query, body, header }

        public let name: String
        public let location: Location
        public let schema: Schema
        public let required: Bool
        /// True for the path parameter given as the first positional argument.
        public let positional: Bool
    }

    public let spec: MethodSpec
    public let all: [Parameter]

    public init(_ spec: MethodSpec) {
        self.spec = spec
        var list: [Parameter] = []
        var seen: Set<String> = []
        func add(_ parameter: Parameter) {
            guard seen.insert(parameter.name).inserted else { return }
            list.append(parameter)
        }
        for (sdk, route) in CallBuilder.sdkPathNames(spec) {
            add(Parameter(name: sdk, location: .path, schema: spec.pathParams[route] ?? .any,
                          required: true, positional: sdk == spec.positional))
        }
        if let query = spec.query {
            for name in query.propertyNames {
                add(Parameter(name: name, location: .query, schema: query.properties[name] ?? .any,
                              required: query.required.contains(name), positional: false))
            }
        }
        if let name = spec.bodyParam, let body = spec.body {
            add(Parameter(name: name, location: .body, schema: body, required: spec.bodyRequired, positional: false))
        }
        for name in spec.headerNames.keys.sorted() {
            add(Parameter(name: name, location: .header, schema: spec.headers?.properties[name] ?? .any,
                          required: false, positional: false))
        }
        if let body = spec.body, spec.bodyParam == nil {
            for name in body.propertyNames {
                add(Parameter(name: name, location: .body, schema: body.properties[name] ?? .any,
                              required: body.required.contains(name), positional: false))
            }
        }
        all = list
    }

    /// The names accepted in the table argument (the positional path parameter excluded).
    public var tableKeys: [String] { all.filter { !$0.positional }.map(\.name) }

    /// The schema at `keyPath` inside the table argument: a parameter, then members of nested
    /// objects (`"[]"` steps into array items); nil when the path leaves the schema.
    public func schema(at keyPath: [String]) -> Schema? {
        guard let first = keyPath.first, let parameter = all.first(where: { $0.name == first }) else {
            return nil
        }
        var schema = parameter.schema
        for step in keyPath.dropFirst() {
            if step == "[]" {
                guard let items = schema.items else { return nil }
                schema = items
            } else if let member = schema.properties[step] ?? schema.items?.properties[step] {
                schema = member
            } else {
                return nil
            }
        }
        return schema
    }

    /// The keys that may be written in the table at `keyPath` (`[]` for the argument itself).
    public func keys(at keyPath: [String]) -> [String] {
        if keyPath.isEmpty { return tableKeys }
        guard let schema = schema(at: keyPath) else { return [] }
        return schema.propertyNames.isEmpty ? schema.items?.propertyNames ?? [] : schema.propertyNames
    }

    /// The string values allowed at `keyPath`, when its schema (or its items') is an enum.
    public func enumStrings(at keyPath: [String]) -> [String] {
        guard let schema = schema(at: keyPath) else { return [] }
        let values = schema.enumValues ?? schema.items?.enumValues ?? []
        return values.compactMap(\.stringValue)
    }
}
