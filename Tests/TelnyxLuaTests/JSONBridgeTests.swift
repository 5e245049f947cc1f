import Testing

@testable import TelnyxLua

/// Every rule of the Lua <-> JSON bridge, exercised through `telnyx.json` in a real Lua state.
@Suite struct JSONBridgeTests {
    /// Runs `code` in a fresh host and returns its first result.
    private func eval(_ code: String) throws -> LuaValue {
        try TelnyxHost().run(code).first ?? .nil
    }

    /// The error message running `code` raises.
    private func failure(_ code: String) -> String {
        do {
            _ = try TelnyxHost().run(code)
            return "(no error)"
        } catch {
            return (error as? LuaError)?.message ?? "\(error)"
        }
    }

    @Test func integersStayIntegersAndFloatsStayFloats() throws {
        #expect(try eval("return telnyx.json.encode(1)") == "1")
        #expect(try eval("return telnyx.json.encode(1.0)") == "1.0")
        #expect(try eval("return telnyx.json.encode(9007199254740993)") == "9007199254740993")
        #expect(try eval("return telnyx.json.encode(math.mininteger)") == "-9223372036854775808")
        #expect(try eval("return math.type(telnyx.json.decode('1'))") == "integer")
        #expect(try eval("return math.type(telnyx.json.decode('1.0'))") == "float")
        #expect(try eval("return math.type(telnyx.json.decode('1e2'))") == "float")
        #expect(try eval("return telnyx.json.decode('9223372036854775807')") == .integer(Int64.max))
        #expect(try eval("return telnyx.json.decode('-9223372036854775808')") == .integer(Int64.min))
        // Past 64 bits a number can only be a float.
        #expect(try eval("return math.type(telnyx.json.decode('9223372036854775808'))") == "float")
        #expect(try eval("return telnyx.json.encode(telnyx.json.decode('[1,2.5,-0.0]'))") == "[1,2.5,-0.0]")
    }

    @Test func stringsAreBytes() throws {
        #expect(try eval(#"return #telnyx.json.decode([["a\u0000b"]])"#) == .integer(3))
        #expect(try eval(#"return telnyx.json.encode("a\0b")"#) == .string(#""a\u0000b""#))
        #expect(try eval(#"return telnyx.json.decode([["\u00e9\ud83d\ude00"]])"#) == .string("é😀"))
        #expect(try eval(#"return telnyx.json.decode([["\ud800x"]])"#) == .string("\u{FFFD}x"))
        #expect(try eval(#"return telnyx.json.encode("é\n\"\\")"#) == .string(#""é\n\"\\""#))
        #expect(failure(#"telnyx.json.encode({name = "\xff"})"#).hasSuffix("value.name: string is not valid UTF-8"))
        #expect(failure(#"telnyx.json.encode({["\xc3"] = 1})"#).contains("a key is not valid UTF-8"))
    }

    @Test func tablesBecomeArraysOrObjects() throws {
        #expect(try eval("return telnyx.json.encode({1, 2, 3})") == "[1,2,3]")
        #expect(try eval("return telnyx.json.encode({b = 1, a = {c = true}})") == #"{"a":{"c":true},"b":1}"#)
        #expect(try eval("return telnyx.json.encode({})") == "{}")
        #expect(try eval("return telnyx.json.encode(telnyx.array())") == "[]")
        #expect(try eval("return telnyx.json.encode({list = telnyx.array({})})") == #"{"list":[]}"#)
        // A decoded empty array stays an array on the way back.
        #expect(try eval("return telnyx.json.encode(telnyx.json.decode('{\"a\":[],\"b\":{}}'))") == #"{"a":[],"b":{}}"#)
    }

    /// Tables are pre-sized from the last sibling at the same depth; siblings that differ in
    /// size, shape and kind must still decode exactly.
    @Test func siblingsOfDifferentSizesDecodeExactly() throws {
        let text = #"{"data":[{"a":1,"b":2,"c":[1,2,3],"d":{"x":1,"y":2}},{"a":3},{},"#
            + #"{"e":[],"f":[[1,2],[3],[]],"g":{"h":{"i":null}}},[4,5,6,7],[],{"a":1,"b":2,"c":3,"d":4,"e":5}],"meta":{"n":1}}"#
        #expect(try eval("return telnyx.json.encode(telnyx.json.decode([==[\(text)]==]))") == .string(text))
        #expect(try eval("local t = telnyx.json.decode([==[\(text)]==]).data return #t[1].c + #t[5] + #t[4].f[1]") == .integer(9))
        #expect(try eval("local n = 0 for _ in pairs(telnyx.json.decode([==[\(text)]==]).data[2]) do n = n + 1 end return n") == .integer(1))
    }

