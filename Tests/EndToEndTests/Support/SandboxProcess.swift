import Foundation

/// `telnyx-sandbox` started as its own process on an ephemeral port, stopped by its process id.
final class SandboxProcess {
    let process = Process()
    let baseURL: String

    init(_ arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: Binaries.telnyxSandbox)
        process.arguments = ["--port", "0"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line says where it listens: "telnyx-sandbox listening on http://127.0.0.1:PORT (...)".
        var line = Data()
        let handle = out.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let start = text.range(of: "http://"),
              let end = text[start.lowerBound...].firstIndex(of: " ") else {
            process.terminate()
            throw StartError(output: text)
        }
        baseURL = String(text[start.lowerBound..<end])
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    struct StartError: Error { let output: String }
}
