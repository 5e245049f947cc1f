import CLua
import LuaShims
import Telnyx

/// `telnyx.describe(...)`: a method's catalog entry as a Lua table, for people (`help`) and for
/// tools (completion): name, http, route, summary, operation_id, result, positional, and
/// `parameters`, a list of {name, where = "path"|"query"|"body", type, required, enum,
/// fields (nested names), description (one line, when the spec has one)}, plus `example`, a
/// call in Lua.
public enum MethodDescription {
    static func push(_ spec: MethodSpec, on lua: Lua) {
        lua.newTable(recordCapacity: 10)
        let fields: [(String, String?)] = [
            ("name", spec.fullName), ("resource", spec.resource), ("method", spec.name), ("http", spec.http),
            ("route", spec.route), ("summary", spec.summary), ("operation_id", spec.operationId),
            ("result", spec.result.catalogText), ("positional", spec.positional), ("content_type", spec.contentType),
            ("example", example(spec)),
        ]
        for (key, value) in fields {
            guard let value else { continue }
            lua.push(value)
            lua.setField(-2, key)
        }
        lua.push(spec.checked)
        lua.setField(-2, "checked")
        let docs = ParameterDocs.of(spec.fullName)
        lua.push(sequence: MethodParameters(spec).all) { push($0, description: docs[$0.name], on: lua) }
        lua.setField(-2, "parameters")
    }

    /// {name, where, type, required, enum, fields, description} for one parameter.
    private static func push(_ parameter: MethodParameters.Parameter, description: String?, on lua: Lua) {
        let schema = parameter.schema
        lua.newTable(recordCapacity: 6)
        lua.push(parameter.name)
        lua.setField(-2, "name")
        lua.push(parameter.location.rawValue)
        lua.setField(-2, "where")
        lua.push(schema.types.map(\.rawValue).joined(separator: "|"))
        lua.setField(-2, "type")
        lua.push(parameter.required)
        lua.setField(-2, "required")
        if let description {
            lua.push(description)
            lua.setField(-2, "description")
        }
        if let values = schema.enumValues, !values.isEmpty {
            lua.push(sequence: values) { lua.push($0.stringValue ?? $0.jsonString) }
            lua.setField(-2, "enum")
        }
        let names = schema.propertyNames.isEmpty ? schema.items?.propertyNames ?? [] : schema.propertyNames
        if !names.isEmpty {
            lua.push(sequence: names) { lua.push($0) }
            lua.setField(-2, "fields")
        }
    }

    /// A call in Lua, positional path parameter first, the required parameters filled with
    /// sample values (shown by `telnyx.help` and the REPL's `help`).
    public static func example(_ spec: MethodSpec) -> String {
        let parts = MethodParameters(spec).all.filter { $0.required && !$0.positional }
            .map { "\($0.name) = \(sampleValue($0.schema))" }
        if case .page = spec.result, parts.isEmpty, spec.positional == nil {
            return "for item in telnyx.\(spec.fullName){page = {size = 50}} do print(item.id) end"
        }
        let table = parts.isEmpty ? nil : "{" + parts.joined(separator: ", ") + "}"
        if let positional = spec.positional {
            return "telnyx.\(spec.fullName)(\"\(positional)\"\(table.map { ", " + $0 } ?? ""))"
        }
        return "telnyx.\(spec.fullName)\(table ?? "()")"
    }

    private static func sampleValue(_ schema: Schema) -> String {
        if let first = schema.enumValues?.first { return first.jsonString }
        switch schema.types.first {
        case .integer: return "1"
        case .number: return "1.5"
        case .boolean: return "true"
        case .array: return "{}"
        case .object: return "{}"
        default: return "\"...\""
        }
    }
}
