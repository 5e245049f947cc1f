import Foundation
import Testing

/// The official Python SDK for the tests that compare against it, installed by
/// scripts/python-sdk into .build/sdk-venv.
enum PythonSDK {
    /// The python that has the SDK. Nil, with the reason printed, only when PyPI cannot be
    /// reached (the script's status 3); any other failure to install is recorded as an issue, so
    /// a broken install never passes for a skip.
    static func python(for suite: String) throws -> String? {
        let setup = try Binaries.run("/bin/bash", [Binaries.repoRoot.appendingPathComponent("scripts/python-sdk").path],
                                     timeout: 600)
        if setup.status == 3 {
            print("\(suite): skipped, the Python SDK could not be installed: \(setup.stderr)")
            return nil
        }
        try #require(setup.status == 0, "the Python SDK could not be installed: \(setup.stderr)")
        return setup.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
