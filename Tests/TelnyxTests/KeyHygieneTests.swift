import Testing

@testable import Telnyx

/// Keys with a stray newline or control character, as they come from files and copy-paste:
/// trimmed or refused where they are loaded, never sent, never quoted in any form; and numbers
/// from outside that once trapped when converted to integers.
@Suite struct KeyHygieneTests {
    /// Keys whose every byte, and every escaped form, must stay out of all output.
    static let badKeys = [
        "KEYinner\nNEWLINE_0123456789", "KEYwith\u{1}SOH_0123456789", "KEYwith\rCR_0123456789",
        "KEYwith\u{7F}DEL_0123456789", "KEYwith space_0123456789", "KEYwith\ttab_0123456789",
        "KEYzero\u{0}width_0123456789", "KEYline\u{2028}sep_0123456789",
    ]

    /// The pieces of `key` long enough to identify it (its runs of letters and digits).
    static func pieces(_ key: String) -> [String] {
        key.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init).filter { $0.count >= 5 }
    }

    @Test func theEnvironmentKeyIsTrimmedOrRefusedNamingItsSource() {
        let trimmed = ClientOptions.fromEnvironment(["TELNYX_API_KEY": "  \(testKey)\r\n"])
        #expect(trimmed.apiKey == testKey)
        #expect(trimmed.apiKeyProblem == nil)
        for key in Self.badKeys {
            let options = ClientOptions.fromEnvironment(["TELNYX_API_KEY": key + "\n"])
            #expect(options.apiKey == nil, "\(key.debugDescription)")
            let problem = options.apiKeyProblem ?? ""
            #expect(problem == "TELNYX_API_KEY contains a control character" || problem == "TELNYX_API_KEY contains whitespace",
                    "\(problem)")
            for piece in Self.pieces(key) { #expect(!problem.contains(piece)) }
            #expect(!options.description.contains("NEWLINE"))
        }
        let blank = ClientOptions.fromEnvironment(["TELNYX_API_KEY": "\n\t "])
        #expect(blank.apiKey == nil && blank.apiKeyProblem == "TELNYX_API_KEY is empty")
    }

    @Test func configFileProfilesRecordTheProblemWithTheProfileAndPath() throws {
        let file = try ConfigFile.parse("[default]\napi_key = \"KEYa\u{1}b_0123456789\"\n[ok]\napi_key = \" \(testKey) \"\n", path: "/cfg.toml")
        var options = ClientOptions()
        try file.apply(profile: "default", to: &options)
        #expect(options.apiKey == nil)
        #expect(options.apiKeyProblem == "api_key of profile 'default' in /cfg.toml contains a control character")
        try file.apply(profile: "ok", to: &options)
        #expect(options.apiKey == testKey)
        #expect(options.apiKeyProblem == nil)
    }

    /// Whatever path the key took into the options, nothing is sent and nothing is quoted.
    @Test(arguments: badKeys) func aKeyThatCannotBeSentIsNeverSentNorQuoted(_ key: String) async throws {
        // Set directly (an embedder's ClientOptions), through a per-call override, and loaded.
        var loaded = ClientOptions()
        loaded.setAPIKey(key, source: "the test's key")
        let routes: [(configure: (inout ClientOptions) -> Void, overrides: RequestOptions?)] = [
            ({ $0.apiKey = key }, nil),
            ({ _ in }, RequestOptions(apiKey: key)),
            ({ $0.apiKey = loaded.apiKey; $0.apiKeyProblem = loaded.apiKeyProblem }, nil),
        ]
        for (configure, overrides) in routes {
            try await withServer(configure: configure) { server, client, _ in
                let error = try #require(await sendError(client, listNumbers, options: overrides))
                #expect(error.kind == .authentication)
                #expect(server.count == 0, "nothing may be sent")
                let shown = "\(error) \(error.message) \(String(describing: error))"
                for piece in Self.pieces(key) { #expect(!shown.contains(piece), "\(shown)") }
            }
        }
    }

    /// A header value the HTTP library refuses (here a default header, which no key check
    /// sees) comes back as an error naming the problem, without the value in any form.
    @Test func aRefusedHeaderValueIsNeverEchoedInTheError() async throws {
        let secret = "SECRETheader\nVALUE_0123456789"
        try await withServer(maxRetries: 0, configure: { $0.defaultHeaders = [("X-Secret", secret)] }) { server, client, _ in
            let error = try #require(await sendError(client, listNumbers))
            #expect(error.kind == .connection)
            #expect(error.message == "Request not sent: header X-Secret has a name or value that cannot be sent.", "\(error.message)")
            #expect(server.count == 0)
            for piece in Self.pieces(secret) { #expect(!error.message.contains(piece), "\(error.message)") }
        }
    }

    @Test func theRedactorMasksEscapedAndEncodedForms() {
        let key = "KEYab\ncd\u{1}ef/g+h=ij"
        let redactor = Redactor(secrets: [key])
        let forms = [
            key, String(key.debugDescription.dropFirst().dropLast()),  // Swift: \n, \u{01}
            #"KEYab\ncd\u0001ef/g+h=ij"#, #"KEYab\ncd\u0001ef\/g+h=ij"#,
            "KEYab%0Acd%01ef%2Fg%2Bh%3Dij", "KEYab%0acd%01ef%2fg%2bh%3dij", "KEYab\\\ncd\\1ef/g+h=ij",
        ]
        for form in forms {
            let masked = redactor.redact("before \(form) after")
            #expect(masked == "before \(Redactor.mask) after", "\(form.debugDescription) -> \(masked.debugDescription)")
        }
        // A key with a trailing newline is masked also where only its trimmed part shows.
        #expect(Redactor(secrets: [testKey + "\n"]).redact("Bearer \(testKey)") == "Bearer \(Redactor.mask)")
        // Values under four characters stay unmasked, so short secrets cannot mangle text.
        #expect(Redactor(secrets: ["a\n"]).redact("a\\n") == "a\\n")
    }

    @Test func hugeTimeoutsAndServerNumbersAreClampedNotTrapped() async throws {
        #expect(Clamp.milliseconds(1e300) == Int64(Clamp.maxSeconds * 1000))
        #expect(Clamp.milliseconds(.infinity) == Int64(Clamp.maxSeconds * 1000))
        #expect(Clamp.milliseconds(-.infinity) == 1)
        #expect(Clamp.milliseconds(.nan) == 1)
        // A request with a 1e300 s timeout and connect timeout goes out and comes back.
        try await withServer(timeout: 1e300, configure: { $0.connectTimeout = 1e300 }) { server, client, _ in
            _ = try await client.send(listNumbers)
            #expect(server.count == 1)
        }
        // A server's Retry-After date far in the future or past parses without trapping.
        for date in ["Sun, 06 Nov 99999999999 08:49:37 GMT", "Sun, 06 Nov 2024 99999999999:49:37 GMT",
                     "Sun, 06 Nov -9223372036854775807 08:49:37 GMT"]
        {
            _ = RetryPolicy.parseHTTPDate(date)
        }
        #expect(Transport.format(1e300) == "1e+300")
    }
}

private typealias Transport = HTTPTransport
