import Testing

/// Each checking rule, with its exact message; checks happen before anything is sent.
@Suite struct CheckingTests {
    static let app = "friendly_name = 'a', voice_url = 'https://example.com/x'"

    /// The ValidationError message `call` raises.
    func rejection(_ h: SandboxHarness, _ call: String) async throws -> String {
        let (type, message) = try await h.caught(call)
        #expect(type == "ValidationError", "\(call): \(type) \(message)")
        return message
    }

    @Test func everyRuleHasItsMessage() async throws {
        try await withSandbox { h in
            try await h.resetLog()
            let cases: [(String, String)] = [
                ("telnyx.phone_numbers.list{filtr = {}}:first()",
                 "phone_numbers.list: unknown parameter 'filtr' (did you mean 'filter'?)"),
                ("telnyx.phone_numbers.list{zzzzzzzzzz = 1}:first()", "phone_numbers.list: unknown parameter 'zzzzzzzzzz'"),
                ("telnyx.phone_numbers.list{filter = {tagg = 'x'}}:first()",
                 "phone_numbers.list: unknown parameter 'filter.tagg' (did you mean 'filter.tag'?)"),
                ("telnyx.texml_applications.create{voice_url = 'https://example.com/x'}",
                 "texml_applications.create: missing required parameter 'friendly_name'"),
                ("telnyx.texml_applications.create{}",
                 "texml_applications.create: missing required parameters 'friendly_name', 'voice_url'"),
                ("telnyx.texml_applications.create{\(Self.app), dtmf_type = 'RFC2833'}",
                 "texml_applications.create: parameter 'dtmf_type' must be one of \"RFC 2833\", \"Inband\", \"SIP INFO\"; got \"RFC2833\" (did you mean \"RFC 2833\"?)"),
                ("telnyx.phone_numbers.retrieve()", "phone_numbers.retrieve: missing required parameter 'id' (the first argument)"),
                ("telnyx.phone_numbers.retrieve('')", "phone_numbers.retrieve: expected a non-empty value for 'id'"),
                ("telnyx.texml_applications.create{friendly_name = 5, voice_url = 'https://example.com/x'}",
                 "texml_applications.create: parameter 'friendly_name' must be a string, got integer 5"),
                ("telnyx.phone_numbers.list{page = {number = 'x'}}:first()",
                 "phone_numbers.list: parameter 'page.number' must be an integer, got string \"x\""),
                ("telnyx.texml_applications.create{\(Self.app), first_command_timeout_secs = 1.5}",
                 "texml_applications.create: parameter 'first_command_timeout_secs' must be an integer, got number 1.5"),
                ("telnyx.texml_applications.create{\(Self.app), active = 'yes'}",
                 "texml_applications.create: parameter 'active' must be a boolean, got string \"yes\""),
                ("telnyx.texml_applications.create{\(Self.app), tags = 't'}",
                 "texml_applications.create: parameter 'tags' must be an array (a list), got string \"t\""),
                ("telnyx.texml_applications.create{\(Self.app), inbound = 5}",
                 "texml_applications.create: parameter 'inbound' must be an object (a table with string keys), got integer 5"),
                ("telnyx.texml_applications.create{\(Self.app), inbound = {1, 2}}",
                 "texml_applications.create: parameter 'inbound' must be an object (a table with string keys), got an array"),
                ("telnyx.texml_applications.create{\(Self.app), dtmf_type = 'X'}",
                 "texml_applications.create: parameter 'dtmf_type' must be one of \"RFC 2833\", \"Inband\", \"SIP INFO\"; got \"X\""),
                ("telnyx.phone_numbers.list{[1] = 'x'}:first()",
                 "phone_numbers.list: parameter names must be strings, got a number key"),
                ("telnyx.phone_numbers.retrieve('x', 5)",
                 "phone_numbers.retrieve: the second argument must be a table of parameters, got number"),
                ("telnyx.texml.accounts.calls.retrieve('CA1')",
                 "texml.accounts.calls.retrieve: missing required parameter 'account_sid'"),
            ]
            for (call, message) in cases {
                #expect(try await rejection(h, call) == message, "\(call)")
            }
            // Nothing was sent for any of them.
            #expect(try await h.requests()["requests"]?.arrayValue?.count == 0)
        }
    }

    @Test func validateFalseLetsAWrongCallThroughToTheSandbox() async throws {
        try await withSandbox { h in
            try await h.resetLog()
            let r = try await h.run("""
                telnyx.configure{validate = false}
                local ok, e = pcall(telnyx.texml_applications.create, {bogus = 1})
                return ok, e.type, e.status, e.errors[1].code, e.errors[1].source.pointer, tostring(e), e.message,
                  e.request_id == nil or type(e.request_id) == "string", getmetatable(e).__name
                """)
            #expect(r[0] == .boolean(false))
            #expect(r[1].stringValue == "UnprocessableEntityError")
            #expect(r[2] == .integer(422))
            #expect(r[3].stringValue == "10004")
            #expect(r[4].stringValue == "/friendly_name")
            #expect(r[5].stringValue == "UnprocessableEntityError: " + (r[6].stringValue ?? "-"))
            #expect(r[7] == .boolean(true))
            #expect(r[8].stringValue == "telnyx.Error")
            let logged = try await h.requests()["requests"]?.arrayValue ?? []
            #expect(logged.count == 1)
            #expect(logged.first?["path"]?.stringValue == "/texml_applications")
            #expect(logged.first?["body"]?.stringValue == "{\"bogus\":1}")
            #expect(logged.first?["status"] == .int(422))
        }
    }

    @Test func configureAndWithOptionsNameTheBadOption() async throws {
        try await withSandbox { h in
            let cases: [(String, String)] = [
                ("telnyx.configure{timout = 1}", "telnyx.configure: unknown option 'timout' (did you mean 'timeout'?)"),
                ("telnyx.configure{timeout = -1}", "telnyx.configure: 'timeout' must be a positive number of seconds"),
                ("telnyx.configure{api_key = 5}", "telnyx.configure: 'api_key' must be a non-empty string, got number"),
                ("telnyx.configure{max_retries = 1000}", "telnyx.configure: 'max_retries' must be a whole number from 0 to 100"),
                ("telnyx.configure{headers = {X = 1}}", "telnyx.configure: 'headers' must map header names to strings"),
                ("telnyx.configure(5)", "telnyx.configure: expected a table of options"),
                ("telnyx.with_options{retries = 1}",
                 "telnyx.with_options: unknown option 'retries' (options: timeout, max_retries, headers, api_key, base_url)"),
                ("telnyx.with_options{timeout = 'soon'}", "telnyx.with_options: 'timeout' must be a positive number of seconds"),
            ]
            for (code, message) in cases {
                let (type, text) = try await h.caught(code)
                #expect(type == "string" && text.hasSuffix(message), "\(code): \(text)")
                // The position is the caller's line, not the runtime's.
                #expect(text.hasPrefix("test:1: "), "\(code): \(text)")
            }
        }
    }
}
