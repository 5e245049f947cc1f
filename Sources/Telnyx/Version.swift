/// The version of telnyx-lua, sent in the `User-Agent` header and shown by `telnyx-lua -v`.
public enum TelnyxVersion {
    public static let string = "0.1.0"
    public static let userAgent = "telnyx-lua/\(string)"
}
