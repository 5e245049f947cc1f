import Telnyx

/// The `filter[...]` query parameters of list endpoints, applied to a record's fields.
///
/// `filter[tag]=a` matches records whose `tags` contain "a", `filter[number_type]` tests
/// `phone_number_type`; `filter[phone_number]=555` (and
/// `[contains]`, `[eq]`, `[starts_with]`, `[ends_with]`) match on the number's text; other keys
/// compare equal to the field of the same name. Filters on fields a record does not carry are
/// ignored, as the API ignores filters it does not know.
enum Filters {
    /// Filter keys whose record field has another name.
    static let fields = ["tag": "tags", "number_type": "phone_number_type"]

    /// The record field a filter key tests.
    static func field(_ key: String) -> String { fields[key] ?? key }

    static func matches(_ record: [String: JSONValue], _ filter: [String: JSONValue]) -> Bool {
        for (key, condition) in filter {
            let field = field(key)
            guard let value = record[field] else { continue }
            if !test(value, condition, containsByDefault: key.contains(text: "phone_number")) { return false }
        }
        return true
    }

    private static func test(_ value: JSONValue, _ condition: JSONValue, containsByDefault: Bool) -> Bool {
        switch condition {
        case .object(let ops):
            for (op, operand) in ops {
                guard let wanted = text(operand) else { continue }
                switch op {
                case "eq": if !compare(value, { $0 == wanted }) { return false }
                case "contains": if !compare(value, { $0.contains(text: wanted) }) { return false }
                case "starts_with": if !compare(value, { $0.hasPrefix(wanted) }) { return false }
                case "ends_with": if !compare(value, { $0.hasSuffix(wanted) }) { return false }
                default: continue
                }
            }
            return true
        case .array(let options):
            return options.contains { test(value, $0, containsByDefault: containsByDefault) }
        default:
            guard let wanted = text(condition) else { return true }
            // A comma list means "any of" (filter[status]=active,deleted).
            let choices = wanted.split(separator: ",").map(String.init)
            return compare(value) { candidate in
                choices.contains { containsByDefault ? candidate.contains(text: $0) : candidate == $0 }
            }
        }
    }

    /// Applies `predicate` to a scalar's text, or to any element of an array.
    private static func compare(_ value: JSONValue, _ predicate: (String) -> Bool) -> Bool {
        if case .array(let items) = value { return items.contains { compare($0, predicate) } }
        return text(value).map(predicate) ?? false
    }

    private static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b): return String(b)
        default: return nil
        }
    }
}
