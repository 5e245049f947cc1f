import NIOConcurrencyHelpers
import Telnyx

/// What the store made of a request.
enum StoreOutcome: Sendable {
    case body(JSONValue)
    /// A JSON body already written (a page, whose records are written straight into it).
    case written([UInt8])
    case noContent
    case notFound(String)
    /// A query the list cannot serve (a page number or cursor out of range): 400.
    case invalid(parameter: String, detail: String)
}

/// The stateful part of the sandbox: the collections of the seed areas, and the generated
/// read-only lists of every other paginated method. One lock guards the overlay; rendering
/// (the expensive part) happens outside it on a snapshot of the record's fields.
final class Store: Sendable {
    /// How many records each collection other than phone numbers starts with.
    static let defaultSeedCount = 25

    private let factory: ResponseFactory
    private let seed: UInt64
    private let phoneNumbers: Int
    /// Collection key -> the record field holding the id.
    private let idFields: [String: String]
    /// Collection key -> the schema of a record (the retrieve's, else the list item's).
    private let recordSchemas: [String: JSONValue]
    private let collections: NIOLockedValueBox<[String: Collection]>
    /// Generated parts of answers, kept so requests do not regenerate them.
    private let cache = RenderCache()
    /// Counts the changes to the store (creations, updates, deletions, resets), so that answers
    /// kept by `AnswerCache` are dropped when anything changes.
    private let changes = NIOLockedValueBox(0)

    /// The number of changes made so far.
    var version: Int { changes.withLockedValue { $0 } }

    /// Counts one change; called while the collections' lock is held, so a reader that saw the
    /// change also sees the count.
    private func changed() { changes.withLockedValue { $0 += 1 } }

    init(factory: ResponseFactory, seed: UInt64, phoneNumbers: Int, bound: [(Endpoint, Binding)]) {
        self.factory = factory
        self.seed = seed
        self.phoneNumbers = phoneNumbers
        var idFields: [String: String] = [:]
        var schemas: [String: JSONValue] = [:]
        // Retrieves first: their schema is the fullest description of a record.
        for (endpoint, binding) in bound.sorted(by: { ($0.1.action == .retrieve ? 0 : 1) < ($1.1.action == .retrieve ? 0 : 1) }) {
            guard binding.action == .retrieve || binding.action == .list, schemas[binding.collection] == nil,
                let schema = Self.recordSchema(endpoint, factory)
            else { continue }
            schemas[binding.collection] = schema
            let props = factory.flatten(schema)["properties"]?.objectValue ?? [:]
            let candidates = [binding.idParam, "id", "sid"].compactMap { $0 }
            idFields[binding.collection] = candidates.first { props[$0] != nil } ?? binding.idParam ?? "id"
        }
        // Collections with neither retrieve nor list (a call's SIPREC sessions, its streams) still
        // need the field their creates and updates name the record by, or a created id is lost.
        for (endpoint, binding) in bound where idFields[binding.collection] == nil && binding.action != nil {
            guard let schema = Self.recordSchema(endpoint, factory) else { continue }
            let props = factory.flatten(schema)["properties"]?.objectValue ?? [:]
            if let field = [binding.idParam, "sid", "id"].compactMap({ $0 }).first(where: { props[$0] != nil }) {
                idFields[binding.collection] = field
            }
        }
        self.idFields = idFields
        self.recordSchemas = schemas
        self.collections = NIOLockedValueBox([:])
    }

    /// The schema of one record in an endpoint's response: `data`, a list's items, or the body.
    static func recordSchema(_ endpoint: Endpoint, _ factory: ResponseFactory) -> JSONValue? {
        guard let response = factory.responses[endpoint.fullName] else { return nil }
        // A `oneOf` list or record renders as its first variant: one shape for every item.
        var schema = factory.concrete(response)
        for key in ["data", "log_messages", "records", "queues"] + (endpoint.itemsKey.map { [$0] } ?? []) {
            if let inner = factory.member(schema, key) {
                schema = factory.concrete(inner)
                break
            }
        }
        if factory.typeName(schema) == "array", let items = schema["items"] { schema = factory.concrete(items) }
        return factory.typeName(schema) == "object" ? schema : nil
    }

    /// Whether `key` is a collection the store knows (so ids in it can be checked).
    func knows(_ key: String) -> Bool { recordSchemas[key] != nil }

