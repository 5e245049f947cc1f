import Telnyx
import Testing

@testable import TelnyxLua

/// Every public function of the `telnyx` table called with the wrong kinds of value: each call
/// either does the documented thing or raises an error that names the function or the
/// parameter; none crashes the host, sends a request, or leaves the host unusable.
@Suite("Bad input at the Lua entry points")
struct BadInputTests {
    /// Builds the bad values, calls every entry point with each, and returns one line per call
    /// (`name<TAB>label<TAB>ok|err<TAB>message`), then the result of healthy calls made after.
    static let script = #"""
        local deep = {}
        for _ = 1, 100000 do deep = {deep} end
        local cyclic = {}
        cyclic[1] = cyclic
        cyclic.self = cyclic
        local values = {
          {"nil", nil}, {"integer", 42}, {"float", 3.5}, {"boolean", true}, {"string", "text"},
          {"function", function() end}, {"userdata", io.stdout}, {"coroutine", coroutine.create(print)},
          {"deep", deep}, {"cyclic", cyclic}, {"huge", string.rep("x", 10 * 1024 * 1024)},
          {"nan", 0 / 0}, {"negative", -1},
        }
        local function fn() end
        local T = telnyx
        local entries = {
          {"telnyx.json.encode", function(v) return T.json.encode(v) end},
          {"telnyx.json.decode", function(v) return T.json.decode(v) end},
          {"telnyx.array", function(v) return T.array(v) end},
          {"telnyx.configure", function(v) return T.configure(v) end},
          {"telnyx.configure{timeout}", function(v) return T.configure{timeout = v} end},
          {"telnyx.configure{api_key}", function(v) T.configure{api_key = v} T.configure{api_key = "KEY_TEST"} end},
          {"telnyx.configure{headers}", function(v) return T.configure{headers = v} end},
          {"telnyx.with_options", function(v) return T.with_options(v) end},
          {"telnyx.with_options{max_retries}", function(v) return T.with_options{max_retries = v}.balance.retrieve() end},
          {"telnyx.describe", function(v) return T.describe(v) end},
          {"telnyx.help", function(v) return T.help(v) end},
          {"telnyx.file", function(v) return T.file(v) end},
          {"telnyx.spawn", function(v) return T.spawn(v) end},
          {"telnyx.gather", function(v) return T.gather(v) end},
          {"telnyx.map(list)", function(v) return T.map(v, fn) end},
          {"telnyx.map(fn)", function(v) return T.map({1}, v) end},
          {"telnyx.map(options)", function(v) return T.map({1}, fn, v) end},
          {"telnyx.sleep", function(v) return T.sleep(v) end},
          {"telnyx.balance.retrieve", function(v) return T.balance.retrieve(v) end},
          {"telnyx.phone_numbers.retrieve", function(v) return T.phone_numbers.retrieve(v) end},
          {"telnyx.phone_numbers.update", function(v) return T.phone_numbers.update("id-1", v) end},
          {"telnyx.phone_numbers.update{tags}", function(v) return T.phone_numbers.update("id-1", {tags = v}) end},
          {"telnyx.phone_numbers.list", function(v) return T.phone_numbers.list(v) end},
          {"telnyx.phone_numbers.list{filter}", function(v) return T.phone_numbers.list{filter = v}:first() end},
        }
        local lines = {}
        for _, entry in ipairs(entries) do
          for _, pair in ipairs(values) do
            local label, value = pair[1], pair[2]
            -- A whole number would really sleep that long; the scheduler's own checks are the point.
            if not (entry[1] == "telnyx.sleep" and (label == "integer" or label == "float")) then
              local ok, err = pcall(entry[2], value)
              -- An error table names its method in `method` when the message does not.
              local message = ok and "" or tostring(type(err) == "table"
                and (err.type .. ": " .. tostring(err.message) .. " [method " .. tostring(err.method) .. "]") or err)
              lines[#lines + 1] = table.concat({entry[1], label, ok and "ok" or "err",
                (message:gsub("[\t\n]", " ")):sub(1, 300)}, "\t")
            end
          end
        end
        -- The host is still fine: JSON, the catalog and a real call all work.
        local after = telnyx.json.encode{a = {1, 2}} .. " " .. telnyx.describe("balance.retrieve").name
          .. " " .. tostring(telnyx.balance.retrieve().data.ok)
        return table.concat(lines, "\n"), after
        """#

    /// Calls that may succeed, by entry point: the values each one legitimately accepts.
    static let accepted: [String: Set<String>] = [
        "telnyx.json.encode": ["nil", "integer", "float", "boolean", "string", "huge", "negative"],
        "telnyx.array": ["nil", "deep", "cyclic"],
        "telnyx.configure{timeout}": ["nil", "integer", "float"],
        "telnyx.configure{api_key}": ["nil", "string", "huge"],
        "telnyx.configure{headers}": ["nil"],
        "telnyx.with_options{max_retries}": ["nil", "integer"],
        "telnyx.spawn": ["function"],
        "telnyx.gather": ["function"],  // spawned as a task, as docs/scripting.md shows
        "telnyx.map(list)": ["deep", "cyclic"],
        "telnyx.map(fn)": ["function"],
        "telnyx.map(options)": ["nil", "deep", "cyclic"],
        "telnyx.balance.retrieve": ["nil"],
        "telnyx.phone_numbers.retrieve": ["integer", "float", "string", "negative"],
        "telnyx.phone_numbers.update": ["nil"],
        "telnyx.phone_numbers.update{tags}": ["nil"],
        "telnyx.phone_numbers.list": ["nil"],
        "telnyx.phone_numbers.list{filter}": ["nil"],
    ]

    /// What an error from each entry point must mention (the function, or the parameter at fault).
    static func mentions(_ entry: String) -> [String] {
        switch entry {
        case "telnyx.configure{timeout}": return ["timeout"]
        case "telnyx.configure{api_key}": return ["api_key"]
        case "telnyx.configure{headers}": return ["headers"]
        case "telnyx.with_options{max_retries}": return ["max_retries"]
        case "telnyx.phone_numbers.update{tags}": return ["tags"]
        case "telnyx.phone_numbers.list{filter}": return ["filter"]
        case "telnyx.phone_numbers.update": return ["phone_numbers.update"]
        case "telnyx.phone_numbers.retrieve": return ["phone_numbers.retrieve", "id"]
        case "telnyx.phone_numbers.list": return ["phone_numbers.list"]
        case "telnyx.balance.retrieve": return ["balance.retrieve"]
        case "telnyx.map(list)", "telnyx.map(fn)", "telnyx.map(options)": return ["telnyx.map"]
        // help reports through describe, which it calls.
        case "telnyx.help": return ["telnyx.help", "telnyx.describe"]
        default: return [entry]
        }
    }

    @Test func everyEntryPointRejectsBadValuesClearlyAndTheHostSurvives() async throws {
        let server = try await TestServer.start { request, _ in
            request.path == "/v2/phone_numbers"
                ? .json(200, #"{"data":[{"id":"1"}],"meta":{"page_number":1,"total_pages":1}}"#)
                : .json(200, #"{"data":{"ok":true}}"#)
        }
        let result = try await runLua(Self.script, against: server)
        let sent = server.requests
        await server.stop()

        let lines = (result.first?.stringValue ?? "").split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines.count > 280)
        var okCalls: [String] = []
        for fields in lines {
            try #require(fields.count == 4)
            let (entry, label, outcome, message) = (fields[0], fields[1], fields[2], fields[3])
            if outcome == "ok" {
                #expect(Self.accepted[entry]?.contains(label) == true, "\(entry)(\(label)) succeeded")
                okCalls.append("\(entry)(\(label))")
            } else {
                #expect(Self.mentions(entry).contains { message.contains($0) }, "\(entry)(\(label)): \(message)")
                #expect(!message.contains("Fatal error"), "\(entry)(\(label)): \(message)")
            }
        }
        // Every accepted pair really happened, so the table above cannot rot silently.
        let expectedOK = Self.accepted.flatMap { entry, labels in labels.map { "\(entry)(\($0))" } }
        #expect(Set(okCalls) == Set(expectedOK))
        #expect(result.count == 2)
        #expect(result.last == .string(#"{"a":[1,2]} balance.retrieve true"#))
        // Only the accepted calls reached the server (a list is lazy until its first page is
        // asked for), then the healthy one. The 10 MB id was sent and refused by the server.
        #expect(sent.map(\.path).sorted() == [
            "/v2/balance", "/v2/balance", "/v2/balance", "/v2/balance", "/v2/phone_numbers",
            "/v2/phone_numbers/-1", "/v2/phone_numbers/3.5", "/v2/phone_numbers/42", "/v2/phone_numbers/id-1",
            "/v2/phone_numbers/id-1", "/v2/phone_numbers/text",
        ])
    }

    /// `phone_numbers.update(phone_number_id, {id = ...})`: the SDKs rename the `{id}` path
    /// parameter because the body has an `id` too; the positional fills the path, `id` the body.
    @Test func renamedPositionalFillsThePathAndTheSameNamedKeyGoesToTheBody() async throws {
        let server = try await TestServer.start { _, _ in .json(200, #"{"data":{"id":"pn-1"}}"#) }
        let result = try await runLua("""
            local r = telnyx.phone_numbers.update("pn-1", {id = "body-id", tags = {"a"}})
            local ok, e = pcall(telnyx.phone_numbers.update, {tags = {"a"}})
            return r.data.id, e.message
            """, against: server)
        let seen = server.requests
        await server.stop()
        #expect(result == [.string("pn-1"), .string("phone_numbers.update: missing required parameter 'phone_number_id'")])
        #expect(seen.count == 1)
        #expect(seen.first?.method == "PATCH")
        #expect(seen.first?.path == "/v2/phone_numbers/pn-1")
        #expect(seen.first.map { String(decoding: $0.body, as: UTF8.self) } == #"{"id":"body-id","tags":["a"]}"#)
    }
}
