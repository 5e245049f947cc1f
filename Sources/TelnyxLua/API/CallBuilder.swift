import CLua
import LuaShims
import Telnyx

/// Turns the arguments of a Lua API call into an `APIRequest`, the way the official SDKs take
/// them: `method(positional, params)` where `positional` is the path parameter the SDKs take
/// first, and `params` names everything else (keyword path parameters, query parameters, body
/// fields); or everything in one table: `telnyx.phone_numbers.retrieve{id = "123"}`.
struct CallBuilder {
    let lua: Lua
    let spec: MethodSpec
    /// False turns checking off (`telnyx.configure{validate = false}`): names are still sorted
    /// into path, query and body, but nothing is rejected.
    let validate: Bool

    private var checker: ParameterChecker { ParameterChecker(lua: lua, method: spec.fullName) }

    /// The SDK's name of each route parameter: the SDKs rename some (`messaging_profiles.retrieve`
    /// takes `messaging_profile_id` for `{id}`, `storage.buckets.create_presigned_url` takes
    /// `bucket_name` for `{bucketName}`). Keyword names match their route parameter by snake_case;
    /// the positional name stands for the route parameter no keyword name claims.
    static func sdkPathNames(_ spec: MethodSpec) -> [(sdk: String, route: String)] {
        let routeNames = spec.pathParamNames
        var pairs: [(sdk: String, route: String)] = []
        var claimed = Set<String>()
        for name in spec.keywordPath {
            let route = routeNames.first { $0 == name } ?? routeNames.first { snakeCase($0) == name } ?? name
            pairs.append((name, route))
            claimed.insert(route)
        }
        if let positional = spec.positional {
            let route = routeNames.contains(positional) ? positional : routeNames.last { !claimed.contains($0) } ?? positional
            pairs.append((positional, route))
            claimed.insert(route)
        }
        for route in routeNames where !claimed.contains(route) { pairs.append((route, route)) }
        return pairs
    }

    /// Where the SDK's name of a path parameter differs from the route's (`phone_number_id` for
    /// the `{id}` of `/phone_numbers/{id}`, which `retrieve` calls `id`), the route's name, so
    /// that the methods of one resource are seen to take the same thing.
    static func routeNameNote(_ spec: MethodSpec, _ sdkName: String) -> String {
        guard let route = sdkPathNames(spec).first(where: { $0.sdk == sdkName })?.route, route != sdkName else { return "" }
        let alias = takesRouteName(spec, route) ? ", also accepted as '\(route)'" : ""
        return "; the {\(route)} of \(spec.route)\(alias)"
    }

    /// Whether `route`, the route's name of a path parameter the SDK renames, is free to stand
    /// for it (not a query or body parameter of its own).
    static func takesRouteName(_ spec: MethodSpec, _ route: String) -> Bool {
        spec.query?.properties[route] == nil && spec.body?.properties[route] == nil
            && !sdkPathNames(spec).contains { $0.sdk == route }
    }

    /// `bucketName` -> `bucket_name`, `advanced-order-id` -> `advanced_order_id`.
    static func snakeCase(_ name: String) -> String {
        var out = ""
        for c in name {
            if c.isUppercase { out += (out.isEmpty ? "" : "_") + c.lowercased() }
            else { out.append(c == "-" ? "_" : c) }
        }
        return out
    }