    /// Runs `body` on the collection, creating it (seeded, nothing stored) on first use.
    private func withCollection<T>(_ key: String, _ body: (inout Collection) -> T) -> T {
        collections.withLockedValue { all in
            if all[key] == nil { all[key] = makeCollection(key) }
            return body(&all[key]!)
        }
    }

    /// Lists whose records are settings of another collection's records, under the same ids:
    /// an id from `phone_numbers.voice.list()` works in `phone_numbers.voice.update(id, ...)`.
    static let idViews = ["/phone_numbers/voice": "/phone_numbers", "/phone_numbers/messaging": "/phone_numbers"]

    private func makeCollection(_ key: String) -> Collection {
        let isNumbers = (Store.idViews[key] ?? key) == "/phone_numbers"
        let count = isNumbers ? phoneNumbers : Store.defaultSeedCount
        let props = recordSchemas[key].flatMap { factory.flatten($0)["properties"]?.objectValue } ?? [:]
        let connections = Collection(key: "/external_connections", seed: seed, seedCount: Store.defaultSeedCount, idField: "id") { _ in [:] }
        let statuses = props["status"].flatMap { factory.flatten($0)["enum"]?.arrayValue?.filter { !$0.isNull } } ?? []
        let active = statuses.firstIndex(of: "active") ?? 0
        let numberBase = Self.numberBase(seed)
        // The cheap fields lists filter on; derived from the index, never stored.
        let light: @Sendable (Int) -> [String: JSONValue] = { index in
            var out: [String: JSONValue] = [:]
            if props["phone_number"] != nil { out["phone_number"] = .string("+1" + String(numberBase + Int64(index))) }
            if props["tags"] != nil { out["tags"] = .array([.string("tag-\(index % 5)")]) }
            if props["connection_id"] != nil { out["connection_id"] = .string(connections.seededID(index % Store.defaultSeedCount)) }
            if !statuses.isEmpty { out["status"] = statuses[index % 7 == 6 ? (active + 1) % statuses.count : active] }
            return out
        }
        return Collection(key: key, idKey: Store.idViews[key], seed: seed, seedCount: count, idField: idFields[key] ?? "id", light: light)
    }

    /// A request's fields under the record's own names: TeXML takes `From` and `To` and
    /// answers `from` and `to`, so a field the record lacks is stored under its snake_case
    /// name when the record has that one (a call made from +1312... reads back from +1312...).
    private func recordFields(_ fields: [String: JSONValue], key: String) -> [String: JSONValue] {
        guard let schema = recordSchemas[key], let props = factory.flatten(schema)["properties"]?.objectValue else { return fields }
        var out = fields
        for (name, value) in fields where props[name] == nil {
            var snake = ""
            for c in name {
                if c.isUppercase, !snake.isEmpty { snake += "_" }
                snake += c.lowercased()
            }
            if props[snake] != nil, out[snake] == nil { out[snake] = value }
        }
        return out
    }

    /// Answers a stateful endpoint, or nil when it only needed its parents checked.
    func handle(
        endpoint: Endpoint, binding: Binding, params: [String: String], query: QueryString, body: JSONValue?, path: String
    ) -> StoreOutcome? {
        for (param, key) in binding.parents where knows(key) {
            guard let id = params[param] else { continue }
            if withCollection(key, { $0.slot(of: id) }) == nil { return .notFound("\(param) '\(id)' was not found") }
        }
        guard let action = binding.action else { return nil }
        let key = binding.collection
        var fields = recordFields(body?.objectValue ?? [:], key: key)
        if let jobType = binding.jobType { fields = Self.newJob(type: jobType, request: fields) }
        let id = binding.idParam.flatMap { params[$0] }
        switch action {
        case .list:
            do {
                return .written(try list(endpoint, key: key, query: query, path: path))
            } catch {
                return .invalid(parameter: error.parameter, detail: error.detail)
            }
        case .create, .createAt:
            let idField = idFields[key] ?? "id"
            let given = id ?? fields[idField]?.stringValue
            let slot = withCollection(key) { collection in
                changed()
                return collection.create(id: given ?? collection.nextCreatedID(), fields: fields)
            }
            return item(endpoint, key: key, slot: slot)
        case .retrieve, .update, .delete:
            guard let id else { return .notFound("no id") }
            let found: Collection.Slot? = withCollection(key) { collection in
                guard let slot = collection.slot(of: id) else { return nil }
                if action == .update {
                    collection.update(slot, with: fields)
                    changed()
                }
                if action == .retrieve, let next = Self.nextJobStatus(collection.fields(slot)) {
                    collection.update(slot, with: ["status": .string(next)])
                    changed()
                }
                return slot
            }
            guard let slot = found else { return .notFound("\(binding.idParam ?? "id") '\(id)' was not found") }
            let answer = item(endpoint, key: key, slot: slot)
            if action == .delete {
                withCollection(key) { collection in
                    collection.delete(slot)
                    changed()
                }
            }
            if case .none = endpoint.result { return .noContent }
            return answer
        }
    }

