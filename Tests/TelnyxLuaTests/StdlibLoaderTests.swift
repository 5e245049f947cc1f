import CLua
import LuaShims
import Testing

@testable import TelnyxLua

/// The bundled modules load from their precompiled form, under their file's chunk name, and
/// from their source when a Lua refuses the bytecode (scripts/embed-stdlib makes both).
@Suite struct StdlibLoaderTests {
    @Test func everyModuleLoadsFromItsBytecode() throws {
        let vm = try LuaVM()
        let lua = vm.lua
        #expect(StdlibLoader.modules.count >= 10)
        for module in StdlibLoader.modules {
            let top = lua.top
            #expect(!module.bytecode.isEmpty, "\(module.name) has no bytecode: run scripts/embed-stdlib")
            let usedBytecode = try StdlibLoader.load(
                source: module.source, bytecode: module.bytecode, as: "@stdlib/x.lua", on: lua)
            #expect(usedBytecode, "\(module.name): this Lua refused the embedded bytecode")
            #expect(lua.top == top + 1)
            lua.top = top
        }
    }

    @Test func refusedBytecodeFallsBackToTheSource() throws {
        let vm = try LuaVM()
        let lua = vm.lua
        let source = Array("return 6 * 7".utf8CString.dropLast())
        // The signature of a chunk, with a version no Lua has: refused, as another format would be.
        let foreign: [CChar] = [0x1B, 0x4C, 0x75, 0x61, 0x7F, 0x00].map { CChar(bitPattern: $0) }
        let top = lua.top
        let usedBytecode = try source.withUnsafeBufferPointer { text in
            try foreign.withUnsafeBufferPointer { code in
                try StdlibLoader.load(source: text, bytecode: code, as: "@stdlib/answer.lua", on: lua)
            }
        }
        #expect(!usedBytecode)
        #expect(lua.top == top + 1)
        #expect(lua_pcallk(lua.state, 0, 1, 0, 0, nil) == LUA_OK)
        #expect(lua_tointegerx(lua.state, -1, nil) == 42)
        lua.top = top
    }

    @Test func aSourceErrorIsRaisedNotSwallowed() throws {
        let vm = try LuaVM()
        let source = Array("return +".utf8CString.dropLast())
        let empty: [CChar] = []
        #expect(throws: (any Error).self) {
            try source.withUnsafeBufferPointer { text in
                try empty.withUnsafeBufferPointer { code in
                    try StdlibLoader.load(source: text, bytecode: code, as: "@stdlib/broken.lua", on: vm.lua)
                }
            }
        }
    }

    @Test func tracebacksNameTheModuleFileAndLine() throws {
        let vm = try LuaVM()
        StdlibLoader.install(vm.lua, useEnvironment: false)
        let results = try vm.run("""
            local csv = require('telnyx.csv')
            for _, f in pairs(csv) do
              if type(f) == 'function' then
                local info = debug.getinfo(f, 'S')
                return info.source, info.linedefined
              end
            end
            """, name: "=(test)")
        #expect(results.first?.stringValue == "@stdlib/telnyx/csv.lua")
        #expect((results.dropFirst().first?.integerValue ?? 0) > 0)
    }
}
