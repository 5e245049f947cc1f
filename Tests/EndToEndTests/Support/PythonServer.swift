import Foundation

/// A small HTTP server written in Python, run as its own process on a loopback port that it
/// prints on its first line; stopped with SIGKILL (a child of the test runner may have SIGTERM
/// ignored). Foundation's Process lets children inherit the pipes of processes started at the
/// same time, so tests that start one run serialized: two such servers could hold each other's
/// pipes open.
final class PythonServer {
    let process = Process()
    let baseURL: String

    /// `handler` is the body of a `BaseHTTPRequestHandler` subclass (its methods).
    init(handler: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import http.server
            class H(http.server.BaseHTTPRequestHandler):
                protocol_version = 'HTTP/1.1'
                def log_message(self, *a): pass
            \(handler)
            s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
            print(s.server_address[1], flush=True)
            s.serve_forever()
            """]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        baseURL = "http://127.0.0.1:\(line.trimmingCharacters(in: .whitespacesAndNewlines))"
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Answers every GET with a JSON body of `megabytes` MB, announced or chunked.
    static func bigBody(megabytes: Int, chunked: Bool) throws -> PythonServer {
        try PythonServer(handler: """
                def do_GET(self):
                    size = \(megabytes) * 1024 * 1024
                    chunk = b'x' * (1024 * 1024)
                    self.send_response(200)
                    self.send_header('content-type', 'application/json')
                    if \(chunked ? "True" : "False"):
                        self.send_header('transfer-encoding', 'chunked')
                        write = lambda b: self.wfile.write(b'%x\\r\\n' % len(b) + b + b'\\r\\n')
                    else:
                        self.send_header('content-length', str(size + 12))
                        write = self.wfile.write
                    self.end_headers()
                    try:
                        write(b'{"data": "')
                        for _ in range(size // len(chunk)): write(chunk)
                        write(b'"}')
                        if \(chunked ? "True" : "False"): self.wfile.write(b'0\\r\\n\\r\\n')
                    except Exception:
                        pass
            """)
    }

    /// Reads each request's body and answers `{}`.
    static func sink() throws -> PythonServer {
        try PythonServer(handler: """
                def do_POST(self):
                    left = int(self.headers.get('content-length') or 0)
                    while left > 0:
                        left -= len(self.rfile.read(min(left, 1 << 20)) or b'x' * left)
                    self.send_response(200)
                    self.send_header('content-type', 'application/json')
                    self.send_header('content-length', '2')
                    self.end_headers()
                    self.wfile.write(b'{}')
                do_GET = do_POST
            """)
    }
}