    /// The stored fields of a new batch job: its type, "pending", and one successful operation
    /// per phone number of the request.
    static func newJob(type: String, request: [String: JSONValue]) -> [String: JSONValue] {
        let numbers = (request["phone_numbers"]?.arrayValue ?? []).compactMap(\.stringValue)
        let operations: [JSONValue] = numbers.map { .object(["id": .string($0), "phone_number": .string($0)]) }
        return ["type": .string(type), "status": .string("pending"), "successful_operations": .array(operations),
                "failed_operations": .array([])]
    }

    /// A batch job moves on one step each time it is retrieved: pending, in_progress, completed.
    static func nextJobStatus(_ fields: [String: JSONValue]) -> String? {
        guard fields["successful_operations"] != nil else { return nil }
        switch fields["status"]?.stringValue {
        case "pending": return "in_progress"
        case "in_progress": return "completed"
        default: return nil
        }
    }

    /// Record `slot` of collection `key` under the schema known as `schemaName`: generated from
    /// the record's seed, then its own fields laid over where the schema allows them.
    private func render(_ key: String, _ slot: Collection.Slot, schema: JSONValue, as schemaName: String) -> JSONValue {
        let (fields, base) = withCollection(key) { ($0.fields(slot), $0.baseSeed(slot)) }
        let shape = cache.shape(schema, as: schemaName, factory)
        let generated = cache.record(schemaName, base: base) {
            var rng = SplitMix(base)
            return shape.plan.run(&rng, factory)
        }
        return shape.record(generated: generated, fields: fields, factory)
    }

    private func item(_ endpoint: Endpoint, key: String, slot: Collection.Slot) -> StoreOutcome {
        guard let response = factory.responses[endpoint.fullName] else {
            return .body(["data": render(key, slot, schema: recordSchemas[key] ?? .object([:]), as: "record " + key)])
        }
        let flat = factory.flatten(response)
        if let data = factory.member(flat, "data") {
            // The envelope around `data` is the same for every record of the endpoint.
            let generated = cache.value("envelope " + endpoint.fullName) {
                var rng = SplitMix(seed)
                return factory.generate(flat, rng: &rng)
            }
            var envelope = generated.objectValue ?? [:]
            envelope["data"] = render(key, slot, schema: data, as: endpoint.fullName + " data")
            return .body(.object(envelope))
        }
        return .body(render(key, slot, schema: flat, as: endpoint.fullName))
    }

