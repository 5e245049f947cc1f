#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns an `APIRequest` into a URL and body bytes, the way the official SDKs do. Pure functions,
/// no I/O except reading upload files, so every rule is checked before anything is sent.
public enum RequestEncoding {
    /// The full URL: base + route with path parameters filled in + the query string. A route that
    /// is already an absolute URL (a pagination `next` link) is used as it is.
    public static func url(
        baseURL: String, route: String, pathParams: [String: String], query: [QueryParameter]
    ) throws(TelnyxError) -> String {
        let path = try renderPath(route, params: pathParams)
        var url: String
        if path.hasPrefix("http://") || path.hasPrefix("https://") {
            url = path
        } else {
            var base = baseURL
            while base.hasSuffix("/") { base.removeLast() }
            url = base + (path.hasPrefix("/") ? path : "/" + path)
        }
        let queryString = encodeQuery(query)
        if !queryString.isEmpty { url += (url.contains("?") ? "&" : "?") + queryString }
        return url
    }

    /// Replaces each `{name}` in `route` with the percent-encoded parameter. A missing or empty
    /// value is a validation error: sending `/phone_numbers/` would hit a different endpoint.
    public static func renderPath(_ route: String, params: [String: String]) throws(TelnyxError) -> String {
        // Over the UTF-8 bytes: searching and concatenating by Characters cost about 11k
        // instructions per call (docs/benchmarks.md).
        let bytes = Array(route.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 48)
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "{"), let close = bytes[i...].firstIndex(of: UInt8(ascii: "}")) else {
                out.append(bytes[i])
                i += 1
                continue
            }
            let name = String(decoding: bytes[(i + 1)..<close], as: UTF8.self)
            guard let value = params[name], !value.isEmpty else {
                throw .validation("expected a non-empty value for '\(name)'")
            }
            // "." and ".." would be dot-segments that a server normalising paths resolves to
            // another resource; encoded, they are plain values.
            if value == "." || value == ".." {
                for _ in value.utf8 { out.append(contentsOf: "%2E".utf8) }
            } else {
                appendPercentEncoded(value, keeping: pathKept, to: &out)
            }
            i = close + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// What a path segment keeps as it is besides the unreserved set: RFC 3986's other `pchar`s
    /// (sub-delims, `:` and `@`), as the official SDKs send them (`/calls/v3:abc/...`). `/`, `?`,
    /// `#`, `%` and spaces are still encoded, so an id never changes which resource is addressed.
    public static let pathKept = Set("!$&'()*+,;=:@".utf8)