    /// Pushes one table holding every parameter, the positional one included, built from the
    /// arguments at `first` and `first + 1`. The caller's own table is never modified.
    func pushNormalizedParams(argumentsAt first: Int32) throws(ParameterChecker.Failure) {
        let a1 = first, a2 = first + 1
        let t1 = lua.type(at: a1), t2 = lua.type(at: a2)
        var paramsIndex: Int32?
        var positional: Int32?
        if let name = spec.positional {
            switch t1 {
            case LUA_TSTRING, LUA_TNUMBER:
                positional = a1
                if t2 == LUA_TTABLE { paramsIndex = a2 }
                else if t2 != LUA_TNIL && t2 != LUA_TNONE {
                    throw checker.fail("the second argument must be a table of parameters, got \(lua.typeName(at: a2))")
                }
            case LUA_TTABLE where t2 == LUA_TNONE || t2 == LUA_TNIL:
                paramsIndex = a1
            case LUA_TNIL, LUA_TNONE:
                throw checker.fail("missing required parameter '\(name)' (the first argument\(Self.routeNameNote(spec, name)))")
            default:
                throw checker.fail("the first argument ('\(name)') must be a string, got \(lua.typeName(at: a1))")
            }
        } else {
            switch t1 {
            case LUA_TTABLE: paramsIndex = a1
            case LUA_TNIL, LUA_TNONE: break
            default:
                throw checker.fail("takes a table of parameters, got \(lua.typeName(at: a1))")
            }
            if t2 != LUA_TNONE && t2 != LUA_TNIL {
                throw checker.fail("takes one table of parameters, got a second argument (\(lua.typeName(at: a2)))")
            }
        }
        lua.newTable()
        let result = lua.top
        if let paramsIndex {
            lua.pushNil()
            while lua_next(lua.state, paramsIndex) != 0 {
                guard lua.type(at: -2) == LUA_TSTRING else {
                    let keyType = lua.typeName(at: -2)
                    lua.top = result - 1
                    throw checker.fail("parameter names must be strings, got a \(keyType) key")
                }
                lua.pushValue(at: -2)
                lua.pushValue(at: -2)
                lua_rawset(lua.state, result)
                lua.pop()
            }
        }
        if let positional, let name = spec.positional {
            lua.pushValue(at: positional)
            lua.setField(result, name)
        }
        if spec.checked { try applySDKSpellings(result) }
    }

    /// The SDKs' own spellings of parameter names, taken as aliases so that an SDK example
    /// translates without thinking: Python's `from_` (a reserved word escaped) is `from`, its
    /// flattened `page_size` is `page = {size = ...}`, and the JavaScript SDK's `connectionId` is
    /// `connection_id`. Only names the method does not know are read this way; a parameter given
    /// under both spellings is refused.
    private func applySDKSpellings(_ table: Int32) throws(ParameterChecker.Failure) {
        // Per call, so no allocation unless a name is unknown: lookups in the schemas as they are.
        let query = spec.query?.properties ?? [:], body = spec.body?.properties ?? [:]
        if let spread = spec.bodySpread, body[spread] == nil { try spreadBody(spread, in: table) }
        var pathNames: [String]?  // built only for a name found nowhere else (rarely)
        func known(_ name: String) -> Bool {
            if query[name] != nil || body[name] != nil || spec.positional == name || spec.keywordPath.contains(name)
                || spec.headerNames[name] != nil || spec.bodyParam == name || name.contains("[")
            {
                return true
            }
            if pathNames == nil { pathNames = Self.sdkPathNames(spec).map(\.sdk) }
            return pathNames!.contains(name)
        }
        var renames: [(from: String, to: String, members: [String])] = []
        lua.pushNil()
        while lua_next(lua.state, table) != 0 {
            lua.pop()
            guard let key = lua.toString(-1), !known(key) else { continue }
            let snake = Self.snakeCase(key)
            if let sdk = Self.sdkPathNames(spec).first(where: { $0.route == key && $0.sdk != key })?.sdk,
                Self.takesRouteName(spec, key)
            {
                // The route's name of a path parameter the SDK renames: `{id = ...}` for
                // phone_numbers.update, whose SDK name is phone_number_id.
                renames.append((key, sdk, []))
            } else if key.hasSuffix("_"), known(String(key.dropLast())) {
                renames.append((key, String(key.dropLast()), []))
            } else if snake != key, known(snake) {
                renames.append((key, snake, []))
            } else if let path = Self.flattenedPath(snake[...], in: query) ?? Self.flattenedPath(snake[...], in: body),
                path.count > 1
            {
                renames.append((key, path[0], Array(path.dropFirst())))
            }
        }
        for (from, to, members) in renames {
            lua.getField(table, from)
            let value = lua.absolute(-1)
            if members.isEmpty {
                if lua.getField(table, to) != LUA_TNIL {
                    lua.pop(2)
                    throw checker.fail("'\(to)' is given twice (also as '\(from)')")
                }
                lua.pop()
                lua.setField(table, to)
            } else {
                // Down the nested tables (made when missing) to the member's parent.
                let steps = [to] + members.dropLast()
                let bracketed = to + members.map { "[\($0)]" }.joined()
                let top = lua.top - 1
                lua.pushValue(at: table)
                for (depth, step) in steps.enumerated() {
                    let existing = lua.getField(-1, step)
                    if existing == LUA_TNIL {
                        lua.pop()
                        lua.newTable()
                        lua.pushValue(at: -1)
                        lua.setField(-3, step)
                    } else if existing != LUA_TTABLE {
                        let given = lua.typeName(at: -1)
                        if query[to] != nil {
                            // filter[name]= and filter[name][contains]= both: the query takes the
                            // bracketed name as it is, which one Lua table could not hold.
                            lua.pop(2)
                            lua.setField(table, bracketed)
                            break
                        }
                        lua.pop(3)
                        let dotted = steps[...depth].joined(separator: ".")
                        throw checker.fail("'\(from)' is '\(to).\(members.joined(separator: "."))', and '\(dotted)' is given as a \(given) too")
                    }
                    lua_copy(lua.state, -1, -2)
                    lua.pop()
                }
                let last = members[members.count - 1]
                if lua.top == top {  // given under its bracketed name, above
                    lua.pushNil()
                    lua.setField(table, from)
                    continue
                }
                if lua.getField(-1, last) != LUA_TNIL {
                    if query[to] != nil, (lua.type(at: -1) == LUA_TTABLE) != (lua.type(at: value) == LUA_TTABLE) {
                        lua.pop(2)
                        lua.setField(table, bracketed)
                        lua.pushNil()
                        lua.setField(table, from)
                        continue
                    }
                    lua.pop(3)
                    throw checker.fail("'\(to).\(members.joined(separator: "."))' is given twice (also as '\(from)')")
                }
                lua.pop()
                lua.pushValue(at: value)
                lua.setField(-2, last)
                lua.pop(2)
            }
            lua.pushNil()
            lua.setField(table, from)
        }
    }

