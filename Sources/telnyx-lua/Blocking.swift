import Dispatch

/// Runs `body` as a Swift task and waits for it on this thread: the command line is synchronous
/// (Lua runs on the main thread), the servers it starts and stops are async.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let outcome = Outcome<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { outcome.result = .success(try await body()) } catch { outcome.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try outcome.result!.get()
}

/// The result, handed from the task to the waiting thread (the semaphore orders the accesses).
private final class Outcome<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}
