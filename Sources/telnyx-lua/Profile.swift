#if canImport(Glibc)
import Glibc
#endif
import Telnyx
import TelnyxLua

/// Where the API key comes from: `--profile NAME` picks a profile of the config file; without
/// it, `TELNYX_API_KEY` wins, and the file's `[default]` profile is used when that is unset.
enum Profile {
    static func apply(_ options: Options, to host: TelnyxHost) throws {
        guard let path = ConfigFile.defaultPath() else {
            if options.profile != nil { throw ConfigFile.Failure(description: "--profile: HOME is not set") }
            return
        }
        if let name = options.profile {
            guard let file = try ConfigFile.load(path: path) else {
                throw ConfigFile.Failure(description: "--profile \(name): no config file at \(path)")
            }
            var failure: ConfigFile.Failure?
            host.configureClient { client in
                do throws(ConfigFile.Failure) { try file.apply(profile: name, to: &client) } catch { failure = error }
                // The profile was asked for by name: a key it holds that cannot be sent is fatal now.
                if failure == nil, let problem = client.apiKeyProblem { failure = ConfigFile.Failure(description: problem) }
            }
            if let failure { throw failure }
            return
        }
        let keyFromEnvironment = !options.ignoreEnvironment && getenv("TELNYX_API_KEY").map { $0.pointee != 0 } == true
        guard !keyFromEnvironment, let file = try ConfigFile.load(path: path), file.profiles["default"] != nil else { return }
        host.configureClient { client in try? file.apply(profile: "default", to: &client) }
    }
}
