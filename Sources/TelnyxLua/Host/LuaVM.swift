import CLua
import LuaShims

/// Owns a Lua 5.4 state: creates it with the standard libraries, registers Swift functions,
/// runs chunks and files, and turns Lua errors into Swift `LuaError`s with tracebacks.
///
/// Not thread-safe: create, use and drop it on one thread (Lua states are single-threaded).
public final class LuaVM {
    /// The main thread's stack.
    public let lua: Lua

    /// Creates a state. `memoryLimit` caps the bytes Lua may allocate (0: no cap); past it,
    /// allocations fail with Lua's "not enough memory" error.
    /// `ignoreEnvironment` (lua's `-E`): the package library does not read LUA_PATH or LUA_CPATH.
    public init(memoryLimit: Int = 0, standardLibraries: Bool = true, ignoreEnvironment: Bool = false) throws {
        guard let state = tl_newstate_limited(memoryLimit) else {
            throw LuaError(message: "cannot create a Lua state: out of memory")
        }
        lua = Lua(state)
        if ignoreEnvironment {
            // What lua.c does for -E: loadlib.c reads this flag when it sets package.path.
            lua_pushboolean(state, 1)
            lua_setfield(state, tl_registryindex(), "LUA_NOENV")
        }
        if standardLibraries {
            luaL_openlibs(state)
            tl_install_shared_hooks(state)
            // The base library's print, for the REPL to tell whether a script replaced it.
            lua_getglobal(state, "print")
            lua_setfield(state, tl_registryindex(), LuaVM.originalPrintKey)
        }
        tl_arm_interrupt_hook(state)
    }

    deinit { close() }

    private var closed = false

    /// Closes the state now: pending finalizers (`__gc`) and to-be-closed values run. Nothing
    /// may use the VM afterwards.
    public func close() {
        guard !closed else { return }
        closed = true
        lua_close(lua.state)
    }

    /// Registry field holding the base library's `print` as it was when the state was made.
    public static let originalPrintKey = "telnyx-lua.print"

    /// Only text chunks load from files and stdin (`--safe`): Lua does not verify bytecode.
    public var textOnly = false

    /// Bytes Lua has allocated now.
    public var allocatedBytes: Int { tl_allocated_bytes(lua.state) }

    /// Changes the memory cap (0: none).
    public func setMemoryLimit(_ bytes: Int) { tl_set_memory_limit(lua.state, bytes) }

    // MARK: Registering

    /// Makes `function` the global `name`.
    public func register(_ name: String, _ function: @escaping LuaFunction) {
        lua.push(function: function)
        lua.setGlobal(name)
    }

    public func setGlobal(_ name: String, _ value: LuaValue) {
        lua.push(value)
        lua.setGlobal(name)
    }

    public func global(_ name: String) -> LuaValue {
        lua.getGlobal(name)
        defer { lua.pop() }
        return lua.value(at: -1)
    }

    // MARK: Running

    /// Compiles `code` and pushes the chunk as a function. `name` is the chunk name Lua shows
    /// in messages: `=stdin`, `@file.lua`, or source text.
    public func load(_ code: [UInt8], name: String) throws {
        let status = code.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                tl_loadbuffer(lua.state, $0.baseAddress, $0.count, name)
            }
        }
        if status != LUA_OK { throw popError(withTraceback: false) }
    }

    /// Compiles the file at `path` (a `#!` first line is skipped, as `lua` does) and pushes it.
    public func loadFile(_ path: String?) throws {
        let status = textOnly ? tl_loadfile_text(lua.state, path) : tl_loadfile(lua.state, path)
        if status != LUA_OK { throw popError(withTraceback: false) }
    }

    /// Runs a string; returns what the chunk returned.
    @discardableResult
    public func run(_ code: String, name: String = "=(string)") throws -> [LuaValue] {
        try load(Array(code.utf8), name: name)
        return try callReturningValues(arguments: [])
    }

    /// Runs a file (`-` for stdin) with `arguments` as the chunk's `...`; returns what it
    /// returned.
    @discardableResult
    public func runFile(_ path: String, arguments: [LuaValue] = []) throws -> [LuaValue] {
        try loadFile(path == "-" ? nil : path)
        return try callReturningValues(arguments: arguments)
    }

    /// Calls the function below `arguments` on the stack; returns its results.
    public func callReturningValues(arguments: [LuaValue]) throws -> [LuaValue] {
        let base = lua.top - 1
        for argument in arguments { lua.push(argument) }
        try call(argumentCount: Int32(arguments.count), resultCount: tl_multret())
        let results = (base + 1...max(base + 1, lua.top)).prefix(Int(lua.top - base)).map { lua.value(at: $0) }
        lua.top = base
        return results
    }

    /// Protected call of the function and arguments on top of the stack, with a traceback on
    /// error. Results are left on the stack.
    public func call(argumentCount: Int32, resultCount: Int32) throws {
        if tl_pcall_traceback(lua.state, argumentCount, resultCount) != LUA_OK {
            throw popError(withTraceback: true)
        }
    }

    /// Pops the error value on top of the stack into a `LuaError`.
    func popError(withTraceback: Bool) -> LuaError {
        defer { lua.pop() }
        return LuaError.from(lua, at: -1)
    }
}

extension LuaError {
    /// Reads an error value as the traceback handler left it: a string `message\nstack
    /// traceback:...`, or a table with a `traceback` field and a `__tostring`.
    static func from(_ lua: Lua, at index: Int32) -> LuaError {
        let index = lua.absolute(index)
        if lua.isTable(index) {
            lua.push("traceback")
            lua.rawGet(index)
            let traceback = lua.toString(-1)
            lua.pop()
            return LuaError(message: lua.errorText(at: index), traceback: traceback.map(LuaError.userFrames),
                            value: lua.value(at: index))
        }
        let text = lua.describe(index)
        let marker = "\nstack traceback:"
        if let cut = text.range(ofText: marker) {
            return LuaError(message: String(text[..<cut.lowerBound]),
                            traceback: LuaError.userFrames(String(text[text.utf8.index(after: cut.lowerBound)...])))
        }
        return LuaError(message: text)
    }
}
