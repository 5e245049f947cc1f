import NIOConcurrencyHelpers
import Telnyx

/// A response schema compiled for generation: every decision `ResponseFactory.generate` takes
/// from the schema alone (which keyword wins, which members and in what order, which form a
/// string takes, an integer's range) is taken once, so rendering a record only draws random
/// numbers and builds values.
///
/// Interpreting the schema for every record (resolving references, merging `allOf`, looking
/// keywords up by name, sorting members) was two thirds of the sandbox's time per page
/// (docs/benchmarks.md, issue 18). A plan draws the same numbers in the same order as that
/// interpretation did, so the same seed still gives the same bytes.
indirect enum GenerationPlan: Sendable {
    /// A `const`, a value that draws nothing (an integer's example), or `null`.
    case value(JSONValue)
    /// `oneOf`/`anyOf`: each variant is tried in order with its own copy of the generator; the
    /// first result valid against `whole` wins, else the first result, drawing nothing.
    case variants([LazyPlan], whole: JSONValue)
    /// `enum`: one of the non-null values.
    case pick([JSONValue])
    /// Members in sorted order (the order their values are drawn in). `bytesInOrder`: that
    /// order is also JSONWriter's (UTF-8 byte) order, so `write` can emit them as drawn.
    case object([Member], bytesInOrder: Bool)
    case array(count: Int, item: GenerationPlan)
    /// `low + below(span)`, as an integer or (for `number`) plus one half.
    case integer(low: Int64, span: Int, isDouble: Bool)
    case boolean
    case string(StringForm, minLength: Int?, maxLength: Int?)
    /// Past `ResponseFactory.maxPlanDepth`: compiled when (if ever) reached, so a schema that
    /// requires itself compiles in bounded time.
    case deferred(LazyPlan)

    /// An object member: its name, its plan, and its name as JSON text with the colon.
    struct Member: Sendable {
        let key: String
        let plan: GenerationPlan
        let keyJSON: [UInt8]

        init(key: String, plan: GenerationPlan) {
            self.key = key
            self.plan = plan
            var writer = JSONWriter()
            writer.writeString(key)
            writer.append(UInt8(ascii: ":"))
            keyJSON = writer.bytes
        }
    }

    /// How a generated string is made.
    enum StringForm: Sendable {
        case constant(String)
        case uuid, dateTime, date, email, uri, ipv4, hostname, phoneNumber
        /// `<label>-<6 hex digits>`.
        case labelled(String)
    }

    /// A value valid against the compiled schema, drawn from `rng`.
    func run(_ rng: inout SplitMix, _ factory: ResponseFactory) -> JSONValue {
        switch self {
        case .value(let value):
            return value
        case .variants(let plans, let whole):
            var fallback: JSONValue?
            for plan in plans {
                var attempt = rng
                let candidate = plan.compiled(factory).run(&attempt, factory)
                if fallback == nil { fallback = candidate }
                if factory.conforms(candidate, whole) {
                    rng = attempt
                    return candidate
                }
            }
            return fallback ?? .null
        case .pick(let values):
            return values[rng.below(values.count)]
        case .object(let members, _):
            var out = [String: JSONValue](minimumCapacity: members.count)
            for member in members { out[member.key] = member.plan.run(&rng, factory) }
            return .object(out)
        case .array(let count, let item):
            var items: [JSONValue] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(item.run(&rng, factory)) }
            return .array(items)
        case .integer(let low, let span, let isDouble):
            let value = low + Int64(rng.below(span))
            return isDouble ? .double(Double(value) + 0.5) : .int(value)
        case .boolean:
            return .bool(rng.next() & 1 == 1)
        case .string(let form, let minLength, let maxLength):
            return .string(form.make(&rng, minLength: minLength, maxLength: maxLength))
        case .deferred(let plan):
            return plan.compiled(factory).run(&rng, factory)
        }
    }

    /// Writes what `run` returns, drawing the same numbers, as `JSONWriter.write` would write
    /// it, without building it: a page's records are written straight from their plans, since
    /// building, sorting and freeing each record's dictionaries was most of a page's time
    /// (docs/benchmarks.md, issue 18). Variants, enums and constants build their value.
    func write(_ rng: inout SplitMix, _ factory: ResponseFactory, into out: inout JSONWriter) {
        switch self {
        case .object(let members, bytesInOrder: true):
            out.append(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.bytes.append(contentsOf: member.keyJSON)
                member.plan.write(&rng, factory, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let count, let item):
            out.append(UInt8(ascii: "["))
            for i in 0..<count {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(&rng, factory, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .integer(let low, let span, let isDouble):
            let value = low + Int64(rng.below(span))
            if isDouble { out.writeDouble(Double(value) + 0.5) } else { out.writeInt(value) }
        case .boolean:
            out.writeBool(rng.next() & 1 == 1)
        case .string(let form, let minLength, let maxLength):
            out.writeString(form.make(&rng, minLength: minLength, maxLength: maxLength))
        case .deferred(let plan):
            plan.compiled(factory).write(&rng, factory, into: &out)
        case .value, .variants, .pick, .object:
            out.write(run(&rng, factory))
        }
    }
}

/// A plan compiled the first time it runs. Variants are compiled this way because compiling
/// every variant of every nested `oneOf` up front multiplies (one catalog schema took gigabytes),
/// while generation mostly takes the first.
final class LazyPlan: Sendable {
    private let schema: JSONValue
    private let name: String
    private let depth: Int
    private let plan = NIOLockedValueBox<GenerationPlan?>(nil)

    init(_ schema: JSONValue, name: String, depth: Int) {
        self.schema = schema
        self.name = name
        self.depth = depth
    }

    func compiled(_ factory: ResponseFactory) -> GenerationPlan {
        if let known = plan.withLockedValue({ $0 }) { return known }
        let made = factory.plan(schema, name: name, depth: depth)
        plan.withLockedValue { $0 = made }
        return made
    }
}

extension GenerationPlan.StringForm {
    /// The string, padded with "x" to `minLength` and cut to `maxLength`.
    func make(_ rng: inout SplitMix, minLength: Int?, maxLength: Int?) -> String {
        var text = make(&rng)
        if let minLength, text.count < minLength {
            text += String(repeating: "x", count: minLength - text.count)
        }
        if let maxLength, text.count > maxLength {
            text = String(text.prefix(maxLength))
        }
        return text
    }

    func make(_ rng: inout SplitMix) -> String {
        switch self {
        case .constant(let text): return text
        case .uuid: return uuidString(rng.next(), rng.next())
        case .dateTime: return isoDateTime(1_704_067_200 + Int64(rng.below(31_536_000)))
        case .date: return isoDate(days: 19_723 + Int64(rng.below(365)))
        case .email: return "user\(rng.below(10_000))@example.com"
        case .uri: return "https://example.com/\(hex(rng.next(), width: 8))"
        case .ipv4: return "192.0.2.\(rng.below(254) + 1)"
        case .hostname: return "host\(rng.below(1000)).example.com"
        case .phoneNumber: return "+1" + String(2_000_000_000 + Int64(rng.below(7_999_999_999)))
        case .labelled(let label): return label + "-" + hex(rng.next(), width: 6)
        }
    }
}

extension ResponseFactory {
    /// Deeper than this, a plan stops compiling and interprets on demand: only a schema that
    /// requires itself recursively gets there, and generating it would not end either.
    static let maxPlanDepth = 24

    /// `schema` (met as member `name`, `depth` levels down) compiled for generation.
    func plan(_ schema: JSONValue, name: String = "", depth: Int = 0) -> GenerationPlan {
        let s = flatten(schema)
        if let constant = s["const"] { return .value(constant) }
        if let variants = (s["oneOf"] ?? s["anyOf"])?.arrayValue, !variants.isEmpty {
            // Variants in order (the first is the documented one), each generated alone with the
            // parent's own properties it does not define itself; the first result valid against
            // the whole schema wins. Variants overlap or conflict with the parent often enough
            // that merging blindly produced bodies matching no variant.
            let plans = variants.filter { resolve($0)["type"]?.stringValue != "null" }.map { variant in
                LazyPlan(merged(variant, into: s), name: name, depth: depth)
            }
            return .variants(plans, whole: s)
        }
        if let values = s["enum"]?.arrayValue {
            let usable = values.filter { !$0.isNull }
            if !usable.isEmpty { return .pick(usable) }
        }
        switch typeName(s) {
        case "object": return objectPlan(s, depth: depth)
        case "array": return arrayPlan(s, name: name, depth: depth)
        case "integer": return integerPlan(s, isDouble: false)
        case "number": return integerPlan(s, isDouble: true)
        case "boolean": return .boolean
        case "null": return .value(.null)
        default:
            return .string(stringForm(s, name: name), minLength: s["minLength"]?.intValue.map(Int.init),
                           maxLength: s["maxLength"]?.intValue.map(Int.init))
        }
    }

    /// The plan of an object member or array item: compiled now, or when first run once past
    /// `maxPlanDepth`.
    private func memberPlan(_ schema: JSONValue, name: String, depth: Int) -> GenerationPlan {
        depth < Self.maxPlanDepth ? plan(schema, name: name, depth: depth) : .deferred(LazyPlan(schema, name: name, depth: depth))
    }

    private func objectPlan(_ s: JSONValue, depth: Int) -> GenerationPlan {
        let required = Set((s["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        // Optional members stop a few levels down: the schemas are recursive in places.
        let optional = depth < 5
        let members = (s["properties"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }).filter { key, _ in
            // An optional top-level `errors` would make a success look like a failure.
            (optional || required.contains(key)) && !(depth == 0 && key == "errors" && !required.contains(key))
        }
        let plans = members.map { GenerationPlan.Member(key: $0.key, plan: memberPlan($0.value, name: $0.key, depth: depth + 1)) }
        let bytesInOrder = zip(plans, plans.dropFirst()).allSatisfy { JSONWriter.precedes($0.key, $1.key) }
        return .object(plans, bytesInOrder: bytesInOrder)
    }

    private func arrayPlan(_ s: JSONValue, name: String, depth: Int) -> GenerationPlan {
        var count = max(depth < 4 ? 1 : 0, Int(s["minItems"]?.intValue ?? 0))
        if let maximum = s["maxItems"]?.intValue { count = min(count, Int(maximum)) }
        guard count > 0 else { return .value(.array([])) }
        return .array(count: count, item: memberPlan(s["items"] ?? .object([:]), name: name, depth: depth + 1))
    }

    private func integerPlan(_ s: JSONValue, isDouble: Bool) -> GenerationPlan {
        let low = s["minimum"]?.doubleValue.map { Int64($0.rounded(.up)) } ?? 1
        let high = s["maximum"]?.doubleValue.map { Int64($0.rounded(.down)) } ?? max(low, 1) + 99
        let fixed: Int64?
        if let example = s["example"]?.intValue, example >= low, example <= high {
            fixed = example
        } else if high <= low {
            fixed = low
        } else {
            fixed = nil
        }
        if let fixed { return .value(isDouble ? .double(Double(fixed) + 0.5) : .int(fixed)) }
        return .integer(low: low, span: Int(min(high - low + 1, 1_000_000)), isDouble: isDouble)
    }

    private func stringForm(_ s: JSONValue, name: String) -> GenerationPlan.StringForm {
        let format = s["format"]?.stringValue ?? ""
        switch format {
        case "uuid": return .uuid
        case "date-time": return .dateTime
        case "date": return .date
        case "email": return .email
        case "uri", "url", "uri-reference": return .uri
        case "ipv4": return .ipv4
        case "hostname": return .hostname
        case "binary", "byte": return .constant("AAAA")
        default:
            let isIdentifier = name == "id" || name.hasSuffix("_id")
            if let example = s["example"]?.stringValue, !isIdentifier { return .constant(example) }
            if name.contains(text: "phone_number") || name == "to" || name == "from" || name == "number"
                || format == "e164" || format == "phone"
            {
                return .phoneNumber
            }
            if name.hasSuffix("_at") { return .dateTime }
            if isIdentifier { return .uuid }
            return .labelled(name.isEmpty ? "value" : name)
        }
    }
}
