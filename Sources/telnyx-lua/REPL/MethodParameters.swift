import Telnyx

/// The parameters of an API method as a Lua caller sees them: the positional path parameter
/// first, then the other path parameters, query parameters and body members, all passed by
/// name in the table argument. Shared by completion and help.
struct MethodParameters {
    /// One parameter and where it goes in the request.
    struct Parameter {
        enum Location: String { case path, query, body }

        let name: String
        let location: Location
        let schema: Schema
        let required: Bool
        /// True for the path parameter given as the first positional argument.
        let positional: Bool
    }

    let spec: MethodSpec
    let all: [Parameter]

    init(_ spec: MethodSpec) {
        self.spec = spec
        var list: [Parameter] = []
        var seen: Set<String> = []
        func add(_ parameter: Parameter) {
            guard seen.insert(parameter.name).inserted else { return }
            list.append(parameter)
        }
        if let positional = spec.positional {
            add(Parameter(name: positional, location: .path, schema: spec.pathParams[positional] ?? .any,
                          required: true, positional: true))
        }
        for name in spec.keywordPath {
            add(Parameter(name: name, location: .path, schema: spec.pathParams[name] ?? .any,
                          required: true, positional: false))
        }
        if let query = spec.query {
            for name in query.propertyNames {
                add(Parameter(name: name, location: .query, schema: query.properties[name] ?? .any,
                              required: query.required.contains(name), positional: false))
            }
        }
        if let body = spec.body {
            for name in body.propertyNames {
                add(Parameter(name: name, location: .body, schema: body.properties[name] ?? .any,
                              required: spec.bodyRequired && body.required.contains(name), positional: false))
            }
        }
        all = list
    }

    /// The names accepted in the table argument (the positional path parameter excluded).
    var tableKeys: [String] { all.filter { !$0.positional }.map(\.name) }

    /// The schema at `keyPath` inside the table argument: a parameter, then members of nested
    /// objects (`"[]"` steps into array items); nil when the path leaves the schema.
    func schema(at keyPath: [String]) -> Schema? {
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
    func keys(at keyPath: [String]) -> [String] {
        if keyPath.isEmpty { return tableKeys }
        guard let schema = schema(at: keyPath) else { return [] }
        return schema.propertyNames.isEmpty ? schema.items?.propertyNames ?? [] : schema.propertyNames
    }

    /// The string values allowed at `keyPath`, when its schema (or its items') is an enum.
    func enumStrings(at keyPath: [String]) -> [String] {
        guard let schema = schema(at: keyPath) else { return [] }
        let values = schema.enumValues ?? schema.items?.enumValues ?? []
        return values.compactMap(\.stringValue)
    }
}
