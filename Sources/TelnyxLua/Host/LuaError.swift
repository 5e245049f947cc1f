/// An error from Lua (a failed chunk, a runtime error) or one a Swift function raises into Lua.
public struct LuaError: Error, CustomStringConvertible {
    /// How a Swift function's thrown error is raised in Lua.
    enum RaiseMode {
        case message       // a string, prefixed with the caller's file:line
        case messagePlain  // a string, as is
        case valueOnTop    // the value the function left on top of the stack
    }

    /// The error message (for error tables, their `tostring`).
    public let message: String
    /// The Lua traceback, when the error came from running Lua code.
    public let traceback: String?
    /// The error value when it was not a string (an error table, say), converted.
    public let value: LuaValue?
    /// `os.exit` was called: the code to exit with.
    public let exitCode: Int32?

    let raiseMode: RaiseMode

    init(message: String, traceback: String? = nil, value: LuaValue? = nil, exitCode: Int32? = nil,
         raiseMode: RaiseMode = .message) {
        self.message = message
        self.traceback = traceback
        self.value = value
        self.exitCode = exitCode
        self.raiseMode = raiseMode
    }

    /// For a Swift function: raise `message` in Lua, prefixed with the caller's position.
    public static func raise(_ message: String) -> LuaError { LuaError(message: message) }

    /// For a Swift function: raise `message` in Lua exactly as given.
    public static func raisePlain(_ message: String) -> LuaError {
        LuaError(message: message, raiseMode: .messagePlain)
    }

    /// For a Swift function: raise the value it pushed on top of the stack (an error table).
    public static func raiseValue() -> LuaError { LuaError(message: "", raiseMode: .valueOnTop) }

    /// A traceback without the bundled runtime's frames (`stdlib/telnyx/runtime/*.lua`, not on
    /// the user's disk, and its C functions such as `telnyx.runtime.api.finish`): what is left
    /// is the user's code and the libraries it called.
    static func userFrames(_ traceback: String) -> String {
        traceback.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            let frame = line.drop { $0 == "\t" }
            return !frame.hasPrefix("stdlib/telnyx/runtime/") && !(frame.hasPrefix("[C]: in ") && frame.contains(text: "'telnyx.runtime."))
        }.joined(separator: "\n")
    }

    public var description: String {
        if let traceback, !traceback.isEmpty { return message + "\n" + traceback }
        return message
    }
}
