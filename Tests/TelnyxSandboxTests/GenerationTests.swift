import Telnyx
import Testing

@testable import TelnyxSandbox

/// Generated values: the compiled plans (GenerationPlan) and the text forms records carry.
@Suite struct GenerationTests {
    /// The plain spelling the fast writers replaced: `String(radix:)`, padded and sliced.
    private static func referenceHex(_ value: UInt64, width: Int) -> String {
        let digits = String(value, radix: 16)
        return digits.count >= width ? String(digits.suffix(width)) : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func referenceUUID(_ high: UInt64, _ low: UInt64) -> String {
        let h = referenceHex(high, width: 16)
        let l = referenceHex(low, width: 16)
        let variant = Array("89ab")[Int(low >> 62)]
        return "\(h.prefix(8))-\(h.dropFirst(8).prefix(4))-4\(h.suffix(3))-\(variant)\(l.prefix(3))-\(l.suffix(12))"
    }

    @Test func hexAndUUIDTextMatchTheirPlainSpelling() {
        var rng = SplitMix(7)
        let edges: [UInt64] = [0, 1, 0xF, 0x10, UInt64.max, UInt64.max >> 1, 1 << 63, 0x0123_4567_89AB_CDEF]
        for value in edges + (0..<500).map({ _ in rng.next() }) {
            for width in [1, 2, 3, 6, 8, 12, 16, 20] {
                #expect(hex(value, width: width) == Self.referenceHex(value, width: width), "\(value) width \(width)")
            }
            let low = rng.next()
            #expect(uuidString(value, low) == Self.referenceUUID(value, low))
        }
        #expect(uuidString(0, 0) == "00000000-0000-4000-8000-000000000000")
        #expect(uuidString(.max, .max) == "ffffffff-ffff-4fff-bfff-ffffffffffff")
    }

    @Test func datesAreISO8601() {
        #expect(isoDateTime(0) == "1970-01-01T00:00:00.000Z")
        #expect(isoDateTime(1_704_067_200) == "2024-01-01T00:00:00.000Z")
        #expect(isoDateTime(1_709_210_096) == "2024-02-29T12:34:56.000Z")
        #expect(isoDateTime(253_402_300_799) == "9999-12-31T23:59:59.000Z")
        #expect(isoDateTime(-1) == "1969-12-31T23:59:59.000Z")
        #expect(isoDateTime(-62_135_596_800 - 86_400) == "0-12-31T00:00:00.000Z")  // year 0: not padded
        #expect(isoDate(days: 19_723) == "2024-01-01")
        #expect(isoDate(days: 2_932_897) == "10000-01-01")
    }

    /// Every response schema of the catalog compiles to a small plan (variants compile when
    /// first tried: compiling them all up front took gigabytes on one schema), and what it
    /// generates is valid against the schema and follows from the seed alone.
    @Test func everyResponsePlanIsSmallValidAndDeterministic() throws {
        let factory = ResponseFactory(document: Catalog.responseSchemas())
        #expect(factory.responses.count > 500)
        var largest = (name: "", nodes: 0)
        for (name, schema) in factory.responses.sorted(by: { $0.key < $1.key }) {
            let plan = factory.plan(schema)
            let nodes = Self.nodes(plan)
            if nodes > largest.nodes { largest = (name, nodes) }
            var first = SplitMix(stableHash(1, name))
            var second = SplitMix(stableHash(1, name))
            let value = plan.run(&first, factory)
            #expect(value == plan.run(&second, factory), "\(name): the same seed gave two values")
            #expect(first.state == second.state)
            #expect(factory.conforms(value, schema), "\(name): generated a body its schema refuses")
            // Written straight from the plan: the bytes of the built value, the same draws.
            var third = SplitMix(stableHash(1, name))
            var written = JSONWriter()
            plan.write(&third, factory, into: &written)
            #expect(Self.text(written.bytes) == Self.json(value), "\(name): the plan wrote other bytes than it built")
            #expect(third.state == first.state)
        }
        #expect(largest.nodes < 20_000, "\(largest.name) compiled to \(largest.nodes) nodes")
    }

    @Test func variantsFallBackToTheFirstWhenNoneConforms() {
        // Neither variant's value is valid against the whole, which wants a boolean: the first
        // variant's value, drawn on a copy, so the generator is left as it was.
        let schema: JSONValue = .object([
            "type": "boolean",
            "oneOf": .array([.object(["type": "integer"]), .object(["type": "string", "format": "uuid"])]),
        ])
        let factory = ResponseFactory(document: .object([:]))
        var rng = SplitMix(3)
        let value = factory.generate(schema, rng: &rng)
        #expect(value.intValue != nil)
        #expect(rng.state == SplitMix(3).state)
        // One that conforms is kept, and its draws are kept too.
        let valid: JSONValue = .object(["oneOf": .array([.object(["type": "string", "format": "uuid"])])])
        let uuid = factory.generate(valid, rng: &rng)
        #expect(uuid.stringValue?.count == 36)
        #expect(rng.state != SplitMix(3).state)
    }

    /// A record written straight into a page is the record built and then written: own fields
    /// merged in key order before, between and after the generated members, a field that does
    /// not fit its property left out, an unlisted one kept only when the schema is open.
    @Test func recordsWriteWhatTheyBuild() throws {
        let factory = ResponseFactory(document: Catalog.responseSchemas())
        let fields: [String: JSONValue] = [
            "0first": "zero", "b": .int(2), "c": "not an integer", "id": "own-id", "zz": .array([true]),
            "é": "non-ASCII", "a": "own a", "phone_number": "+15550001", "tags": .array(["x"]), "status": .null,
        ]
        var shapes: [(String, JSONValue)] = []
        for open in [false, true] {
            shapes.append(("open \(open)", .object([
                "type": "object", "additionalProperties": .bool(open),
                "properties": .object([
                    "a": .object(["type": "string"]), "c": .object(["type": "integer"]),
                    "d": .object(["type": "string", "format": "uuid"]), "zy": .object(["type": "boolean"]),
                ]),
            ])))
        }
        for (name, response) in factory.responses.sorted(by: { $0.key < $1.key }) {
            if let data = factory.member(factory.flatten(response), "data") { shapes.append((name, data)) }
        }
        var overlaid = 0
        for (name, schema) in shapes {
            let shape = RecordShape(schema, factory)
            for base in [UInt64(1), 99] {
                var rng = SplitMix(base)
                let built = shape.record(generated: shape.plan.run(&rng, factory), fields: fields, factory)
                var written = JSONWriter()
                shape.write(base: base, fields: fields, factory, into: &written)
                #expect(Self.text(written.bytes) == Self.json(built), "\(name): the written record differs from the built one")
                if case .object(let members) = built, members["a"] == "own a" || members["id"] == "own-id" { overlaid += 1 }
            }
        }
        #expect(overlaid > 100, "too few schemas took an own field to test the merge")
        // The hand-made schemas: "c" does not fit, "b" and the rest are unlisted.
        let closed = RecordShape(shapes[0].1, factory)
        #expect(closed.overlay(fields, factory).map(\.key) == ["a"])
        let open = RecordShape(shapes[1].1, factory)
        #expect(open.overlay(fields, factory).map(\.key) == ["0first", "a", "b", "id", "phone_number", "status", "tags", "zz", "é"])
    }

    private static func json(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        writer.write(value)
        return text(writer.bytes)
    }

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    private static func nodes(_ plan: GenerationPlan) -> Int {
        switch plan {
        case .object(let members, _): return 1 + members.reduce(0) { $0 + nodes($1.plan) }
        case .array(_, let item): return 1 + nodes(item)
        case .variants(let plans, _): return 1 + plans.count
        default: return 1
        }
    }
}