    /// The path of a name the Python SDK flattens (`filter_expiring_at_gte` is
    /// `filter[expiring_at][gte]`, `page_size` is `page[size]`): the members of the object
    /// schemas in `properties` whose names, joined by `_`, make `name`; nil when none do.
    static func flattenedPath(_ name: Substring, in properties: [String: Schema], depth: Int = 0) -> [String]? {
        if depth > 0, properties[String(name)] != nil { return [String(name)] }
        guard depth < 5 else { return nil }
        var from = name.startIndex
        while let underscore = name[from...].firstIndex(of: "_") {
            let head = String(name[..<underscore])
            if let child = properties[head], child.types.contains(.object), !child.properties.isEmpty,
                let rest = flattenedPath(name[name.index(after: underscore)...], in: child.properties, depth: depth + 1)
            {
                return [head] + rest
            }
            from = name.index(after: underscore)
        }
        return nil
    }

    /// The Python SDK's one parameter for the whole body (`networks.create(network_create={...})`,
    /// `texml.accounts.calls.calls(sid, body={...})`): its members are the body's, taken as if
    /// given in the table itself.
    private func spreadBody(_ name: String, in table: Int32) throws(ParameterChecker.Failure) {
        guard lua.getField(table, name) == LUA_TTABLE else {
            lua.pop()
            return
        }
        let members = lua.absolute(-1)
        lua.pushNil()
        while lua_next(lua.state, members) != 0 {
            guard lua.type(at: -2) == LUA_TSTRING, let key = lua.toString(-2) else {
                lua.pop(3)
                throw checker.fail("the members of '\(name)' must have string names")
            }
            if lua.getField(table, key) != LUA_TNIL {
                lua.pop(4)
                throw checker.fail("'\(key)' is given twice (also in '\(name)')")
            }
            lua.pop()
            lua.pushValue(at: -2)
            lua.pushValue(at: -2)
            lua_rawset(lua.state, table)
            lua.pop()
        }
        lua.pop()
        lua.pushNil()
        lua.setField(table, name)
    }