    /// The answers of one API method carry their table sizes over to the next (TableSizeHints):
    /// documents of other shapes and sizes decoded after each other still decode exactly.
    @Test func sizesCarriedOverFromEarlierDocumentsChangeNothing() throws {
        let documents = [
            #"{"data":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":[1,2,3,4,5,6,7,8]}}"#,
            #"{"data":{"a":1}}"#,
            #"{"data":[{"x":{"y":[]}},{}],"meta":{"page":1}}"#,
            #"[[1,2,3],{"k":[{"m":null}]},[],"s"]"#,
            #"{}"#,
            #"{"data":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":[1,2,3,4,5,6,7,8]}}"#,
        ]
        let vm = try LuaVM()
        var hints = TableSizeHints()
        // The sizes of one answer are carried to the next call.
        try Array(documents[0].utf8).withUnsafeBufferPointer { try LuaJSONDecoder.push($0, on: vm.lua, hints: &hints) }
        vm.lua.pop()
        #expect(hints.objectSize(at: 0) == 1 && hints.objectSize(at: 1) == 6 && hints.arraySize(at: 2) == 8)
        for text in documents + documents.reversed() {
            let bytes = Array(text.utf8)
            try bytes.withUnsafeBufferPointer { try LuaJSONDecoder.push($0, on: vm.lua, hints: &hints) }
            let carried = vm.lua.value(at: -1)
            try bytes.withUnsafeBufferPointer { try LuaJSONDecoder.push($0, on: vm.lua) }
            #expect(carried == vm.lua.value(at: -1), "\(text)")
            #expect(carried != .nil)
            vm.lua.pop(2)
        }
    }

    @Test func nullIsASentinel() throws {
        #expect(try eval("return telnyx.json.encode({webhook_timeout_secs = telnyx.null})") == #"{"webhook_timeout_secs":null}"#)
        #expect(try eval("return telnyx.json.decode('{\"a\":null}').a == telnyx.null") == true)
        #expect(try eval("return tostring(telnyx.null)") == "null")
        #expect(try eval("return telnyx.json.encode(telnyx.json.decode('[null,1]'))") == "[null,1]")
    }

    @Test func unencodableValuesNameTheirPath() {
        #expect(failure("telnyx.json.encode({params = {filter = {tag = print}}})")
            .hasSuffix("telnyx.json.encode: value.params.filter.tag: cannot encode a function"))
        #expect(failure("local t = {} t.self = t telnyx.json.encode(t)").hasSuffix("value.self: cycle: the table contains itself"))
        #expect(failure("telnyx.json.encode({[true] = 1})").hasSuffix("cannot use a boolean as a key"))
        #expect(failure("telnyx.json.encode({[1.5] = 1})").hasSuffix("cannot use a non-integer number as a key"))
        #expect(failure("telnyx.json.encode({1, x = 2})").contains("mixed keys"))
        #expect(failure("telnyx.json.encode({[1] = 1, [3] = 3})").contains("sparse array"))
        #expect(failure("telnyx.json.encode({n = 0/0})").hasSuffix("value.n: cannot encode NaN in JSON"))
        #expect(failure("telnyx.json.encode({1, {math.huge}})").hasSuffix("value[2][1]: cannot encode an infinite number in JSON"))
        #expect(failure("telnyx.json.encode(coroutine.create(print))").hasSuffix("value: cannot encode a thread"))
        #expect(failure("telnyx.json.encode(io.stdout)").hasSuffix("value: cannot encode a userdata"))
        #expect(failure("telnyx.json.encode()").contains("bad argument #1"))
    }

    @Test func deepNestingIsAnErrorNotACrash() throws {
        let deepEncode = "local t = {} local c = t for i = 1, 10000 do c.x = {} c = c.x end return telnyx.json.encode(t)"
        #expect(failure(deepEncode).contains("nested deeper than"))
        let deepDecode = "return telnyx.json.decode(string.rep('[', 10000) .. string.rep(']', 10000))"
        #expect(failure(deepDecode).contains("nesting deeper than"))
        let deep100k = "return telnyx.json.decode(string.rep('{\"a\":', 100000) .. '1' .. string.rep('}', 100000))"
        #expect(failure(deep100k).contains("nesting deeper than"))
        // The host is still usable after those errors.
        let host = try TelnyxHost()
        _ = try? host.run(deepDecode)
        #expect(try host.run("return 1 + 1").first == .integer(2))
    }

    @Test func malformedJSONGivesItsOffset() {
        #expect(failure("telnyx.json.decode('{\"a\":1,}')").contains("invalid JSON at byte 7"))
        #expect(failure("telnyx.json.decode('[1 2]')").contains("expected ',' or ']'"))
        #expect(failure("telnyx.json.decode('\"abc')").contains("unterminated string"))
        #expect(failure("telnyx.json.decode('01')").contains("leading zeros"))
        #expect(failure("telnyx.json.decode('[1] x')").contains("unexpected data after the JSON value"))
        #expect(failure("telnyx.json.decode('')").contains("unexpected end of input"))
        #expect(failure("telnyx.json.decode(42)").contains("string expected, got number"))
    }

    @Test func roundTripsKeepEveryValue() throws {
        let code = """
            local v = {i = 42, f = 0.1, s = "x\\ty", b = false, n = telnyx.null,
                       a = {1, "two", {three = 3}}, o = {nested = {deeper = {1.5}}}}
            local back = telnyx.json.decode(telnyx.json.encode(v))
            return telnyx.json.encode(back) == telnyx.json.encode(v) and math.type(back.i) == "integer"
                and math.type(back.o.nested.deeper[1]) == "float" and back.n == telnyx.null
            """
        #expect(try eval(code) == true)
    }
}
