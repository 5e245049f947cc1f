import CTelnyxCatalog

/// One-line descriptions of the methods' parameters, from the spec (generated apart from the
/// catalog by scripts/generate-catalog; the catalog is parsed at the first call, these only when
/// help asks). Names are dotted as help shows them: `filter.tag`, `voice.connection_id`.
public enum ParameterDocs {
    /// The descriptions of method `fullName`'s parameters, by dotted name (empty when none).
    public static func of(_ fullName: String) -> [String: String] {
        all[fullName] ?? [:]
    }

    /// Every method's, parsed once on first use (about half a megabyte of text).
    private static let all: [String: [String: String]] = {
        var length = 0
        guard let pointer = telnyx_parameter_docs_text(&length) else { return [:] }
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: length)
        var out: [String: [String: String]] = [:]
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let entry = try? JSONValue.parse(line), let method = entry["method"]?.stringValue,
                case .object(let parameters)? = entry["parameters"]
            else { continue }
            out[method] = parameters.compactMapValues(\.stringValue)
        }
        return out
    }()
}
