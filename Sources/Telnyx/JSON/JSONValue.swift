/// A JSON document as a Swift value. Integers that fit 64 bits stay integers (`1` never becomes
/// `1.0`); numbers with a fraction or an exponent are doubles.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses JSON text; throws `JSONError` naming the byte offset of the first problem.
    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = JSONParserLimits.maxDepth) throws -> JSONValue {
        var sink = JSONValueBuilder()
        let parsed: Void? = try bytes.withContiguousStorageIfAvailable { buffer in
            var parser = JSONParser(buffer, maxDepth: maxDepth)
            try parser.parseDocument(into: &sink)
        }
        if parsed == nil {
            let copy = Array(bytes)
            try copy.withUnsafeBufferPointer { buffer in
                var parser = JSONParser(buffer, maxDepth: maxDepth)
                try parser.parseDocument(into: &sink)
            }
        }
        return sink.result
    }

    /// Parses JSON text given as a Swift string.
    public static func parse(_ text: String) throws -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// The compact JSON text of this value.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        writer.write(self)
        return writer.bytes
    }

    /// The compact JSON text of this value, as a string.
    public var jsonString: String { String(decoding: jsonBytes, as: UTF8.self) }

    /// The member `key` of an object, or nil for a missing member or a non-object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The element at `index` of an array, or nil.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The value as an integer: an int, or a double without a fraction.
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.2e18: return Int64(d)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

/// Builds a `JSONValue` tree from parser events.
struct JSONValueBuilder: JSONSink {
    private var stack: [JSONValue] = []
    private var keys: [String] = []

    var result: JSONValue { stack.last ?? .null }

    mutating func null() { stack.append(.null) }
    mutating func bool(_ value: Bool) { stack.append(.bool(value)) }
    mutating func int(_ value: Int64) { stack.append(.int(value)) }
    mutating func double(_ value: Double) { stack.append(.double(value)) }
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) {
        stack.append(.string(String(decoding: bytes, as: UTF8.self)))
    }
    mutating func beginArray() { stack.append(.array([])) }
    mutating func arrayElement(index: Int) {
        let element = stack.removeLast()
        guard case .array(var items) = stack.removeLast() else { return }
        items.append(element)
        stack.append(.array(items))
    }
    mutating func endArray(count: Int) {}
    mutating func beginObject() { stack.append(.object([:])) }
    mutating func key(_ bytes: UnsafeBufferPointer<UInt8>) { keys.append(String(decoding: bytes, as: UTF8.self)) }
    mutating func objectMember() {
        let value = stack.removeLast()
        guard case .object(var members) = stack.removeLast() else { return }
        members[keys.removeLast()] = value
        stack.append(.object(members))
    }
    mutating func endObject(count: Int) {}
}