    private func list(
        _ endpoint: Endpoint, key: String, query: QueryString, path: String
    ) throws(Pagination.OutOfRange) -> [UInt8] {
        let itemSchema = Self.recordSchema(endpoint, factory) ?? .object([:])
        let itemName = endpoint.fullName + " items"
        let scheme: String
        switch endpoint.result {
        case .page(let name): scheme = name
        case .texml: scheme = "texml"
        default: scheme = "DefaultFlatPagination"
        }
        var window = try Pagination.window(scheme: scheme, query: query)
        if case .json = endpoint.result {
            // Not paginated (`media.list`): the whole collection, or a creation could fall off the end.
            window = Pagination.Window(offset: 0, size: max(withCollection(key) { $0.count }, 1), number: 1)
        }
        let filter = query.nested["filter"]?.objectValue ?? [:]
        var slots: [Collection.Slot] = []
        let total: Int
        if filter.isEmpty {
            total = withCollection(key) { collection in
                for position in window.offset..<(window.offset + window.size) {
                    guard let slot = collection.slot(at: position) else { break }
                    slots.append(slot)
                }
                return collection.count
            }
        } else {
            // Small collections filter on whole records; big ones (phone numbers) on the light
            // fields, so a filtered walk of a million numbers generates nothing it drops, unless
            // a filter names a field the light ones lack: then whole records, slower but right.
            let (small, bigMatches) = withCollection(key) { collection -> ([Collection.Slot], (Int, [Collection.Slot])?) in
                let light = collection.seedCount > 0 ? Set(collection.fields(.seeded(0)).keys) : []
                guard collection.seedCount > 1000, filter.keys.allSatisfy({ light.contains(Filters.field($0)) }) else {
                    return (Array(collection.allSlots), nil)
                }
                var matched = 0
                var page: [Collection.Slot] = []
                for slot in collection.allSlots where Filters.matches(collection.fields(slot), filter) {
                    if matched >= window.offset && page.count < window.size { page.append(slot) }
                    matched += 1
                }
                return ([], (matched, page))
            }
            if let (matched, page) = bigMatches {
                slots = page
                total = matched
            } else {
                var matched = 0
                for slot in small where Filters.matches(render(key, slot, schema: itemSchema, as: itemName).objectValue ?? [:], filter) {
                    if matched >= window.offset && slots.count < window.size { slots.append(slot) }
                    matched += 1
                }
                total = matched
            }
        }
        let response = factory.responses[endpoint.fullName].map { factory.flatten($0) } ?? .object([:])
        // The page around the items is the same for every page of the endpoint.
        let template = cache.value("page " + endpoint.fullName) {
            var rng = SplitMix(stableHash(seed, endpoint.fullName))
            return factory.generate(response, rng: &rng)
        }
        let nextSchema = response["properties"]?["next_page_uri"].map { factory.flatten($0) }
        let frame = Pagination.page(
            scheme: scheme, itemsKey: endpoint.itemsKey, template: template, itemCount: slots.count, window: window,
            total: total, path: path, query: query, nullableNext: nextSchema?["nullable"] == .bool(true))
        // The records are written straight into the page (RecordShape.write), never built.
        let shape = cache.shape(itemSchema, as: itemName, factory)
        let records = withCollection(key) { collection in slots.map { (collection.fields($0), collection.baseSeed($0)) } }
        func writeItems(_ out: inout JSONWriter) {
            out.append(UInt8(ascii: "["))
            for (i, record) in records.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                shape.write(base: record.1, fields: record.0, factory, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        var out = JSONWriter()
        if let itemsKey = frame.itemsKey, let body = frame.body.objectValue {
            out.writeObject(body, replacing: itemsKey, with: writeItems)
        } else {
            writeItems(&out)
        }
        return out.bytes
    }

    /// The id of seeded record `index` of collection `key`, or nil when the store keeps no
    /// such collection (or it has fewer seeds).
    func seededID(_ key: String, index: Int) -> String? {
        guard knows(key) else { return nil }
        return withCollection(key) { index < $0.seedCount ? $0.seededID(index) : nil }
    }

    /// For the simulation: record `id` of collection `key` rendered (own fields over generated).
    func record(_ key: String, id: String) -> [String: JSONValue]? {
        guard let schema = recordSchemas[key], let slot = withCollection(key, { $0.slot(of: id) }) else { return nil }
        return render(key, slot, schema: schema, as: "record " + key).objectValue
    }

    /// The first seeded phone number is `+1` and this plus the index.
    static func numberBase(_ seed: UInt64) -> Int64 { 2_000_000_000 + Int64(seed % 900) * 1_000_000 }

    /// For the simulation: the own fields of the phone number record of `number`. A seeded
    /// number is found from its digits; only changed and created records are searched, so a
    /// million seeded numbers cost nothing per lookup.
    func phoneNumberFields(_ number: String) -> [String: JSONValue]? {
        withCollection("/phone_numbers") { collection in
            let matches: ([String: JSONValue]) -> Bool = { $0["phone_number"]?.stringValue == number }
            if number.hasPrefix("+1"), let value = Int64(number.dropFirst(2)) {
                let index = value - Self.numberBase(seed)
                if index >= 0, index < Int64(collection.seedCount),
                    let slot = collection.slot(of: collection.seededID(Int(index))),
                    case let fields = collection.fields(slot), matches(fields)
                {
                    return fields
                }
            }
            for slot in collection.changes.keys {
                guard collection.slot(of: collection.fields(slot)[collection.idField]?.stringValue ?? "") == slot else { continue }
                let fields = collection.fields(slot)
                if matches(fields) { return fields }
            }
            return nil
        }
    }

    /// Forgets every change: the collections are rebuilt from their seeds on next use.
    func reset() {
        collections.withLockedValue { all in
            all.removeAll()
            changed()
        }
    }
}
