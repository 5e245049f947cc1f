import CLua
import LuaShims

/// A Swift function callable from Lua. It reads its arguments from the stack (`lua.top` is the
/// argument count), pushes its results and returns how many it pushed. To fail it throws:
/// a `LuaError` made with `.raise(message)` becomes a Lua error with the caller's `file:line:`,
/// one made with `.raiseValue()` raises the value on top of the stack as is (an error table),
/// and any other Swift error becomes a Lua error with its description.
///
/// It must not call `lua_error`, `lua_yield` or `luaL_check*` itself: those longjmp across the
/// Swift frame. The C trampoline raises on its behalf after the Swift frame has returned.
public typealias LuaFunction = (Lua) throws -> Int32

/// Holds a Swift closure for the lifetime of the Lua closure that calls it.
final class SwiftFunctionBox {
    let function: LuaFunction

    init(_ function: @escaping LuaFunction) { self.function = function }

    static func push(_ function: @escaping LuaFunction, on state: OpaquePointer) {
        installEntryPoints
        let box = Unmanaged.passRetained(SwiftFunctionBox(function)).toOpaque()
        tl_push_swift_function(state, box)
    }

    /// Installed once per process: the C side calls back through these two functions.
    private static let installEntryPoints: Void = {
        tl_set_swift_entry_points(dispatch, release)
    }()
}

private func dispatch(_ state: OpaquePointer?, _ box: UnsafeMutableRawPointer?) -> Int32 {
    let lua = Lua(state!)
    let function = Unmanaged<SwiftFunctionBox>.fromOpaque(box!).takeUnretainedValue().function
    do {
        let count = try function(lua)
        return count
    } catch let error as LuaError {
        switch error.raiseMode {
        case .valueOnTop:
            return Int32(TL_RAISE)
        case .message:
            lua.push(error.message)
            return Int32(TL_RAISE_WHERE)
        case .messagePlain:
            lua.push(error.message)
            return Int32(TL_RAISE)
        }
    } catch {
        lua.push(String(describing: error))
        return Int32(TL_RAISE_WHERE)
    }
}

private func release(_ box: UnsafeMutableRawPointer?) {
    Unmanaged<SwiftFunctionBox>.fromOpaque(box!).release()
}