    /// Builds the request from the normalized table at `index` (see pushNormalizedParams).
    func build(fromParamsAt index: Int32) throws(ParameterChecker.Failure) -> APIRequest {
        var request = APIRequest(method: spec.http, route: spec.route)
        let sdkPathNames = Self.sdkPathNames(spec)
        let routeName = Dictionary(sdkPathNames.map { ($0.sdk, $0.route) }, uniquingKeysWith: { first, _ in first })
        let queryProperties = spec.query?.properties ?? [:]
        let bodySchema = spec.body
        let bodyIsObject = bodySchema.map { $0.types.contains(.object) || $0.types.contains(.any) } ?? false
        let bodyProperties = bodySchema?.properties ?? [:]
        // An undescribed method sends its parameters in a body unless it is a GET, as the SDKs'
        // extra_body does (their DELETEs with parameters send JSON too).
        let sendsBody = spec.checked ? bodySchema != nil : !["GET", "HEAD"].contains(spec.http)

        lua.newTable()
        let bodyIndex = lua.top
        defer { lua.top = bodyIndex - 1 }
        var bodyCount = 0

        lua.pushNil()
        while lua_next(lua.state, index) != 0 {
            let key = lua.toString(-2)!
            let value = lua.absolute(-1)
            if let route = routeName[key] {
                request.pathParams[route] = try pathValue(at: value, name: key)
            } else if let header = spec.headerNames[key] {
                if validate, let schema = spec.headers?.properties[key] { try checker.check(value, against: schema, name: key) }
                request.headers.append((header, try pathValue(at: value, name: key)))
            } else if key == spec.bodyParam, sendsBody {
                // The whole body (call_reasons.validate's array, a key's raw value).
                if validate, let bodySchema { try checker.check(value, against: bodySchema, name: key) }
                lua.pushValue(at: -2)
                lua.pushValue(at: value)
                lua_rawset(lua.state, bodyIndex)
                bodyCount += 1
            } else if let open = key.firstIndex(of: "["), key.hasSuffix("]"), bodyProperties[key] == nil,
                !validate || queryProperties[String(key[..<open])] != nil
            {
                // A bracketed query name given as it is (`["filter[x]"] = 1`), so that both
                // filter[x]= and filter[x][y]= can be sent, which one Lua table cannot hold.
                request.query.append(try queryParameter(key, at: value, schema: nil))
            } else if let schema = queryProperties[key] {
                if validate { try checker.check(value, against: schema, name: key) }
                request.query.append(try queryParameter(key, at: value, schema: schema))
            } else if spec.checked && bodySchema != nil && (bodyProperties[key] != nil || !validate || bodySchema!.additional || bodyProperties.isEmpty) {
                if validate, let schema = bodyProperties[key] { try checker.check(value, against: schema, name: key) }
                lua.pushValue(at: -2)
                lua.pushValue(at: value)
                lua_rawset(lua.state, bodyIndex)
                bodyCount += 1
            } else if !spec.checked || !validate {
                // Not described, or not checked: where the SDKs' extra_body or extra_query puts it.
                if sendsBody {
                    lua.pushValue(at: -2)
                    lua.pushValue(at: value)
                    lua_rawset(lua.state, bodyIndex)
                    bodyCount += 1
                } else {
                    request.query.append(try queryParameter(key, at: value, schema: nil))
                }
            } else {
                lua.pop(2)
                let candidates = sdkPathNames.map(\.sdk) + (spec.query?.propertyNames ?? []) + (bodySchema?.propertyNames ?? []) + spec.headerNames.keys.sorted()
                throw checker.unknown(key, candidates: candidates)
            }
            lua.pop()
        }
        // Every missing parameter at once, not one per try.
        var missing = sdkPathNames.filter { request.pathParams[$0.route] == nil }.map(\.sdk)
        if validate, let query = spec.query {
            let given = Set(request.query.map(\.name))
            missing += query.required.sorted().filter { !given.contains($0) }
        }
        if sendsBody, validate, let bodySchema, bodyIsObject {
            for name in bodySchema.required.sorted() {
                if lua.getField(bodyIndex, name) == LUA_TNIL { missing.append(name) }
                lua.pop()
            }
        }
        if !missing.isEmpty {
            let names = missing.map { "'\($0)'" }.joined(separator: ", ")
            throw checker.fail("missing required parameter\(missing.count > 1 ? "s" : "") \(names)")
        }
        // As the SDKs: a method the spec describes with a body sends one (`{}` when empty); one
        // it does not describe, or whose body is one SDK parameter (body_spread), sends a body
        // only when given something to put in it.
        if sendsBody, bodyCount > 0 || (spec.checked && (spec.bodyRequired || (spec.http != "GET" && spec.bodySpread == nil))) {
            request.body = try body(at: bodyIndex, schema: bodySchema)
        }
        // Sent first: the SDK has them in the route (`/documents?content-type=multipart`).
        request.query.insert(contentsOf: spec.fixedQuery.map { QueryParameter(name: $0.0, value: .string($0.1)) }, at: 0)
        return request
    }