    /// RFC 3986 percent-encoding keeping only the unreserved set (`A-Z a-z 0-9 - . _ ~`), so a `/`
    /// or `?` inside an ID can never change which resource is addressed.
    public static func percentEncode(_ text: String, keeping extra: Set<UInt8> = []) -> String {
        var out: [UInt8] = []
        appendPercentEncoded(text, keeping: extra, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendPercentEncoded(_ text: String, keeping extra: Set<UInt8>, to out: inout [UInt8]) {
        // Ids are mostly unreserved throughout: copied whole.
        let copied = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard bytes.allSatisfy(isUnreserved) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied == true { return }
        let hex: StaticString = "0123456789ABCDEF"
        for byte in text.utf8 {
            if isUnreserved(byte) || extra.contains(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex.utf8Start[Int(byte >> 4)])
                out.append(hex.utf8Start[Int(byte & 0x0F)])
            }
        }
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// The query as unencoded `(key, value)` pairs, matching the Telnyx Python SDK's `_qs.py`:
    /// objects nest in brackets (`filter[phone_number][contains]`) whatever the style; arrays
    /// inside an object join with commas (the Telnyx client sets `array_format="comma"`), as do
    /// top-level `form` arrays with `explode: false`, while exploded ones repeat the key; booleans
    /// are `true`/`false`; nulls and empty strings are omitted (`_qs` drops empty values).
    public static func queryPairs(_ query: [QueryParameter]) -> [(String, String)] {
        queryItems(query).map { ($0.0, $0.1.joined(separator: ",")) }
    }

    // Each item's value is a list: more than one means items joined by (literal) commas, so that
    // a comma inside an item is still encoded as `%2C`.
    static func queryItems(_ query: [QueryParameter]) -> [(String, [String])] {
        var pairs: [(String, [String])] = []
        for parameter in query {
            if case .array(let items) = parameter.value, parameter.explode {
                for item in items { flatten(key: parameter.name, value: item, into: &pairs) }
            } else {
                flatten(key: parameter.name, value: parameter.value, into: &pairs)
            }
        }
        return pairs
    }

    /// The encoded query string (without `?`). Brackets are percent-encoded as `%5B`/`%5D`, as
    /// httpx sends them; the commas joining array items stay literal.
    public static func encodeQuery(_ query: [QueryParameter]) -> String {
        queryItems(query).map { key, values in
            "\(percentEncode(key))=\(values.map { percentEncode($0) }.joined(separator: ","))"
        }.joined(separator: "&")
    }

    private static func flatten(key: String, value: JSONValue, into pairs: inout [(String, [String])]) {
        switch value {
        case .null:
            return
        case .object(let members):
            // Sorted so the same table always gives the same URL (Lua tables have no order).
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                flatten(key: "\(key)[\(name)]", value: member, into: &pairs)
            }
        case .array(let items):
            let parts = items.compactMap(scalarText).filter { !$0.isEmpty }
            if !parts.isEmpty { pairs.append((key, parts)) }
        default:
            if let text = scalarText(value), !text.isEmpty { pairs.append((key, [text])) }
        }
    }

    private static func scalarText(_ value: JSONValue) -> String? {
        switch value {
        case .null: return nil
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return number.description
        case .string(let text): return text
        case .array, .object: return value.jsonString
        }
    }

    /// A fresh boundary: random, and checked against the data so no part can contain it.
    public static func makeBoundary(for parts: [MultipartPart]) -> String {
        while true {
            var generator = SystemRandomNumberGenerator()
            let token = (0..<24).map { _ in String(UInt8.random(in: 0...35, using: &generator), radix: 36) }.joined()
            let boundary = "telnyx-lua-\(token)"
            let needle = Array(boundary.utf8)
            if !parts.contains(where: { contains($0.data, needle) }) { return boundary }
        }
    }

    /// A `multipart/form-data` body (RFC 7578) with the given boundary.
    public static func encodeMultipart(_ parts: [MultipartPart], boundary: String) -> [UInt8] {
        var out: [UInt8] = []
        // Sized once: an upload can be large, and a growing array would hold it twice.
        out.reserveCapacity(parts.reduce(boundary.utf8.count + 8) { $0 + $1.data.count + $1.name.utf8.count + 256 + boundary.utf8.count })
        for part in parts {
            out += Array("--\(boundary)\r\n".utf8)
            var disposition = "Content-Disposition: form-data; name=\"\(quoteFormName(part.name))\""
            if let filename = part.filename { disposition += "; filename=\"\(quoteFormName(filename))\"" }
            out += Array("\(disposition)\r\n".utf8)
            if let type = part.contentType { out += Array("Content-Type: \(type)\r\n".utf8) }
            out += Array("\r\n".utf8)
            out += part.data
            out += Array("\r\n".utf8)
        }
        out += Array("--\(boundary)--\r\n".utf8)
        return out
    }

    // The HTML form encoding of names in Content-Disposition: quote, CR and LF escaped.
    private static func quoteFormName(_ name: String) -> String {
        name.replacingAll("\"", with: "%22").replacingAll("\r", with: "%0D").replacingAll("\n", with: "%0A")
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        for i in 0...(haystack.count - needle.count) where haystack[i] == first {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}

/// Reads a whole file for an upload; a failure is a validation error naming the path and reason.
func readFile(at path: String) throws(TelnyxError) -> [UInt8] {
    guard let file = fopen(path, "rb") else {
        throw .validation("cannot read file '\(path)': \(String(cString: strerror(errno)))")
    }
    defer { fclose(file) }
    var data: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if count > 0 { data.append(contentsOf: chunk[0..<count]) }
        if count < chunk.count {
            if ferror(file) != 0 { throw .validation("cannot read file '\(path)': read error") }
            return data
        }
    }
}
