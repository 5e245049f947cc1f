import Foundation
import HTTP1Client
import NIOCore
import NIOSSL
import Testing

/// TLS against a real TLS server on loopback, with certificates made by `openssl` for the test:
/// verification is on by default, and a certificate only passes for a name it was issued to.
@Suite struct TLSTests {
    /// A self-signed certificate for `names` (subjectAltName entries) and its key, as PEM files.
    private func makeCertificate(_ names: String, in folder: URL) throws -> (NIOSSLCertificate, NIOSSLPrivateKey) {
        let key = folder.appendingPathComponent("key.pem").path, cert = folder.appendingPathComponent("cert.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=test", "-addext", "subjectAltName=\(names)"]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl failed")
        return (try NIOSSLCertificate.fromPEMFile(cert)[0], try NIOSSLPrivateKey(file: key, format: .pem))
    }

    private func server(_ certificate: NIOSSLCertificate, _ key: NIOSSLPrivateKey) async throws -> ScriptedServer {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
        return try await ScriptedServer(tls: try NIOSSLContext(configuration: configuration)) { _, _ in
            .send(response(200, "secret answer"))
        }
    }

    private func client(trusting certificate: NIOSSLCertificate) -> HTTP1Client {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates([certificate])
        return HTTP1Client(configuration: .init(tls: tls))
    }

    private func fetch(_ client: HTTP1Client, _ url: String) async -> Result<String, HTTP1Error> {
        do {
            let answer = try await client.perform(HTTP1Request(method: "GET", url: url), timeout: .seconds(10))
            return .success(String(decoding: answer.body, as: UTF8.self))
        } catch {
            return .failure(error)
        }
    }

    @Test func aTrustedCertificateForTheNameAnswersAndAnythingElseIsRefused() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (certificate, key) = try makeCertificate("DNS:localhost,IP:127.0.0.1", in: folder)
        let tlsServer = try await server(certificate, key)
        let trusting = client(trusting: certificate)
        // Issued to localhost and 127.0.0.1, trusted: both names answer, over TLS.
        #expect(try await fetch(trusting, "https://localhost:\(tlsServer.port)/").get() == "secret answer")
        #expect(try await fetch(trusting, "https://127.0.0.1:\(tlsServer.port)/").get() == "secret answer")
        // The system's trust roots do not know a self-signed certificate.
        let strict = HTTP1Client()
        guard case .failure(.tls) = await fetch(strict, "https://localhost:\(tlsServer.port)/") else {
            Issue.record("an unknown certificate was accepted")
            return
        }
        // Plain HTTP to a TLS port gets no answer it could take for one.
        guard case .failure = await fetch(trusting, "http://127.0.0.1:\(tlsServer.port)/") else {
            Issue.record("plain HTTP got an answer from a TLS port")
            return
        }
        await tlsServer.stop()

        // Trusted, but issued to another name: refused.
        let (other, otherKey) = try makeCertificate("DNS:other.example", in: folder)
        let misnamed = try await server(other, otherKey)
        guard case .failure(.tls) = await fetch(client(trusting: other), "https://localhost:\(misnamed.port)/") else {
            Issue.record("a certificate for another name was accepted")
            return
        }
        #expect(misnamed.requests.isEmpty, "no request may reach a server that failed verification")
        await misnamed.stop()
        trusting.shutdown()
        strict.shutdown()
    }
}
