import TelnyxLua

extension SandboxHarness {
    /// The error `code` raises, as (type, message): an error table's fields, or ("string", text)
    /// for a plain error; ("none", "no error") when it raises nothing.
    func caught(_ code: String) async throws -> (type: String, message: String) {
        let r = try await run("""
            local ok, e = pcall(function() \(code) end)
            if ok then return "none", "no error" end
            if type(e) == "table" then return tostring(e.type), tostring(e.message) end
            return "string", tostring(e)
            """)
        return (r.first?.stringValue ?? "?", r.dropFirst().first?.stringValue ?? "?")
    }

    /// The value of a Lua expression, as a string (`tostring`).
    func text(_ code: String) async throws -> String {
        try await run(code).first?.stringValue ?? "(not a string)"
    }
}

/// Runs `body` with a fresh sandbox, stopping it however `body` ends.
func withSandbox<T>(_ body: (SandboxHarness) async throws -> T) async throws -> T {
    let h = try await SandboxHarness.start()
    do {
        let result = try await body(h)
        await h.stop()
        return result
    } catch {
        await h.stop()
        throw error
    }
}
