import Telnyx

/// Reads the catalog into the sandbox's own types: the endpoints in catalog order and the
/// response-schema document. The only file that knows the catalog's Swift API.
enum CatalogAdapter {
    /// Every method of the catalog as an endpoint.
    static func endpoints(responses: JSONValue) -> [Endpoint] {
        let catalog = Catalog.shared
        return catalog.names.compactMap { name in
            guard let spec = catalog.method(named: name) else { return nil }
            let response = responses["responses"]?[name]
            let result: SandboxResult
            switch spec.result {
            case .json: result = .json
            case .none: result = .none
            case .binary: result = .binary
            case .page(let scheme): result = .page(scheme.rawValue)
            case .texml(let key): result = .texml(itemsKey: key)
            }
            let fallbackType = result == .binary ? "application/octet-stream" : "application/json"
            return Endpoint(
                fullName: name, resource: spec.resource, name: spec.name, http: spec.http, route: spec.route,
                pathParams: spec.pathParamNames, result: result, status: spec.status,
                contentType: response?["content_type"]?.stringValue ?? fallbackType,
                hasOperation: spec.operationId != nil, query: spec.query.map(shape), body: spec.body.map(shape),
                bodyRequired: spec.bodyRequired, bodyContentType: spec.contentType)
        }
    }

    /// The sandbox's copy of a compact schema.
    static func shape(_ schema: Schema) -> Shape {
        Shape(
            types: schema.types.map(\.rawValue), enumValues: schema.enumValues, format: schema.format,
            nullable: schema.nullable, properties: schema.properties.mapValues(shape),
            required: schema.required.sorted(), items: schema.items.map(shape), additional: schema.additional)
    }
}
