import Telnyx

/// A record schema, resolved once: its properties, whether it accepts properties it does not
/// list, and its concrete form compiled for generation. A record is its generated part (drawn
/// from the record's seed) with the record's own fields laid over it: every own field the
/// schema lists and that fits it, and any other own field when the schema is open.
struct RecordShape: Sendable {
    let properties: [String: JSONValue]
    let open: Bool
    let plan: GenerationPlan

    /// The shape of `schema`, compiled by `factory`.
    init(_ schema: JSONValue, _ factory: ResponseFactory) {
        let flat = factory.concrete(schema)
        properties = flat["properties"]?.objectValue ?? [:]
        open = flat["additionalProperties"] != nil && flat["additionalProperties"] != .bool(false)
        plan = factory.plan(flat)
    }

    /// The own fields that are laid over the generated part, in JSONWriter's key order.
    func overlay(_ fields: [String: JSONValue], _ factory: ResponseFactory) -> [(key: String, value: JSONValue)] {
        fields.filter { key, value in
            if let property = properties[key] { return factory.fits(value, property) }
            return open
        }.sorted { JSONWriter.precedes($0.key, $1.key) }
    }

    /// The record whose generated part is `generated`.
    func record(generated: JSONValue, fields: [String: JSONValue], _ factory: ResponseFactory) -> JSONValue {
        guard case .object(var out) = generated else { return .object(fields) }
        for (key, value) in overlay(fields, factory) { out[key] = value }
        return .object(out)
    }

    /// Writes `record(generated:fields:)` for the generated part drawn from `base`, the same
    /// bytes, without building the record: generated members are written as they are drawn,
    /// and the own fields merged in by key (a replaced member is still drawn, so the ones
    /// after it get the same numbers).
    func write(base: UInt64, fields: [String: JSONValue], _ factory: ResponseFactory, into out: inout JSONWriter) {
        var rng = SplitMix(base)
        guard case .object(let members, bytesInOrder: true) = plan else {
            out.write(record(generated: plan.run(&rng, factory), fields: fields, factory))
            return
        }
        let own = overlay(fields, factory)
        var next = 0
        var first = true
        func writeOwn(_ field: (key: String, value: JSONValue)) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.writeString(field.key)
            out.append(UInt8(ascii: ":"))
            out.write(field.value)
        }
        out.append(UInt8(ascii: "{"))
        for member in members {
            while next < own.count, JSONWriter.precedes(own[next].key, member.key) {
                writeOwn(own[next])
                next += 1
            }
            if next < own.count, own[next].key == member.key {
                writeOwn(own[next])
                next += 1
                _ = member.plan.run(&rng, factory)
                continue
            }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.bytes.append(contentsOf: member.keyJSON)
            member.plan.write(&rng, factory, into: &out)
        }
        while next < own.count {
            writeOwn(own[next])
            next += 1
        }
        out.append(UInt8(ascii: "}"))
    }
}
