import Testing

@testable import TelnyxLua

/// The embedding API: Swift functions in Lua, values both ways, errors both ways.
@Suite struct HostTests {
    @Test func swiftFunctionTakesAndReturnsTables() throws {
        let vm = try LuaVM()
        vm.register("summarize") { lua in
            try lua.checkTable(1)
            let input = lua.value(at: 1)
            var total: Int64 = 0
            for i in 1...3 { total += input["numbers"]?[Int64(i)]?.integerValue ?? 0 }
            lua.push(LuaValue.table(["total": .integer(total), "name": input["name"] ?? .nil]))
            return 1
        }
        let result = try vm.run("local r = summarize{name = 'n', numbers = {1, 2, 3}} return r.total, r.name")
        #expect(result == [.integer(6), .string("n")])
    }

    @Test func swiftErrorsReachLuaWithPositionAndTraceback() throws {
        let vm = try LuaVM()
        vm.register("fail") { _ in throw LuaError.raise("went wrong in Swift") }
        let caught = try vm.run("local ok, e = pcall(fail) return ok, e")
        #expect(caught.first == .boolean(false))
        #expect(caught.last?.stringValue == "[string \"local ok, e = pcall(fail) return ok, e\"]:1: went wrong in Swift"
            || caught.last?.stringValue?.hasSuffix("went wrong in Swift") == true)
        do {
            try vm.run("local function inner() fail() end\ninner()", name: "@script.lua")
            Issue.record("no error")
        } catch let error as LuaError {
            #expect(error.message == "script.lua:1: went wrong in Swift")
            #expect(error.traceback?.contains("in local 'inner'") == true)
            #expect(error.traceback?.contains("script.lua:2") == true)
        }
    }

    @Test func argumentErrorsNameTheArgument() throws {
        let vm = try LuaVM()
        vm.register("needs_string") { lua in
            _ = try lua.checkString(1)
            return 0
        }
        #expect(throws: LuaError.self) { try vm.run("needs_string({})") }
        let message = try vm.run("return select(2, pcall(needs_string, 1))").first?.stringValue ?? ""
        #expect(message.contains("bad argument #1 (string expected, got number)"))
    }

    @Test func luaErrorsReachSwift() throws {
        let vm = try LuaVM()
        #expect {
            try vm.run("error({code = 7})")
        } throws: { error in
            (error as? LuaError)?.value?["code"] == .integer(7)
        }
        #expect {
            try vm.run("local x = nil + 1", name: "=calc")
        } throws: { error in
            (error as? LuaError)?.message.hasPrefix("calc:1: attempt to perform arithmetic on a nil value") == true
        }
        #expect {
            try vm.run("this is not lua")
        } throws: { error in
            (error as? LuaError)?.message.contains("syntax error") == true
        }
    }

    @Test func valuesConvertBothWays() throws {
        let vm = try LuaVM()
        vm.setGlobal("v", .table(["s": "x", "i": 1, "f": 1.5, "b": true, "list": .table([1: "a", 2: "b"])]))
        let back = try vm.run("return v.s, math.type(v.i), math.type(v.f), v.b, #v.list, v.list[2]")
        #expect(back == [.string("x"), .string("integer"), .string("float"), .boolean(true), .integer(2), .string("b")])
        #expect(vm.global("v")["list"]?[1] == .string("a"))
        #expect(try vm.run("return print").first == .opaque("function"))
        #expect(try vm.run("local t = {} t.t = t return t").first?["t"] == .opaque("table (cycle)"))
    }

    @Test func memoryLimitStopsARunawayAllocation() throws {
        let vm = try LuaVM(memoryLimit: 8 * 1024 * 1024)
        #expect {
            try vm.run("local t = {} for i = 1, 1e8 do t[i] = string.rep('x', 100) .. i end")
        } throws: { error in
            (error as? LuaError)?.message.contains("not enough memory") == true
        }
        #expect(try vm.run("return 40 + 2").first == .integer(42))
    }

    @Test func bundledModulesLoadWithRequire() throws {
        let host = try TelnyxHost(useEnvironment: false)
        #expect(try host.run("return require('telnyx.e164').normalize('+1 (800) 555-0199')").first == .string("+18005550199"))
        #expect(try host.run("return require('telnyx') == telnyx").first == .boolean(true))
    }
}