    private func pathValue(at index: Int32, name: String) throws(ParameterChecker.Failure) -> String {
        let text: String
        switch lua.type(at: index) {
        case LUA_TSTRING: text = lua.toString(index)!
        case LUA_TNUMBER:
            if let number = lua.toNumber(index), !lua.isInteger(index), !number.isFinite {
                throw checker.fail("parameter '\(name)' must be a string, got \(number)")
            }
            text = lua.isInteger(index) ? String(lua.toInteger(index)!) : lua.describe(index)
        default:
            throw checker.fail("parameter '\(name)' must be a string, got \(lua.typeName(at: index))")
        }
        if text.isEmpty { throw checker.fail("expected a non-empty value for '\(name)'") }
        return text
    }

    private func queryParameter(_ name: String, at index: Int32, schema: Schema?) throws(ParameterChecker.Failure) -> QueryParameter {
        let value: JSONValue
        do {
            let bytes = try LuaJSONEncoder.encode(lua, at: index, root: name)
            value = try JSONValue.parse(bytes)
        } catch {
            throw checker.fail("\(error)")
        }
        let isTable = lua.type(at: index) == LUA_TTABLE
        let style: QueryParameter.Style
        switch schema?.style {
        case .some(.deepObject): style = .deepObject
        case .some(.form): style = .form
        default: style = isTable && value.objectValue != nil ? .deepObject : .form
        }
        return QueryParameter(name: name, value: value, style: style, explode: schema?.explode ?? true)
    }

    private func body(at index: Int32, schema: Schema?) throws(ParameterChecker.Failure) -> RequestBody {
        if let name = spec.bodyParam {
            lua.getField(index, name)
            defer { lua.pop() }
            if spec.contentType == "application/octet-stream" {
                guard lua.type(at: -1) == LUA_TSTRING, let bytes = lua.toBytes(-1) else {
                    throw checker.fail("parameter '\(name)' (the raw body) must be a string, got \(lua.typeName(at: -1))")
                }
                return .raw(Array(bytes), contentType: "application/octet-stream")
            }
            if lua.type(at: -1) != LUA_TNIL {
                do {
                    return .json(try LuaJSONEncoder.encode(lua, at: lua.absolute(-1), root: name, hint: schema))
                } catch {
                    throw checker.fail("\(error)")
                }
            }
        }
        if spec.contentType == "multipart/form-data" {
            return .multipart(try MultipartFields(lua: lua, method: spec.fullName).parts(fromTableAt: index))
        }
        do {
            return .json(try LuaJSONEncoder.encode(lua, at: index, root: "params", hint: schema))
        } catch {
            throw checker.fail("\(error)")
        }
    }
}

extension Schema: JSONShapeHint {
    public var wantsArray: Bool { types.contains(.array) && !types.contains(.object) }
    public func member(_ name: String) -> JSONShapeHint? { properties[name] }
    public var element: JSONShapeHint? { items }
}
